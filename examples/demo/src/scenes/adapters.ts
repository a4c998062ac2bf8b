import { isToolError, ToolError } from "@athena/adapters";
import type { Scene } from "../scene.js";

/** Placeholder scene for @athena/adapters until its smallest working example lands: proves the package loads. */
export const scene: Scene = {
  name: "@athena/adapters",
  async run() {
    const ok = isToolError(new ToolError("INVALID_OPTIONS", "demo"));
    return { ok, lines: [ok ? "package loads and its error guard works" : "error guard failed"] };
  },
};
