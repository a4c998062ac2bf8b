/**
 * Bounded memory under a cardinality attack: events from ever-new addresses (and users) must not grow the heap past
 * the caps. The full 10,000,000-event run is in bench/memory.bench.ts; this is the same check at a size a test suite
 * affords.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { SecurityEvent } from "../src/index.js";
import { harness, prng, T0 } from "./helpers.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function attackEvent(i: number, random: () => number): SecurityEvent {
  const ip = Math.floor(random() * 2 ** 32);
  return {
    type: i % 2 === 0 ? "AUTHENTICATION_FAILURE" : "PROMPT_INJECTION_ATTEMPT",
    source: "edge",
    severity: "medium",
    timestamp: T0 + i,
    ipAddress: `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`,
    userId: `user-${Math.floor(random() * 10_000_000)}`,
  };
}

describe("cardinality attack", () => {
  it("keeps tracked keys at the cap and the heap bounded while 250,000 events come from random addresses", () => {
    const maxTrackedKeys = 20_000;
    const h = harness({ maxTrackedKeys });
    const random = prng(7);
    // warm up so the structures reach their steady size, then measure growth over the rest
    for (let i = 0; i < 50_000; i++) h.correlator.addEvent(attackEvent(i, random));
    const before = heapAfterGc();
    let peak = before;
    for (let i = 50_000; i < 250_000; i++) {
      h.correlator.addEvent(attackEvent(i, random));
      if (i % 50_000 === 0) peak = Math.max(peak, heapAfterGc());
    }
    const after = heapAfterGc();
    const stats = h.correlator.stats();
    expect(stats.keysTracked).toBeLessThanOrEqual(2 * maxTrackedKeys); // two tables: ipAddress and userId
    expect(stats.keysEvicted).toBeGreaterThan(200_000);
    expect(stats.eventsProcessed).toBe(250_000);
    // Steady state: the caps hold, so 200,000 more events add (almost) nothing. Generous for GC noise.
    expect(Math.max(peak, after) - before).toBeLessThan(8 * 1024 * 1024);
  }, 120_000);

  it("an attack evicts idle keys first: a key touched within the last maxTrackedKeys keys keeps its state", () => {
    const run = (attackPerRound: number): number => {
      const h = harness({ maxTrackedKeys: 1_000, minEventsForThreat: 3 });
      const random = prng(8);
      let t = 0;
      for (let round = 0; round < 3; round++) {
        h.correlator.addEvent({
          type: "PROMPT_INJECTION_ATTEMPT",
          source: "app",
          severity: "high",
          userId: "victim",
          timestamp: T0 + t++,
        });
        for (let i = 0; i < attackPerRound; i++) h.correlator.addEvent(attackEvent(t++, random));
      }
      return h.detected.filter((d) => d.groupKey === "victim").length;
    };
    expect(run(500)).toBe(1); // 500 new users between two touches: the victim stays tracked
    expect(run(1_500)).toBe(0); // more new keys than the cap between two touches: evicted (the documented trade-off)
  });
});
