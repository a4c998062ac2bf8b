import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CorrelationPattern, SecurityEvent, SequencePattern } from "../src/index.js";
import { ev, harness, T0 } from "./helpers.js";

const threshold = (extra: Partial<CorrelationPattern> = {}): CorrelationPattern =>
  ({
    id: "t",
    kind: "threshold",
    groupBy: "userId",
    filter: { type: "F" },
    threshold: 3,
    windowMs: 1_000,
    ...extra,
  }) as CorrelationPattern;

describe("threshold patterns", () => {
  it("match N events of one key inside the sliding window, not spread wider", () => {
    const h = harness({ patterns: [threshold()] });
    for (const at of [0, 600, 1_200]) h.correlator.addEvent(ev("F", at, { userId: "a" })); // 0 and 1200 too far apart
    expect(h.detected).toHaveLength(0);
    h.correlator.addEvent(ev("F", 1_500, { userId: "a" })); // 600, 1200, 1500
    expect(h.detected).toHaveLength(1);
    expect(h.detected[0]?.events.map((e) => e.timestamp - T0)).toEqual([600, 1_200, 1_500]);
    expect(h.detected[0]?.eventCount).toBe(3);
  });

  it("keep keys apart and ignore events without the group field", () => {
    const h = harness({ patterns: [threshold()] });
    h.correlator.addEvent(ev("F", 0, { userId: "a" }));
    h.correlator.addEvent(ev("F", 1, { userId: "b" }));
    h.correlator.addEvent(ev("F", 2)); // no userId: takes no part
    h.correlator.addEvent(ev("F", 3, { userId: "a" }));
    h.correlator.addEvent(ev("G", 4, { userId: "a" })); // another type
    expect(h.detected).toHaveLength(0);
    h.correlator.addEvent(ev("F", 5, { userId: "a" }));
    expect(h.detected.map((t) => t.groupKey)).toEqual(["a"]);
  });

  it("group by any field path, and by several fields", () => {
    const h = harness({
      patterns: [
        threshold({ id: "tenant", groupBy: "data.tenant", threshold: 2 }),
        threshold({ id: "pair", groupBy: ["userId", "ipAddress"], threshold: 2 }),
      ],
    });
    h.correlator.addEvent(ev("F", 0, { userId: "a", ipAddress: "1.1.1.1", data: { tenant: "acme" } }));
    h.correlator.addEvent(ev("F", 1, { userId: "b", ipAddress: "1.1.1.1", data: { tenant: "acme" } }));
    h.correlator.addEvent(ev("F", 2, { userId: "a", ipAddress: "1.1.1.1", data: { tenant: 7 } }));
    expect(h.detected.map((t) => [t.patternId, t.groupKey, t.groupBy])).toEqual([
      ["tenant", "acme", ["data.tenant"]],
      ["pair", "a\u001f1.1.1.1", ["userId", "ipAddress"]],
    ]);
  });

  it("consume their events: the next threat needs N new events (documented overlap rule)", () => {
    const h = harness({ patterns: [threshold({ suppressMs: 0 })] });
    for (let i = 0; i < 7; i++) h.correlator.addEvent(ev("F", i, { userId: "a" }));
    expect(h.detected.map((t) => t.events.map((e) => e.timestamp - T0))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it("reset a key on an `until` event", () => {
    const h = harness({ patterns: [threshold({ until: { type: "AUTHENTICATION_SUCCESS" } })] });
    h.correlator.addEvent(ev("F", 0, { userId: "a" }));
    h.correlator.addEvent(ev("F", 1, { userId: "a" }));
    h.correlator.addEvent(ev("AUTHENTICATION_SUCCESS", 2, { userId: "a" }));
    h.correlator.addEvent(ev("F", 3, { userId: "a" }));
    expect(h.detected).toHaveLength(0);
    expect(h.correlator.stats().partialMatchesDiscarded).toBe(1);
  });

  it("fire on every event with threshold 1", () => {
    const h = harness({ patterns: [threshold({ threshold: 1, suppressMs: 0 })] });
    h.correlator.addEvent(ev("F", 0, { userId: "a" }));
    h.correlator.addEvent(ev("F", 1, { userId: "a" }));
    expect(h.detected).toHaveLength(2);
  });

  it("keep at most maxEvidenceEvents events per threat but count them all", () => {
    const h = harness({ maxEvidenceEvents: 3, patterns: [threshold({ threshold: 10, suppressMs: 0 })] });
    for (let i = 0; i < 10; i++) h.correlator.addEvent(ev("F", i, { userId: "a" }));
    expect(h.detected[0]?.events.map((e) => e.timestamp - T0)).toEqual([7, 8, 9]);
    expect(h.detected[0]?.eventCount).toBe(10);
    expect(h.detected[0]?.firstSeen).toBe(T0 + 7);
  });
});

describe("distinct-value patterns", () => {
  const distinct = (extra: Partial<CorrelationPattern> = {}): CorrelationPattern =>
    ({
      id: "d",
      kind: "distinct",
      groupBy: "ipAddress",
      filter: { type: "F" },
      field: "userId",
      threshold: 3,
      windowMs: 1_000,
      ...extra,
    }) as CorrelationPattern;

  it("count distinct values per key in the window, refreshing a repeated value", () => {
    const h = harness({ patterns: [distinct()] });
    h.correlator.addEvent(ev("F", 0, { ipAddress: "x", userId: "u1" }));
    h.correlator.addEvent(ev("F", 500, { ipAddress: "x", userId: "u2" }));
    h.correlator.addEvent(ev("F", 900, { ipAddress: "x", userId: "u1" })); // refreshes u1
    h.correlator.addEvent(ev("F", 1_200, { ipAddress: "x", userId: "u2" })); // u1@900, u2@1200
    expect(h.detected).toHaveLength(0);
    h.correlator.addEvent(ev("F", 1_300, { ipAddress: "x", userId: "u3" }));
    expect(h.detected).toHaveLength(1);
    expect([...(h.detected[0]?.affectedUsers ?? [])].sort()).toEqual(["u1", "u2", "u3"]);
    expect(h.detected[0]?.events.map((e) => e.timestamp - T0)).toEqual([900, 1_200, 1_300]);
  });

  it("drop values older than the window", () => {
    const h = harness({ patterns: [distinct()] });
    h.correlator.addEvent(ev("F", 0, { ipAddress: "x", userId: "u1" }));
    h.correlator.addEvent(ev("F", 100, { ipAddress: "x", userId: "u2" }));
    h.correlator.addEvent(ev("F", 1_101, { ipAddress: "x", userId: "u3" })); // u1 and u2 have expired
    h.correlator.addEvent(ev("F", 1_102, { ipAddress: "x", userId: "u4" }));
    expect(h.detected).toHaveLength(0);
  });

  it("behave the same above 32 distinct values (a Map instead of small arrays), also across a snapshot", () => {
    const options = { patterns: [distinct({ threshold: 40, windowMs: 100_000 })] };
    const h = harness(options);
    for (let i = 0; i < 30; i++) h.correlator.addEvent(ev("F", i, { ipAddress: "x", userId: `u${i % 25}` }));
    const restored = harness(options);
    restored.correlator.restore(JSON.parse(JSON.stringify(h.correlator.snapshot())));
    for (const c of [h, restored]) {
      for (let i = 30; i < 50; i++) c.correlator.addEvent(ev("F", i, { ipAddress: "x", userId: `u${i - 15}` }));
    }
    // u0..u34 by i = 49: 35 values, then five more
    expect(h.detected).toHaveLength(0);
    for (const c of [h, restored]) {
      for (let i = 50; i < 55; i++) c.correlator.addEvent(ev("F", i, { ipAddress: "x", userId: `v${i}` }));
    }
    expect(h.detected).toHaveLength(1);
    expect(restored.detected.map((t) => t.eventCount)).toEqual(h.detected.map((t) => t.eventCount));
    expect(new Set(h.detected[0]?.affectedUsers).size).toBe(40);
  });

  it("report a distinct field other than userId as IoCs", () => {
    const h = harness({ patterns: [distinct({ groupBy: "userId", field: "ipAddress", threshold: 2 })] });
    h.correlator.addEvent(ev("F", 0, { ipAddress: "198.51.100.1", userId: "u" }));
    h.correlator.addEvent(ev("F", 1, { ipAddress: "198.51.100.2", userId: "u" }));
    const iocs = h.detected[0]?.ioCs.filter((i) => i.type === "ipAddress").map((i) => i.value);
    expect(iocs).toEqual(["198.51.100.1", "198.51.100.2"]);
    expect(h.detected[0]?.timeline[0]?.description).toContain('ipAddress "198.51.100.1"');
  });
});

const seq = (extra: Partial<SequencePattern> = {}): SequencePattern => ({
  id: "s",
  kind: "sequence",
  groupBy: "userId",
  windowMs: 1_000,
  steps: [
    { name: "a", filter: { type: "A" } },
    { name: "b", filter: { type: "B" } },
    { name: "c", filter: { type: "C" } },
  ],
  ...extra,
});

describe("ordered sequences", () => {
  it("match the steps in order for one key, with per-step filters", () => {
    const h = harness({
      patterns: [
        seq({
          steps: [
            { filter: { type: "A" } },
            { filter: { type: "B", where: { "data.ok": false } } },
            { filter: { type: "C" } },
          ],
        }),
      ],
    });
    h.correlator.addEvent(ev("A", 0, { userId: "u" }));
    h.correlator.addEvent(ev("B", 10, { userId: "u", data: { ok: true } })); // fails the step filter
    h.correlator.addEvent(ev("C", 20, { userId: "u" }));
    expect(h.detected).toHaveLength(0);
    h.correlator.addEvent(ev("B", 30, { userId: "u", data: { ok: false } }));
    h.correlator.addEvent(ev("C", 40, { userId: "u" }));
    expect(h.detected).toHaveLength(1);
    expect(h.detected[0]?.events.map((e) => e.type)).toEqual(["A", "B", "C"]);
    expect(h.detected[0]?.timeline.map((e) => e.step ?? e.kind)).toEqual(["step 1", "step 2", "step 3", "detected"]);
  });

  it("enforce the maximum span from first to last event", () => {
    const h = harness({ patterns: [seq()] });
    h.correlator.addEvent(ev("A", 0, { userId: "u" }));
    h.correlator.addEvent(ev("B", 500, { userId: "u" }));
    h.correlator.addEvent(ev("C", 1_001, { userId: "u" }));
    expect(h.detected).toHaveLength(0);
  });

  it("enforce the maximum gap between steps, per step", () => {
    const h = harness({
      patterns: [
        seq({
          maxGapMs: 100,
          steps: [{ filter: { type: "A" } }, { filter: { type: "B" }, maxGapMs: 300 }, { filter: { type: "C" } }],
        }),
      ],
    });
    h.correlator.addEvent(ev("A", 0, { userId: "u" }));
    h.correlator.addEvent(ev("B", 250, { userId: "u" })); // within its own 300 ms
    h.correlator.addEvent(ev("C", 400, { userId: "u" })); // 150 ms after B: more than 100
    expect(h.detected).toHaveLength(0);
    h.correlator.addEvent(ev("A", 500, { userId: "u" }));
    h.correlator.addEvent(ev("B", 790, { userId: "u" }));
    h.correlator.addEvent(ev("C", 890, { userId: "u" }));
    expect(h.detected).toHaveLength(1);
  });

  it("expire a partial match on an `until` event", () => {
    const h = harness({ patterns: [seq({ until: { type: "LOGOUT" } })] });
    h.correlator.addEvent(ev("A", 0, { userId: "u" }));
    h.correlator.addEvent(ev("B", 10, { userId: "u" }));
    h.correlator.addEvent(ev("LOGOUT", 20, { userId: "u" }));
    h.correlator.addEvent(ev("C", 30, { userId: "u" }));
    h.correlator.addEvent(ev("LOGOUT", 40, { userId: "other" })); // another key: no effect
    expect(h.detected).toHaveLength(0);
    h.correlator.addEvent(ev("A", 50, { userId: "u" }));
    h.correlator.addEvent(ev("B", 60, { userId: "u" }));
    h.correlator.addEvent(ev("C", 70, { userId: "u" }));
    expect(h.detected).toHaveLength(1);
  });

  it("overlapping matches: the most recent partial at each step is kept and a match consumes the key", () => {
    const h = harness({ patterns: [seq({ suppressMs: 0 })] });
    for (const [type, at] of [
      ["A", 0],
      ["A", 10],
      ["B", 20],
      ["B", 30],
      ["C", 40],
      ["C", 50],
    ] as const)
      h.correlator.addEvent(ev(type, at, { userId: "u" }));
    expect(h.detected.map((t) => t.events.map((e) => `${e.type}${e.timestamp - T0}`))).toEqual([["A10", "B30", "C40"]]);
  });

  it("a later event of a step can extend a partial again when the earlier extension ran out of time", () => {
    const h = harness({ patterns: [seq({ maxGapMs: 600 })] });
    h.correlator.addEvent(ev("A", 0, { userId: "u" }));
    h.correlator.addEvent(ev("B", 10, { userId: "u" }));
    h.correlator.addEvent(ev("B", 500, { userId: "u" }));
    h.correlator.addEvent(ev("C", 900, { userId: "u" })); // 890 ms after B@10, but 400 ms after B@500
    expect(h.detected.map((t) => t.events.map((e) => e.timestamp - T0))).toEqual([[0, 500, 900]]);
  });

  it("let one event fill several steps of different partial matches (A → A → A)", () => {
    const h = harness({
      patterns: [
        seq({
          suppressMs: 0,
          steps: [{ filter: { type: "A" } }, { filter: { type: "A" } }, { filter: { type: "A" } }],
        }),
      ],
    });
    for (let i = 0; i < 6; i++) h.correlator.addEvent(ev("A", i, { userId: "u" }));
    expect(h.detected.map((t) => t.events.map((e) => e.timestamp - T0))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it("cap partial matches per key, dropping the oldest (which can cost a detection)", () => {
    const run = (cap: number): number => {
      const h = harness({ maxPartialMatchesPerKey: cap, patterns: [seq({ maxGapMs: 600 })] });
      h.correlator.addEvent(ev("A", 0, { userId: "u" }));
      h.correlator.addEvent(ev("B", 10, { userId: "u" })); // two partials now: (A) and (A, B)
      h.correlator.addEvent(ev("B", 500, { userId: "u" }));
      h.correlator.addEvent(ev("C", 900, { userId: "u" }));
      if (cap === 1) expect(h.correlator.stats().partialMatchesDiscarded).toBe(1);
      return h.detected.length;
    };
    expect(run(2)).toBe(1);
    expect(run(1)).toBe(0); // (A) was dropped, so B@500 could not extend it
  });

  it("one-step sequences fire on each event", () => {
    const h = harness({ patterns: [seq({ suppressMs: 0, steps: [{ filter: { type: "A" } }] })] });
    h.correlator.addEvent(ev("A", 0, { userId: "u" }));
    h.correlator.addEvent(ev("A", 1, { userId: "u" }));
    expect(h.detected).toHaveLength(2);
  });
});

describe("unordered sequences", () => {
  it("match when enough different steps happen within the window, in any order", () => {
    const h = harness({ patterns: [seq({ ordered: false, minSteps: 2 })] });
    h.correlator.addEvent(ev("C", 0, { userId: "u" }));
    h.correlator.addEvent(ev("C", 10, { userId: "u" })); // the same step twice is still one step
    expect(h.detected).toHaveLength(0);
    h.correlator.addEvent(ev("A", 20, { userId: "u" }));
    expect(h.detected).toHaveLength(1);
    expect(h.detected[0]?.events.map((e) => `${e.type}${e.timestamp - T0}`)).toEqual(["C10", "A20"]);
  });

  it("require all steps by default and forget steps older than the window", () => {
    const h = harness({ patterns: [seq({ ordered: false })] });
    h.correlator.addEvent(ev("B", 0, { userId: "u" }));
    h.correlator.addEvent(ev("A", 900, { userId: "u" }));
    h.correlator.addEvent(ev("C", 1_100, { userId: "u" })); // B has expired
    expect(h.detected).toHaveLength(0);
    h.correlator.addEvent(ev("B", 1_200, { userId: "u" }));
    expect(h.detected).toHaveLength(1);
  });
});

describe("suppression of duplicate threats", () => {
  it("merges matches of one key and pattern within suppressMs into the open threat", () => {
    const h = harness({ patterns: [threshold({ threshold: 2, suppressMs: 10_000 })] });
    for (let i = 0; i < 6; i++) h.correlator.addEvent(ev("F", i * 100, { userId: "a" }));
    expect(h.detected).toHaveLength(1);
    expect(h.updated).toHaveLength(2);
    const last = h.updated.at(-1);
    expect(last?.id).toBe(h.detected[0]?.id);
    expect(last?.matchCount).toBe(3);
    expect(last?.eventCount).toBe(6);
    expect(last?.timeline.filter((e) => e.kind === "updated")).toHaveLength(2);
    expect(last?.confidence).toBeGreaterThan(h.detected[0]?.confidence ?? 1);
  });

  it("opens a new threat after the suppression window, and for another key", () => {
    const h = harness({ patterns: [threshold({ threshold: 2, suppressMs: 1_000 })] });
    h.correlator.addEvent(ev("F", 0, { userId: "a" }));
    h.correlator.addEvent(ev("F", 1, { userId: "a" }));
    h.correlator.addEvent(ev("F", 0 + 2, { userId: "b" }));
    h.correlator.addEvent(ev("F", 3, { userId: "b" }));
    h.correlator.addEvent(ev("F", 2_000, { userId: "a" }));
    h.correlator.addEvent(ev("F", 2_001, { userId: "a" }));
    expect(h.detected.map((t) => t.groupKey)).toEqual(["a", "b", "a"]);
    expect(new Set(h.detected.map((t) => t.id)).size).toBe(3);
  });

  it("opens a new threat when the suppressing threat was closed", () => {
    const h = harness({ patterns: [threshold({ threshold: 2, suppressMs: 10_000 })] });
    h.correlator.addEvent(ev("F", 0, { userId: "a" }));
    h.correlator.addEvent(ev("F", 1, { userId: "a" }));
    h.correlator.updateThreatStatus(h.detected[0]?.id as string, "false_positive");
    h.correlator.addEvent(ev("F", 2, { userId: "a" }));
    h.correlator.addEvent(ev("F", 3, { userId: "a" }));
    expect(h.detected).toHaveLength(2);
  });
});

/**
 * A deliberately naive model of ordered sequences: it keeps every partial match (no pruning, no caps) and, like the
 * correlator, lets a completed match consume the key. It is the specification the pruned runtime must agree with.
 */
function naiveSequence(pattern: SequencePattern, events: SecurityEvent[]): { key: string; end: number }[] {
  interface Partial {
    next: number;
    start: number;
    last: number;
  }
  const partials = new Map<string, Partial[]>();
  const matches: { key: string; end: number }[] = [];
  const n = pattern.steps.length;
  const gap = (i: number): number => pattern.steps[i]?.maxGapMs ?? pattern.maxGapMs ?? (pattern.windowMs as number);
  const stepMatches = (i: number, e: SecurityEvent): boolean => e.type === pattern.steps[i]?.filter.type;
  for (const e of events) {
    const key = e.userId;
    if (key === undefined) continue;
    if (pattern.until !== undefined && e.type === pattern.until.type) partials.delete(key);
    const list = partials.get(key) ?? [];
    let completed = false;
    const grown: Partial[] = [];
    for (const p of list) {
      if (
        stepMatches(p.next, e) &&
        e.timestamp - p.start <= (pattern.windowMs as number) &&
        e.timestamp - p.last <= gap(p.next)
      ) {
        if (p.next === n - 1) completed = true;
        else grown.push({ next: p.next + 1, start: p.start, last: e.timestamp });
      }
    }
    if (completed) {
      matches.push({ key, end: e.timestamp });
      partials.delete(key);
      continue;
    }
    if (stepMatches(0, e)) {
      if (n === 1) {
        matches.push({ key, end: e.timestamp });
        partials.delete(key);
        continue;
      }
      grown.push({ next: 1, start: e.timestamp, last: e.timestamp });
    }
    // Identical states are one state (the model stays exact, just not exponential).
    const seen = new Set<string>();
    const next: Partial[] = [];
    for (const p of [...list, ...grown]) {
      const id = `${p.next}/${p.start}/${p.last}`;
      if (seen.has(id) || e.timestamp - p.start > (pattern.windowMs as number)) continue;
      seen.add(id);
      next.push(p);
    }
    partials.set(key, next);
  }
  return matches;
}

describe("ordered sequences against a naive model", () => {
  it("property: pruning to one partial per step loses no detection and invents none", () => {
    const stream = fc.array(
      fc.record({
        type: fc.constantFrom("A", "B", "C", "X"),
        dt: fc.integer({ min: 0, max: 400 }),
        user: fc.constantFrom("u1", "u2"),
      }),
      { minLength: 5, maxLength: 120, size: "max" },
    );
    const steps = fc.array(fc.constantFrom("A", "B", "C"), { minLength: 1, maxLength: 4 });
    const settings = fc.record({
      windowMs: fc.integer({ min: 100, max: 3_000 }),
      maxGapMs: fc.integer({ min: 50, max: 1_500 }),
      useUntil: fc.boolean(),
    });
    fc.assert(
      fc.property(stream, steps, settings, (items, types, { windowMs, maxGapMs, useUntil }) => {
        const pattern: SequencePattern = {
          id: "s",
          kind: "sequence",
          groupBy: "userId",
          windowMs,
          maxGapMs,
          suppressMs: 0,
          steps: types.map((type) => ({ filter: { type } })),
          ...(useUntil ? { until: { type: "X" } } : {}),
        };
        let t = 0;
        const events = items.map((item) => {
          t += item.dt;
          return ev(item.type, t, { userId: item.user });
        });
        const h = harness({ patterns: [pattern], maxPartialMatchesPerKey: 32 });
        for (const e of events) h.correlator.addEvent(e);
        const actual = h.detected.map((d) => ({ key: d.groupKey, end: d.detectedAt }));
        expect(actual).toEqual(naiveSequence(pattern, events));
        for (const d of h.detected) {
          expect(d.events.map((e) => e.type)).toEqual(types);
          expect(d.lastSeen - d.firstSeen).toBeLessThanOrEqual(windowMs);
        }
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it("property: thresholds agree with a naive sliding-window count", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 300 }), user: fc.constantFrom("a", "b") }), {
          maxLength: 150,
          size: "max",
        }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 2_000 }),
        (items, n, windowMs) => {
          let t = 0;
          const events = items.map((item) => {
            t += item.dt;
            return ev("F", t, { userId: item.user });
          });
          const h = harness({ patterns: [threshold({ threshold: n, windowMs, suppressMs: 0 })] });
          for (const e of events) h.correlator.addEvent(e);
          const expected: { key: string; end: number }[] = [];
          const open = new Map<string, number[]>();
          for (const e of events) {
            const key = e.userId as string;
            const times = (open.get(key) ?? []).filter((x) => x >= e.timestamp - windowMs);
            times.push(e.timestamp);
            if (times.length >= n) {
              expected.push({ key, end: e.timestamp });
              open.set(key, []);
            } else open.set(key, times);
          }
          expect(h.detected.map((d) => ({ key: d.groupKey, end: d.detectedAt }))).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
