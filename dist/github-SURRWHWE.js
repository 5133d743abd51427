import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a,b}from"./chunk-LMFS2MB7.js";import"./chunk-4KPMEISM.js";import"./chunk-VWNHEGXA.js";import"./chunk-CLAYG7GY.js";import"./chunk-EAK4VDRA.js";export{a as context,b as getOctokit};
//# sourceMappingURL=github-SURRWHWE.js.map
