import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{b as a,c as b,d as c,e as d,f as e}from"./chunk-4KPMEISM.js";import"./chunk-VWNHEGXA.js";import"./chunk-CLAYG7GY.js";import"./chunk-EAK4VDRA.js";export{d as GitHub,b as context,c as defaults,e as getOctokitOptions,a as getUserAgentWithOrchestrationId};
//# sourceMappingURL=utils-V7GYOBRE.js.map
