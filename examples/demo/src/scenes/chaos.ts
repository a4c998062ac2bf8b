import { ChaosError, isChaosError } from "@athena/chaos";
import type { Scene } from "../scene.js";

/** Placeholder scene for @athena/chaos until its smallest working example lands: proves the package loads. */
export const scene: Scene = {
  name: "@athena/chaos",
  async run() {
    const ok = isChaosError(new ChaosError("INVALID_OPTIONS", "demo"));
    return { ok, lines: [ok ? "package loads and its error guard works" : "error guard failed"] };
  },
};
