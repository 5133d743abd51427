import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a,b}from"./chunk-ZJIKJXB6.js";import"./chunk-33YQJHPS.js";import"./chunk-CLAYG7GY.js";import"./chunk-VWNHEGXA.js";import"./chunk-EAK4VDRA.js";export{a as context,b as getOctokit};
//# sourceMappingURL=github-CAPBPLSP.js.map
