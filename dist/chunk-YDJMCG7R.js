import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a as i}from"./chunk-EAK4VDRA.js";function x(r,o){let h=Math.min(r.length,o.length);for(let n=0;n<h;n++){let t=r.charCodeAt(n),e=o.charCodeAt(n);if(t!==e)return t>=55296&&e>=55296&&(t=t>=57344?t-2048:t+8192,e=e>=57344?e-2048:e+8192),t-e}return r.length-o.length}i(x,"compareCodePoints");export{x as a};
//# sourceMappingURL=chunk-YDJMCG7R.js.map
