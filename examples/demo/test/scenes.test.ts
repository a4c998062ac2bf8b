import { describe, expect, it } from "vitest";
import { scene as adapters } from "../src/scenes/adapters.js";
import { scene as anomaly } from "../src/scenes/anomaly.js";
import { scene as chaos } from "../src/scenes/chaos.js";
import { scene as correlator } from "../src/scenes/correlator.js";
import { scene as filter } from "../src/scenes/filter.js";
import { scene as sandbox } from "../src/scenes/sandbox-wasm.js";

describe("demo scenes", () => {
  it.each([sandbox, adapters, filter, anomaly, correlator, chaos])("$name passes", async (scene) => {
    const result = await scene.run();
    expect(result.ok, result.lines.join("\n")).toBe(true);
  });
});
