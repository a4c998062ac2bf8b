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

  /** A table whose index hash has only a few distinct values: long probe runs, deletions inside them, re-seeding. */
  class CollidingTable extends KeyTable {
    protected override hashKey(key: string): number {
      let h = 0;
      for (let i = 0; i < key.length; i++) h = (h + key.charCodeAt(i)) & 3;
      return h * 0x10000; // the same low bits for every key: every key probes from one bucket
    }
  }

  it("property: touch, find, remove and expire behave like a model, with the real hash and with a colliding one", () => {
    type Op =
      | { op: "touch"; key: number; dt: number }
      | { op: "find"; key: number }
      | { op: "remove"; key: number }
      | { op: "expire"; dt: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ op: fc.constant("touch" as const), key: fc.nat(40), dt: fc.nat(5) }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant("find" as const), key: fc.nat(40) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("remove" as const), key: fc.nat(40) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("expire" as const), dt: fc.nat(20) }) },
    );
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 5, max: 60 }),
        fc.array(opArb, { maxLength: 400 }),
        (colliding, maxKeys, horizon, ops) => {
          const table = colliding ? new CollidingTable("k", maxKeys) : new KeyTable("k", maxKeys);
          table.horizonMs = horizon;
          const model: { key: string; seen: number }[] = []; // least recent first
          let evictions = 0;
          let expirations = 0;
          let time = 0;
          const expireModel = (now: number, limit: number): void => {
            let dropped = 0;
            while (model.length > 0 && dropped < limit && (model[0] as { seen: number }).seen < now - horizon) {
              model.shift();
              expirations++;
              dropped++;
            }
          };
          for (const o of ops) {
            if (o.op === "touch") {
              time += o.dt;
              const key = `key-${o.key}`;
              const slot = table.touch(key, time);
              expect(table.keyOf(slot)).toBe(key);
              const i = model.findIndex((m) => m.key === key);
              if (i >= 0) {
                const [m] = model.splice(i, 1) as [{ key: string; seen: number }];
                model.push({ key, seen: Math.max(m.seen, time) });
              } else {
                expireModel(time, 2);
                if (model.length >= maxKeys) {
                  model.shift();
                  evictions++;
                }
                model.push({ key, seen: time });
              }
            } else if (o.op === "find") {
              const key = `key-${o.key}`;
              const slot = table.find(key);
              const present = model.some((m) => m.key === key);
              expect(slot >= 0).toBe(present);
              if (present) expect(table.keyOf(slot)).toBe(key);
            } else if (o.op === "remove") {
              const key = `key-${o.key}`;
              const slot = table.find(key);
              const i = model.findIndex((m) => m.key === key);
              if (i >= 0) {
                table.remove(slot, "evicted");
                model.splice(i, 1);
                evictions++;
              }
            } else {
              time += o.dt;
              table.expire(time);
              expireModel(time, Number.POSITIVE_INFINITY);
            }
          }
          expect(table.slotsInLruOrder().map((s) => table.keyOf(s))).toEqual(model.map((m) => m.key));
          expect(table.slotsInLruOrder().map((s) => table.lastSeenOf(s))).toEqual(model.map((m) => m.seen));
          expect(table.size).toBe(model.length);
          expect(table.evictions).toBe(evictions);
          expect(table.expirations).toBe(expirations);
          for (let k = 0; k <= 40; k++) {
            const key = `key-${k}`;
            expect(table.find(key) >= 0).toBe(model.some((m) => m.key === key));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("re-seeds its index after a long probe run and still finds every key", () => {
    // 300 keys in one probe run (the colliding hash): the run passes the probe limit, the table re-seeds (which cannot
    // help this hash), and every lookup, eviction and expiry still works.
    const table = new CollidingTable("k", 300);
    for (let i = 0; i < 300; i++) table.touch(`key-${i}`, i);
    for (let i = 300; i < 900; i++) table.touch(`key-${i}`, i); // evicts the 600 oldest, refilling the run
    expect(table.reseeds).toBeGreaterThan(0);
    expect(table.size).toBe(300);
    for (let i = 0; i < 900; i++) expect(table.find(`key-${i}`) >= 0, `key-${i}`).toBe(i >= 600);
    expect(table.evictions).toBe(600);
    // the real hash on the same keys: no re-seeding needed
    const real = new KeyTable("k", 300);
    for (let i = 0; i < 900; i++) real.touch(`key-${i}`, i);
    expect(real.reseeds).toBe(0);
    expect(real.slotsInLruOrder().map((s) => real.keyOf(s))).toEqual(
      table.slotsInLruOrder().map((s) => table.keyOf(s)),
    );
  });
});
