import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a,b}from"./chunk-HG2HZMJT.js";import"./chunk-CLAYG7GY.js";import"./chunk-D5CHCU2E.js";import"./chunk-EAK4VDRA.js";export{a as VERSION,b as retry};
//# sourceMappingURL=dist-bundle-QWUDF3CZ.js.map
