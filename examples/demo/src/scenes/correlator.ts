import { CorrelatorError, isCorrelatorError } from "@athena/correlator";
import type { Scene } from "../scene.js";

/** Placeholder scene for @athena/correlator until its smallest working example lands: proves the package loads. */
export const scene: Scene = {
  name: "@athena/correlator",
  async run() {
    const ok = isCorrelatorError(new CorrelatorError("INVALID_OPTIONS", "demo"));
    return { ok, lines: [ok ? "package loads and its error guard works" : "error guard failed"] };
  },
};
