/**
 * The guest-side prelude: a few hundred bytes of JavaScript evaluated before the program, only with the parts the
 * program mentions (parsing guest code costs ~0.35 µs a byte, so what is not needed is not parsed).
 *
 * The prelude evaluates to a function; the host calls it once (with the bridge's host function `H` when the program
 * uses tools or the workspace) and keeps the array of internal functions it returns. None of them is reachable from
 * the program. They use only operations the program cannot intercept for the data the host copies out (primitive
 * string concatenation, `.length` of primitive strings, a `JSON.stringify` captured before the program ran), and the
 * host still checks the type and length of everything before copying it.
 *
 * A tool call is one synchronous call of `H(index, kind, payload)`: a number argument crosses as itself (`kind` 0),
 * anything else as length-checked JSON (`kind` 1). `H` records the call on the host and returns a promise the host
 * created with `JS_NewPromiseCapability` and later settles through its resolve or reject function, so a call costs no
 * guest-side promise bookkeeping and no per-call handles; `H` returns `undefined` when too many calls are in flight.
 */

/** Which parts of the prelude a program needs. */
export interface PreludeParts {
  console: boolean;
  bridge: boolean;
  fs: boolean;
  /** `[index, server, name]` per tool, when tools are installed. */
  tools: ReadonlyArray<readonly [number, string, string]>;
  maxLogChars: number;
  maxPayloadChars: number;
  maxToolCalls: number;
}

/** Index of each internal function in the array the prelude function returns (`parse` and `error` with the bridge). */
export const HOOK = { define: 0, stringify: 1, logs: 2, parse: 3, error: 4 } as const;

/** Workspace operations share the bridge with negative indices. */
export const FS_OP = { readFile: -1, writeFile: -2, readdir: -3, unlink: -4, exists: -5 } as const;

/** Builds the prelude source for the given parts: an expression whose value is the prelude function. */
export function buildPrelude(parts: PreludeParts): string {
  let src =
    `(H=>{"use strict";const G=globalThis,S=JSON.stringify,P=JSON.parse,E=Error,TE=TypeError,RE=RangeError,` +
    `D=Object.defineProperty,FZ=Object.freeze,Pr=Promise,PJ=Promise.reject.bind(Promise),St=String;`;
  src +=
    `const Z=v=>{if(typeof v==="object"&&v!==null){FZ(v);for(const k in v)Z(v[k])}return v};` +
    `const I=(k,s,r)=>{const v=s===""?undefined:P(s);D(G,k,{value:r?Z(v):v,writable:!r,configurable:!r,enumerable:false})};`;
  if (parts.console) {
    src +=
      `let L=[],B=0,T=false;const F=a=>{let s="";for(let i=0;i<a.length;i++){const v=a[i];let t;` +
      `if(typeof v==="string")t=v;else if(v instanceof E)t=St(v.name)+": "+St(v.message);` +
      `else{try{t=S(v)}catch{t=undefined}if(t===undefined)t=St(v)}s+=(i?" ":"")+t}return s};` +
      `const W=l=>(...a)=>{if(T)return;const s=F(a);if(B+s.length>${parts.maxLogChars}){T=true;return}B+=s.length;L[L.length]=l;L[L.length]=s};` +
      `G.console={log:W(0),info:W(1),warn:W(2),error:W(3),debug:W(4),trace:W(4)};` +
      `const R=()=>{const r=S([T,L]);L=[];return r};`;
  } else {
    src += `const R=()=>"[false,[]]";`;
  }
  if (parts.bridge) {
    src +=
      `let N=0;` +
      `const C=(i,a)=>{try{let k=0,s=a;if(typeof a!=="number"){s=a===undefined?"":S(a);` +
      `if(s===undefined)throw new TE("tool arguments must be JSON data");` +
      `if(s.length>${parts.maxPayloadChars})throw new RE("tool arguments are larger than ${parts.maxPayloadChars} bytes");k=1}` +
      `if(i>=0&&++N>${parts.maxToolCalls}){const e=new E("tool call limit of ${parts.maxToolCalls} reached");e.name="ToolError";e.code="TOOL_LIMIT";throw e}` +
      `const p=H(i,k,s);if(p===undefined)throw new RE("too many tool calls in flight");return p}catch(e){return PJ(e)}};` +
      `const M=(m,c)=>{const e=new E(m);e.name="ToolError";e.code=c;return e};`;
    if (parts.tools.length > 0) {
      src +=
        `{const t={};for(const[i,s,m]of P(${JSON.stringify(JSON.stringify(parts.tools))})){const o=t[s]??(t[s]={});o[m]=a=>C(i,a)}` +
        `for(const k in t)FZ(t[k]);D(G,"tools",{value:FZ(t),enumerable:false})}`;
    } else {
      src += `D(G,"tools",{value:FZ({}),enumerable:false});`;
    }
    if (parts.fs) {
      src +=
        `D(G,"fs",{value:FZ({readFile:p=>C(${FS_OP.readFile},p),writeFile:(p,d)=>C(${FS_OP.writeFile},[p,St(d)]),` +
        `readdir:p=>C(${FS_OP.readdir},p===undefined?"":p),unlink:p=>C(${FS_OP.unlink},p),exists:p=>C(${FS_OP.exists},p)}),enumerable:false});`;
    }
    src += `return[I,S,R,P,M]})`;
  } else {
    src += `return[I,S,R]})`;
  }
  return src;
}
