import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a,b}from"./chunk-3LCVSEPU.js";import"./chunk-B5E4YAS3.js";import"./chunk-CLAYG7GY.js";import"./chunk-QQ7U7XR3.js";import"./chunk-EAK4VDRA.js";export{a as context,b as getOctokit};
//# sourceMappingURL=github-2XVPD4ON.js.map
