import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a,b}from"./chunk-6ODKXOE2.js";import"./chunk-TDOZX4GC.js";import"./chunk-QQ7U7XR3.js";import"./chunk-EAK4VDRA.js";export{a as create,b as hashFiles};
//# sourceMappingURL=glob-IRK77M6U.js.map
