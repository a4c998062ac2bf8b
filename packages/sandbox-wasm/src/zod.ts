import { createRequire } from "node:module";

type Zod = typeof import("zod");

let loaded: Zod | undefined;

/**
 * zod, loaded on first use through `require` (zod ships CommonJS too). Valid options never need it (see
 * `validate.ts`), so importing this package and running the first program stay cheap; it is loaded to check and
 * describe options the fast path is unsure of.
 */
export function zod(): Zod {
  loaded ??= createRequire(import.meta.url)("zod") as Zod;
  return loaded;
}
