import { AnomalyError, isAnomalyError } from "@athena/anomaly";
import type { Scene } from "../scene.js";

/** Placeholder scene for @athena/anomaly until its smallest working example lands: proves the package loads. */
export const scene: Scene = {
  name: "@athena/anomaly",
  async run() {
    const ok = isAnomalyError(new AnomalyError("INVALID_OPTIONS", "demo"));
    return { ok, lines: [ok ? "package loads and its error guard works" : "error guard failed"] };
  },
};
