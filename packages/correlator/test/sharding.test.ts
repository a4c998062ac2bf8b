import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CorrelationPattern,
  createDefaultPatterns,
  groupKeyOf,
  type SecurityEvent,
  shardForKey,
} from "../src/index.js";
import { harness, prng, T0 } from "./helpers.js";

describe("shard helpers", () => {
  it("read the same group key as the correlator and route it stably", () => {
    const event: SecurityEvent = {
      type: "X",
      source: "s",
      severity: "low",
      timestamp: T0,
      userId: "u",
      ipAddress: "192.0.2.1",
      data: { tenant: 42 },
    };
    expect(groupKeyOf(event, "ipAddress")).toBe("192.0.2.1");
    expect(groupKeyOf(event, ["userId", "data.tenant"])).toBe("u\u001f42");
    expect(groupKeyOf(event, "sessionId")).toBeUndefined();
    expect(shardForKey("192.0.2.1", 4)).toBe(shardForKey("192.0.2.1", 4));
    expect(() => shardForKey("k", 0)).toThrow(RangeError);
  });

  it("spread keys evenly", () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const s = shardForKey(`10.0.${i >> 8}.${i & 255}`, 4);
      counts[s] = (counts[s] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(9_000);
  });

  it("property: any key maps into range", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 1_000 }), (key, shards) => {
        const s = shardForKey(key, shards);
        expect(Number.isInteger(s) && s >= 0 && s < shards).toBe(true);
      }),
    );
  });
});

describe("sharding by group key", () => {
  function stream(count: number): SecurityEvent[] {
    const random = prng(11);
    const types = [
      "AUTHENTICATION_FAILURE",
      "PROMPT_INJECTION_ATTEMPT",
      "PRIVILEGE_ESCALATION",
      "DATA_ACCESS_VIOLATION",
    ] as const;
    return Array.from({ length: count }, (_, i) => ({
      type: types[Math.floor(random() * types.length)] as string,
      source: "svc",
      severity: "high" as const,
      timestamp: T0 + i * 1_000,
      userId: `u${Math.floor(random() * 30)}`,
      ipAddress: `198.51.100.${Math.floor(random() * 5)}`,
    }));
  }

  it("N shards, one fleet per group-by, find exactly the threats one correlator finds", () => {
    const patterns = createDefaultPatterns({ minEventsForThreat: 3 });
    const events = stream(3_000);
    const single = harness({ patterns });
    for (const e of events) single.correlator.addEvent(e);

    // Patterns grouped by different fields go to different fleets; each fleet is sharded by its own group key.
    const fleets = new Map<string, { groupBy: string; patterns: CorrelationPattern[] }>();
    for (const p of patterns) {
      const groupBy = p.groupBy as string;
      fleets.set(groupBy, { groupBy, patterns: [...(fleets.get(groupBy)?.patterns ?? []), p] });
    }
    const shards = 4;
    const found: string[] = [];
    for (const fleet of fleets.values()) {
      const members = Array.from({ length: shards }, (_, i) =>
        harness({ patterns: fleet.patterns, idPrefix: `${fleet.groupBy}-${i}` }),
      );
      for (const e of events) {
        const key = groupKeyOf(e, fleet.groupBy);
        if (key !== undefined) members[shardForKey(key, shards)]?.correlator.addEvent(e);
      }
      for (const m of members) {
        expect(m.correlator.stats().eventsProcessed).toBeLessThan(events.length);
        found.push(
          ...m.correlator.getThreats().map((t) => `${t.patternId}|${t.groupKey}|${t.detectedAt}|${t.eventCount}`),
        );
      }
    }
    const expected = single.correlator
      .getThreats()
      .map((t) => `${t.patternId}|${t.groupKey}|${t.detectedAt}|${t.eventCount}`);
    expect(expected.length).toBeGreaterThan(3);
    expect(found.sort()).toEqual(expected.sort());
  });
});
