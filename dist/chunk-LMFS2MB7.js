import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a as o,e as n,f as e}from"./chunk-4KPMEISM.js";import{a as t}from"./chunk-EAK4VDRA.js";var s=new o;function g(i,r,...c){let p=n.plugin(...c);return new p(e(i,r))}t(g,"getOctokit");export{s as a,g as b};
//# sourceMappingURL=chunk-LMFS2MB7.js.map
