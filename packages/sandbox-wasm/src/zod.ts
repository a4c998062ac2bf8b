import { createRequire } from "node:module";

type Zod = typeof import("zod");

let loaded: Zod | undefined;

/**
 * zod, loaded on first use through `require` (zod ships CommonJS too). Importing this package then stays cheap and
 * `createWasmSandbox` can start compiling the WebAssembly module before zod is evaluated.
 */
export function zod(): Zod {
  loaded ??= createRequire(import.meta.url)("zod") as Zod;
  return loaded;
}

/** Builds a value once, on first use. */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}
