import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a,b}from"./chunk-ZO32L475.js";import"./chunk-THZWLVF7.js";import"./chunk-QQ7U7XR3.js";import"./chunk-EAK4VDRA.js";export{a as create,b as hashFiles};
//# sourceMappingURL=glob-BRSFNVP7.js.map
