import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a,b}from"./chunk-XEN7HQEX.js";import"./chunk-LTFAATXD.js";import"./chunk-6FKWJEAK.js";import"./chunk-EAK4VDRA.js";export{a as create,b as hashFiles};
//# sourceMappingURL=glob-35DXQMMB.js.map
