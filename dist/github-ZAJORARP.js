import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{c as a,d as b}from"./chunk-MRQQVSCL.js";import"./chunk-QQ7U7XR3.js";import"./chunk-EAK4VDRA.js";export{a as context,b as getOctokit};
//# sourceMappingURL=github-ZAJORARP.js.map
