import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a,b}from"./chunk-W6JPGCEW.js";import"./chunk-IU7KWIXO.js";import"./chunk-CLAYG7GY.js";import"./chunk-RVJX7NUC.js";import"./chunk-EAK4VDRA.js";export{a as context,b as getOctokit};
//# sourceMappingURL=github-ALSKND6T.js.map
