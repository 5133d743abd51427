import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a,b,c,d,e,f,g,h,i,j,k,l}from"./chunk-6FKWJEAK.js";import"./chunk-EAK4VDRA.js";export{b as AST,f as GLOBSTAR,l as Minimatch,i as braceExpand,h as defaults,c as escape,g as filter,j as makeRe,k as match,d as minimatch,e as sep,a as unescape};
//# sourceMappingURL=esm-P23A7QBM.js.map
