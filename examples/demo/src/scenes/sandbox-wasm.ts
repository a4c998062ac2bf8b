import { isSandboxError, SandboxError } from "@athena/sandbox-wasm";
import type { Scene } from "../scene.js";

/** Placeholder scene for @athena/sandbox-wasm until its smallest working example lands: proves the package loads. */
export const scene: Scene = {
  name: "@athena/sandbox-wasm",
  async run() {
    const ok = isSandboxError(new SandboxError("INVALID_OPTIONS", "demo"));
    return { ok, lines: [ok ? "package loads and its error guard works" : "error guard failed"] };
  },
};
