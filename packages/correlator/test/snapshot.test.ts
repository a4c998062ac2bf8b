import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CorrelationPattern,
  type CorrelatorOptions,
  type CorrelatorSnapshot,
  createDefaultPatterns,
  isCorrelatorError,
  type SecurityEvent,
} from "../src/index.js";
import { ev, harness, T0 } from "./helpers.js";

const patterns: CorrelationPattern[] = [
  ...createDefaultPatterns({ minEventsForThreat: 3, timeWindowMs: 5_000 }),
  {
    id: "abc",
    kind: "sequence",
    groupBy: ["userId", "ipAddress"],
    windowMs: 5_000,
    steps: [{ filter: { type: "A" } }, { filter: { type: "B" } }, { filter: { type: "C" } }],
    until: { type: "X" },
  },
  {
    id: "any-two",
    kind: "sequence",
    ordered: false,
    minSteps: 2,
    groupBy: "sessionId",
    windowMs: 3_000,
    steps: [{ filter: { type: "A" } }, { filter: { type: "B" } }, { filter: { type: "C" } }],
  },
  { id: "chain-in", kind: "threshold", groupBy: "userId", filter: { type: "B" }, threshold: 2, output: "both" },
  { id: "chain-out", kind: "threshold", groupBy: "userId", filter: { correlation: "chain-in" }, threshold: 2 },
];

const eventArb = fc.record({
  type: fc.constantFrom(
    "A",
    "B",
    "C",
    "X",
    "AUTHENTICATION_FAILURE",
    "PROMPT_INJECTION_ATTEMPT",
    "PRIVILEGE_ESCALATION",
  ),
  dt: fc.integer({ min: -300, max: 700 }),
  user: fc.constantFrom("u1", "u2", "u3", "u4"),
  ip: fc.constantFrom("192.0.2.1", "192.0.2.2"),
  session: fc.constantFrom("s1", "s2"),
  severity: fc.constantFrom("low", "medium", "high", "critical" as const),
});

type Item = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function stream(items: Item[]): SecurityEvent[] {
  let t = 0;
  return items.map((item) => {
    t = Math.max(0, t + item.dt);
    return ev(item.type, t, {
      userId: item.user,
      ipAddress: item.ip,
      sessionId: item.session,
      severity: item.severity,
      data: { n: t },
    });
  });
}

const summary = (h: ReturnType<typeof harness>): unknown =>
  h.correlator
    .getThreats()
    .map((t) => [t.id, t.patternId, t.groupKey, t.detectedAt, t.eventCount, t.matchCount, t.status]);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isCorrelatorError(error) ? error.code : "other";
  }
  return undefined;
}

