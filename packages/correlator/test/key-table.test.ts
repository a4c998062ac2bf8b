import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeyTable } from "../src/key-table.js";

describe("KeyTable", () => {
  it("keeps keys in least-recently-used order and evicts the least recently used when full", () => {
    const cleared: number[] = [];
    const table = new KeyTable("ipAddress", 3);
    const owner = table.attach({ clearSlot: (slot) => cleared.push(slot) });
    table.attach({ clearSlot: () => expect.unreachable("this owner stored nothing") });
    const a = table.touch("a", 1, owner);
    const b = table.touch("b", 2, owner);
    table.touch("c", 3, owner);
    table.touch("a", 4, owner); // a is now the most recent
    table.touch("d", 5, owner); // evicts b
    expect(table.find("b")).toBe(-1);
    expect(table.slotsInLruOrder().map((s) => table.keyOf(s))).toEqual(["c", "a", "d"]);
    expect(table.evictions).toBe(1);
    expect(cleared).toEqual([b]);
    expect(table.find("a")).toBe(a);
  });

  it("expires keys idle past the horizon without counting them as evictions", () => {
    const table = new KeyTable("userId", 100);
    table.horizonMs = 10;
    table.touch("old", 0);
    table.touch("recent", 8);
    expect(table.expire(15)).toBe(1);
    expect(table.find("old")).toBe(-1);
    expect(table.find("recent")).toBeGreaterThanOrEqual(0);
    expect(table.expirations).toBe(1);
    expect(table.evictions).toBe(0);
    table.touch("later", 30); // inserting also expires idle keys from the LRU end
    expect(table.find("recent")).toBe(-1);
    expect(table.expirations).toBe(2);
  });

  it("tells only the owners that stored state in a slot, also past 32 owners", () => {
    const table = new KeyTable("k", 10);
    const calls: number[] = [];
    const owners = Array.from({ length: 40 }, (_, i) => table.attach({ clearSlot: () => calls.push(i) }));
    const slot = table.touch("x", 0, owners[3]);
    table.touch("x", 1, owners[35]);
    table.mark(slot, owners[39] as number);
    table.remove(slot, "evicted");
    expect(calls.sort((p, q) => p - q)).toEqual([3, 35, 39]);
    const again = table.touch("y", 2); // the slot is reused with no owner marks left
    table.remove(again, "evicted");
    expect(calls).toHaveLength(3);
    expect(() => table.attach({ clearSlot: () => {} })).toThrow(/before the first key/);
  });

  it("grows beyond its initial capacity and reuses freed slots", () => {
    const table = new KeyTable("k", 10_000);
    for (let i = 0; i < 5_000; i++) table.touch(`k${i}`, i);
    expect(table.size).toBe(5_000);
    table.horizonMs = 0;
    table.expire(4_000);
    expect(table.size).toBe(1_000);
    const slot = table.touch("new", 6_000);
    expect(slot).toBeLessThan(5_000);
  });

  it("property: behaves like a naive LRU model", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: 200 }),
        (capacity, keys) => {
          const table = new KeyTable("k", capacity);
          const model: string[] = []; // least recent first
          keys.forEach((n, time) => {
            const key = `k${n}`;
            table.touch(key, time);
            const i = model.indexOf(key);
            if (i >= 0) model.splice(i, 1);
            else if (model.length === capacity) model.shift();
            model.push(key);
          });
          expect(table.slotsInLruOrder().map((s) => table.keyOf(s))).toEqual(model);
          expect(table.size).toBe(model.length);
        },
      ),
    );
  });
});
