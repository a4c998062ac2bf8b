import fc from "fast-check";
import { mean, variance } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { createStreamingDetector, isAnomalyError } from "../src/index.js";
import { gaussian, rng } from "./workload.js";

describe("createStreamingDetector", () => {
  it("matches simple-statistics' mean and population variance while within the window (Welford)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 99 }),
        (values) => {
          const detector = createStreamingDetector({ minSamples: 1_000 });
          for (const [i, v] of values.entries()) detector.update(v, i);
          const state = detector.state();
          expect(state.samples).toBe(values.length);
          expect(state.mean).toBeCloseTo(mean(values), 6);
          expect(state.stdDev ** 2).toBeCloseTo(variance(values), Math.max(0, 6 - Math.log10(1 + variance(values))));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("scores ordinary values near 0 and flags a spike and a drift", () => {
    const random = rng(1);
    const detector = createStreamingDetector({ direction: "up" });
    let falseAlarms = 0;
    for (let i = 0; i < 500; i++) if (detector.update(100 + 5 * gaussian(random), i).isAnomalous) falseAlarms++;
    expect(falseAlarms).toBeLessThan(10);
    const spike = detector.update(160, 500);
    expect(spike).toMatchObject({ isAnomalous: true, kind: "spike" });
    expect(spike.score).toBeGreaterThan(0.9);
    // A drift of one standard deviation: never a spike, caught by the CUSUM.
    let drift: ReturnType<typeof detector.update> | undefined;
    for (let i = 0; i < 40 && !drift?.isAnomalous; i++) drift = detector.update(106 + 2 * gaussian(random), 501 + i);
    expect(drift).toMatchObject({ isAnomalous: true, kind: "drift" });
  });

  it("respects the direction and the warm-up", () => {
    const warming = createStreamingDetector({ minSamples: 10 });
    for (let i = 0; i < 9; i++) warming.update(100 + (i % 3), i);
    expect(warming.update(10_000, 9)).toMatchObject({ isAnomalous: false, score: 0 });
    const down = createStreamingDetector({ direction: "down", minSamples: 10 });
    for (let i = 0; i < 40; i++) down.update(100 + (i % 3), i);
    expect(down.update(1_000, 40).isAnomalous).toBe(false);
    expect(down.update(0, 41)).toMatchObject({ isAnomalous: true, kind: "spike" });
  });

  it("rejects non-finite values and timestamps without recording them, and accepts late timestamps", () => {
    const detector = createStreamingDetector();
    detector.update(1, 100);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => detector.update(bad, 101)).toThrow(/finite/);
      expect(() => detector.update(1, bad)).toThrow(/finite/);
    }
    try {
      detector.update(Number.NaN);
    } catch (error) {
      expect(isAnomalyError(error) && error.code).toBe("INVALID_REQUEST");
    }
    detector.update(2, 50);
    expect(detector.state()).toMatchObject({ samples: 2, lastTimestamp: 100 });
    detector.reset();
    expect(detector.state().samples).toBe(0);
    expect(() => createStreamingDetector({ direction: "sideways" as "up" })).toThrow(/direction/);
  });
});
