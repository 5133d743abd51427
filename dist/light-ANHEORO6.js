import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a}from"./chunk-D5CHCU2E.js";import"./chunk-EAK4VDRA.js";export default a();
//# sourceMappingURL=light-ANHEORO6.js.map
