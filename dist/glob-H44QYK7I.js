import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a,b}from"./chunk-25KO2GR3.js";import"./chunk-NV5SDIWG.js";import"./chunk-VWNHEGXA.js";import"./chunk-EAK4VDRA.js";export{a as create,b as hashFiles};
//# sourceMappingURL=glob-H44QYK7I.js.map
