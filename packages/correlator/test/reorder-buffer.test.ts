import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReorderBuffer } from "../src/reorder-buffer.js";
import { ev } from "./helpers.js";

describe("ReorderBuffer", () => {
  it("releases in event-time order, ties in arrival order", () => {
    const buffer = new ReorderBuffer();
    const order = [5, 1, 5, 3, 1, 9].map((t, i) => ev(`E${i}`, t));
    for (const e of order) buffer.push(e);
    const out: string[] = [];
    for (let e = buffer.shift(); e !== undefined; e = buffer.shift()) out.push(e.type);
    expect(out).toEqual(["E1", "E4", "E3", "E0", "E2", "E5"]);
  });

  it("property: output is the stable sort of the input, also when interleaved with releases", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 300 }), (ops) => {
        const buffer = new ReorderBuffer();
        const pending: { t: number; i: number }[] = [];
        const released: number[] = [];
        const expected: number[] = [];
        ops.forEach(([t, release], i) => {
          buffer.push(ev(String(i), t));
          pending.push({ t, i });
          expect(buffer.toArray().map((e) => Number(e.type))).toEqual(
            [...pending].sort((a, b) => a.t - b.t || a.i - b.i).map((p) => p.i),
          );
          if (release) {
            pending.sort((a, b) => a.t - b.t || a.i - b.i);
            expected.push((pending.shift() as { i: number }).i);
            released.push(Number(buffer.shift()?.type));
          }
        });
        expect(released).toEqual(expected);
        expect(buffer.size).toBe(pending.length);
      }),
    );
  });
});
