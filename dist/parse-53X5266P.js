import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{b as a}from"./chunk-PALSMLZ7.js";import"./chunk-KFISRQ4O.js";import"./chunk-EAK4VDRA.js";export{a as readFroms};
//# sourceMappingURL=parse-53X5266P.js.map
