import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);
import{a,b,c,d,e,f,g,h}from"./chunk-7ZNPXFJM.js";import"./chunk-VWNHEGXA.js";import"./chunk-EAK4VDRA.js";export{b as Headers,h as HttpClient,e as HttpClientError,f as HttpClientResponse,a as HttpCodes,c as MediaTypes,d as getProxyUrl,g as isHttps};
//# sourceMappingURL=lib-LMFUWNG5.js.map
