// bottleneck's light build (what @octokit/plugin-throttling itself loads) has the full build's types.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
