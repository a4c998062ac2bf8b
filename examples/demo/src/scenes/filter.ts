import { FilterError, isFilterError } from "@athena/filter";
import type { Scene } from "../scene.js";

/** Placeholder scene for @athena/filter until its smallest working example lands: proves the package loads. */
export const scene: Scene = {
  name: "@athena/filter",
  async run() {
    const ok = isFilterError(new FilterError("INVALID_OPTIONS", "demo"));
    return { ok, lines: [ok ? "package loads and its error guard works" : "error guard failed"] };
  },
};
