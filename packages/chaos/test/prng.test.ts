import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom, hashString } from "../src/prng.js";

describe("createRandom", () => {
  it("gives the same sequence for the same seed and stream, a different one otherwise", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed, stream) => {
        const a = createRandom(seed, stream);
        const b = createRandom(seed, stream);
        const c = createRandom(seed, (stream + 1) >>> 0);
        const sa = Array.from({ length: 16 }, a);
        expect(Array.from({ length: 16 }, b)).toEqual(sa);
        expect(Array.from({ length: 16 }, c)).not.toEqual(sa);
        for (const x of sa) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("is uniform enough: chi-square over 20 buckets of 100,000 draws stays below the 0.1 % critical value", () => {
    const random = createRandom(1);
    const buckets = new Array<number>(20).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const bucket = Math.floor(random() * 20);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    const expected = n / 20;
    const chi = buckets.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(43.82); // 19 degrees of freedom, p = 0.001
  });
});

describe("hashString", () => {
  it("is stable and spreads nearby names", () => {
    expect(hashString("users-api")).toBe(hashString("users-api"));
    expect(hashString("a")).not.toBe(hashString("b"));
    expect(hashString("")).toBe(0x811c9dc5);
  });
});
