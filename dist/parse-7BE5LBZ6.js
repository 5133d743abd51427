import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{c as a}from"./chunk-A5ZHQP7Z.js";import"./chunk-EAK4VDRA.js";export{a as readFroms};
//# sourceMappingURL=parse-7BE5LBZ6.js.map
