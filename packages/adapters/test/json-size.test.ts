import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { jsonByteLength } from "../src/json-size.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const expected = (value: unknown): number => {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? 0 : Buffer.byteLength(json, "utf8");
  } catch {
    return -1;
  }
};

describe("jsonByteLength", () => {
  it("matches Buffer.byteLength(JSON.stringify(value)) on edge cases", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const cases: unknown[] = [
      null,
      true,
      false,
      0,
      -0,
      12_345,
      -1.5e-7,
      1e21,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "",
      'quote " backslash \\ newline \n tab \t bell \u0007 nul \u0000',
      "é ü € 😀 \ud800 lone \udc00 low",
      [undefined, () => 1, Symbol("s"), 1],
      { a: undefined, b: () => 1, c: 1, 'k"ey': [] },
      { nested: { deep: [{ x: "y" }] } },
      new Date(0),
      { toJSON: () => ({ replaced: true }) },
      [new Number(3), new String("s"), new Boolean(false)],
      undefined,
      () => 1,
      10n,
      cycle,
      { shared: [1], again: [1] },
    ];
    for (const [i, value] of cases.entries()) expect(jsonByteLength(value), `case ${i}`).toBe(expected(value));
  });

  it("matches on any JSON-like value (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonByteLength(value)).toBe(expected(value));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, withSparseArray: true }), (value) => {
        expect(jsonByteLength(value)).toBe(expected(value));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(jsonByteLength({ text })).toBe(expected({ text }));
      }),
    );
  });
});
