import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a,b}from"./chunk-MCBGU4GW.js";import"./chunk-UOQSSWQR.js";import"./chunk-RVJX7NUC.js";import"./chunk-EAK4VDRA.js";export{a as create,b as hashFiles};
//# sourceMappingURL=glob-LKFWBF5G.js.map