describe("snapshot and restore", () => {
  it("property: snapshot → JSON → restore mid-stream gives exactly the uninterrupted result", () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 150, size: "max" }),
        fc.nat(),
        fc.constantFrom(0, 400),
        (items, cut, allowedLatenessMs) => {
          const options: CorrelatorOptions = { patterns, allowedLatenessMs, maxTrackedKeys: 3 };
          const events = stream(items);
          const split = cut % (events.length + 1);
          // The uninterrupted run and the interrupted one see the same events and the same status change.
          const whole = harness(options);
          const first = harness(options);
          for (const e of events.slice(0, split)) {
            whole.correlator.addEvent(e);
            first.correlator.addEvent(e);
          }
          const open = first.correlator.getThreats({ status: "open" })[0];
          if (open !== undefined) {
            first.correlator.updateThreatStatus(open.id, "investigating");
            whole.correlator.updateThreatStatus(open.id, "investigating");
          }
          const json = JSON.parse(JSON.stringify(first.correlator.snapshot())) as unknown;
          const second = harness(options);
          second.correlator.restore(json);
          expect(JSON.stringify(second.correlator.snapshot().state)).toBe(
            JSON.stringify(first.correlator.snapshot().state),
          );
          for (const e of events.slice(split)) {
            whole.correlator.addEvent(e);
            second.correlator.addEvent(e);
          }
          whole.correlator.flush();
          second.correlator.flush();
          expect(summary(second)).toEqual(summary(whole));
          expect(JSON.stringify(second.correlator.snapshot().state)).toBe(
            JSON.stringify(whole.correlator.snapshot().state),
          );
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it("keeps the reorder buffer, threats, suppression and counters", () => {
    const options: CorrelatorOptions = { patterns, allowedLatenessMs: 1_000 };
    const h = harness(options);
    for (let i = 0; i < 3; i++) h.correlator.addEvent(ev("PROMPT_INJECTION_ATTEMPT", i * 10, { userId: "m" }));
    h.correlator.addEvent(ev("A", 5_000, { userId: "m", ipAddress: "192.0.2.9" })); // watermark 4 000: campaign out
    expect(h.detected.map((t) => t.id)).toEqual(["threat-1"]);
    h.correlator.addEvent(ev("PROMPT_INJECTION_ATTEMPT", 4_500, { userId: "m" }));
    expect(h.correlator.stats().bufferedEvents).toBe(2);
    const restored = harness(options);
    restored.correlator.restore(JSON.parse(JSON.stringify(h.correlator.snapshot())));
    expect(restored.correlator.stats()).toEqual(h.correlator.stats());
    // suppression survives: a second campaign within the window (until 5 020) merges into the restored threat
    for (const at of [4_600, 4_700]) restored.correlator.addEvent(ev("PROMPT_INJECTION_ATTEMPT", at, { userId: "m" }));
    restored.correlator.flush();
    expect(restored.detected).toHaveLength(0);
    expect(restored.updated.map((t) => [t.id, t.matchCount])).toEqual([["threat-1", 2]]);
  });

  it("refuses a snapshot of other patterns and leaves the state unchanged", () => {
    const h = harness({ patterns });
    h.correlator.addEvent(ev("A", 0, { userId: "u", ipAddress: "192.0.2.1" }));
    const before = JSON.stringify(h.correlator.snapshot().state);
    const other = harness({ patterns: createDefaultPatterns() });
    const error = (() => {
      try {
        h.correlator.restore(other.correlator.snapshot());
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(isCorrelatorError(error) && error.code).toBe("INVALID_SNAPSHOT");
    expect(error?.message).toMatch(/other patterns/);
    expect(JSON.stringify(h.correlator.snapshot().state)).toBe(before);
    // the same patterns with other defaults are other settings too
    const tuned = harness({ patterns, timeWindowMs: 1_234 });
    expect(codeOf(() => tuned.correlator.restore(h.correlator.snapshot()))).toBe("INVALID_SNAPSHOT");
  });

  it("refuses malformed and tampered snapshots", () => {
    const h = harness({ patterns });
    for (let i = 0; i < 4; i++) h.correlator.addEvent(ev("A", i, { userId: `u${i % 2}`, ipAddress: "192.0.2.1" }));
    const good = JSON.parse(JSON.stringify(h.correlator.snapshot())) as CorrelatorSnapshot & {
      state: { events: { event: Record<string, unknown> }[]; tables: { keys: { states: [number, unknown][] }[] }[] };
    };
    const tamper = (change: (s: typeof good) => void): unknown => {
      const copy = JSON.parse(JSON.stringify(good)) as typeof good;
      change(copy);
      return copy;
    };
    const fresh = harness({ patterns });
    const cases: unknown[] = [
      null,
      "snapshot",
      { ...good, format: "other" },
      { ...good, version: 2 },
      tamper((s) => {
        (s.state.events[0] as { event: Record<string, unknown> }).event.severity = "extreme";
      }),
      tamper((s) => {
        const key = s.state.tables.flatMap((t) => t.keys).find((k) => k.states.length > 0);
        if (key !== undefined)
          key.states[0] = [
            key.states[0]?.[0] as number,
            { partials: [{ waiting: 1, start: 0, last: 0, events: [999] }] },
          ];
      }),
      tamper((s) => {
        const key = s.state.tables.flatMap((t) => t.keys).find((k) => k.states.length > 0);
        if (key !== undefined) key.states[0] = [key.states[0]?.[0] as number, { bogus: true }];
      }),
      tamper((s) => {
        (s.state as Record<string, unknown>).extra = 1;
      }),
    ];
    for (const bad of cases) expect(codeOf(() => fresh.correlator.restore(bad))).toBe("INVALID_SNAPSHOT");
    expect(fresh.correlator.stats().keysTracked).toBe(0);
    fresh.correlator.restore(good);
    expect(fresh.correlator.stats().keysTracked).toBe(h.correlator.stats().keysTracked);
  });

  it("property: a snapshot with any one value replaced restores fully or not at all", () => {
    const h = harness({ patterns, allowedLatenessMs: 100 });
    const events = stream(
      Array.from(
        { length: 60 },
        (_, i): Item => ({
          type: (["A", "B", "C", "AUTHENTICATION_FAILURE", "PROMPT_INJECTION_ATTEMPT"] as const)[i % 5] as Item["type"],
          dt: 50,
          user: (["u1", "u2", "u3"] as const)[i % 3] as Item["user"],
          ip: "192.0.2.1",
          session: "s1",
          severity: "high",
        }),
      ),
    );
    for (const e of events) h.correlator.addEvent(e);
    const good = JSON.stringify(h.correlator.snapshot());
    // every path to a leaf of the snapshot
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]): void => {
      if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) walk(v, [...path, Array.isArray(value) ? Number(k) : k]);
      } else paths.push(path);
    };
    walk(JSON.parse(good), []);
    const replacement = fc.oneof(
      fc.constant(null),
      fc.constant(-1),
      fc.constant(1e9),
      fc.constant("x"),
      fc.constant([]),
      fc.constant({}),
      fc.constant(true),
      fc.integer({ min: 0, max: 200 }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: paths.length - 1 }), replacement, (which, value) => {
        const copy = JSON.parse(good) as Record<string, unknown>;
        const path = paths[which] as (string | number)[];
        let target: Record<string | number, unknown> = copy;
        for (const p of path.slice(0, -1)) target = target[p] as Record<string | number, unknown>;
        target[path[path.length - 1] as string | number] = value;
        const fresh = harness({ patterns, allowedLatenessMs: 100 });
        const before = JSON.stringify(fresh.correlator.snapshot().state);
        try {
          fresh.correlator.restore(copy);
        } catch (error) {
          if (!(isCorrelatorError(error) && error.code === "INVALID_SNAPSHOT")) throw error;
          expect(JSON.stringify(fresh.correlator.snapshot().state)).toBe(before);
          return;
        }
        // accepted: the correlator must keep working on top of it
        fresh.correlator.addEvent(ev("A", 10_000, { userId: "u0", ipAddress: "192.0.2.1", sessionId: "s1" }));
        fresh.correlator.flush();
      }),
      { numRuns: 400 },
    );
  });

  it("refuses a snapshot holding more keys than this correlator's cap", () => {
    const h = harness({ patterns, maxTrackedKeys: 100 });
    for (let i = 0; i < 10; i++) h.correlator.addEvent(ev("A", i, { userId: `u${i}`, ipAddress: "192.0.2.1" }));
    const small = harness({ patterns, maxTrackedKeys: 5 });
    expect(codeOf(() => small.correlator.restore(h.correlator.snapshot()))).toBe("INVALID_SNAPSHOT");
  });

  it("records when it was taken by the injected clock", () => {
    const h = harness({ clock: { now: () => T0 + 7 } });
    expect(h.correlator.snapshot()).toMatchObject({
      format: "@athena/correlator/snapshot",
      version: 1,
      createdAt: T0 + 7,
    });
  });
});
