// @actions/http-client imports undici for its ProxyAgent alone, and every run loads @actions/core, which
// imports http-client: undici (400 KB) would be evaluated on every start. Bundled in its place, this
// evaluates undici the first time a proxy agent is made, when a runner has a proxy.
let undici
module.exports = {
  get ProxyAgent() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous load on first use is the point
    undici ??= require('undici')
    return undici.ProxyAgent
  }
}
