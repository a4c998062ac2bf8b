/**
 * Every fast path of the hot loop must give exactly what the general path it replaces gives. The engine can be built
 * with `fastPaths: false`, which takes the general paths (a full expiry scan of every distinct state on every event,
 * value lookups by string comparison only); these properties run the same random event stream through both engines
 * and compare every announcement and, at the end, all state (the full snapshot body).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePatterns } from "../src/compile.js";
import { Engine, type EngineLimits } from "../src/engine.js";
import { fnv1a32 } from "../src/hash.js";
import {
  type CorrelatedThreat,
  type CorrelationPattern,
  createDefaultPatterns,
  type SecurityEvent,
} from "../src/index.js";
import { publicThreat } from "../src/threats.js";
import { harness, T0 } from "./helpers.js";

const TYPES = [
  "AUTHENTICATION_FAILURE",
  "AUTHENTICATION_SUCCESS",
  "PROMPT_INJECTION_ATTEMPT",
  "PRIVILEGE_ESCALATION",
  "SANDBOX_VIOLATION",
  "DATA_ACCESS_VIOLATION",
  "RATE_LIMIT_EXCEEDED",
] as const;
const SEVERITIES = ["low", "medium", "high", "critical"] as const;

/** Patterns whose windows are short next to the gaps between events, so values and keys expire all the time. */
function patterns(): CorrelationPattern[] {
  return [
    ...createDefaultPatterns({ timeWindowMs: 400, minEventsForThreat: 3 }).map((p) =>
      p.kind === "distinct"
        ? { ...p, threshold: 4, windowMs: 600 }
        : p.kind === "sequence"
          ? { ...p, windowMs: 900, maxGapMs: 500 }
          : p,
    ),
    // small distinct state (flat triples, hashed lookups)
    {
      id: "spray",
      kind: "distinct",
      groupBy: "ipAddress",
      filter: [{ type: "AUTHENTICATION_FAILURE" }, { type: "AUTHENTICATION_SUCCESS" }],
      field: "userId",
      threshold: 6,
      windowMs: 3_000,
      suppressMs: 200,
    },
    // short window, low threshold: values expire right at the window's edge all the time
    {
      id: "tight",
      kind: "distinct",
      groupBy: "ipAddress",
      filter: {},
      field: "userId",
      threshold: 3,
      windowMs: 60,
      suppressMs: 0,
    },
    // large distinct state (a Map), reachable because users come from 40 values
    {
      id: "wide-spray",
      kind: "distinct",
      groupBy: "ipAddress",
      filter: { type: ["AUTHENTICATION_FAILURE", "RATE_LIMIT_EXCEEDED", "AUTHENTICATION_SUCCESS"] },
      field: "userId",
      threshold: 33,
      windowMs: 200_000,
    },
    // filters that name types and more: the per-type verdict must still ask the predicate
    {
      id: "severe",
      kind: "threshold",
      groupBy: "userId",
      filter: [
        { type: ["RATE_LIMIT_EXCEEDED", "SANDBOX_VIOLATION"], minSeverity: "high" },
        { type: "AUTHENTICATION_SUCCESS", where: { userId: { endsWith: "7" } } },
      ],
      threshold: 2,
      windowMs: 2_000,
    },
    {
      id: "escalation-after-success",
      kind: "sequence",
      groupBy: "userId",
      windowMs: 3_000,
      steps: [
        {
          filter: {
            any: [{ type: "AUTHENTICATION_SUCCESS" }, { type: "PROMPT_INJECTION_ATTEMPT", minSeverity: "critical" }],
          },
        },
        { filter: { type: ["PRIVILEGE_ESCALATION", "SANDBOX_VIOLATION"], not: { where: { severity: "low" } } } },
      ],
    },
    {
      id: "bursts",
      kind: "threshold",
      groupBy: ["ipAddress", "source"],
      filter: { type: "RATE_LIMIT_EXCEEDED" },
      threshold: 3,
      windowMs: 2_000,
    },
  ];
}

const eventArb = fc.record({
  type: fc.constantFrom(...TYPES),
  severity: fc.constantFrom(...SEVERITIES),
  gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 700 })),
  user: fc.integer({ min: 0, max: 39 }),
  ip: fc.integer({ min: 0, max: 6 }),
});

interface Spec {
  type: string;
  severity: (typeof SEVERITIES)[number];
  gap: number;
  user: number;
  ip: number;
}

function toEvents(specs: readonly Spec[]): SecurityEvent[] {
  let t = T0;
  return specs.map((s): SecurityEvent => {
    t += s.gap;
    return {
      type: s.type,
      source: "prop",
      severity: s.severity,
      timestamp: t,
      userId: `user-${s.user}`,
      ipAddress: `10.0.0.${s.ip}`,
    };
  });
}

function engine(fastPaths: boolean, maxTrackedKeys: number): Engine {
  const limits: EngineLimits = {
    allowedLatenessMs: 0,
    maxBufferedEvents: 1_000,
    maxTrackedKeys,
    maxPartialMatchesPerKey: 3,
    maxEvidenceEvents: 5,
    maxThreats: 50,
    maxTimelineEntries: 40,
    idPrefix: "t",
    fastPaths,
  };
  return new Engine(compilePatterns(patterns(), { timeWindowMs: 400, minEventsForThreat: 3 }), limits);
}

/** Runs a stream; returns every announcement (as the public threat copy) and the final state. */
function run(fastPaths: boolean, events: readonly SecurityEvent[], maxTrackedKeys: number) {
  const e = engine(fastPaths, maxTrackedKeys);
  const announced: unknown[] = [];
  for (const event of events) {
    e.accept(event);
    for (const n of e.notices.splice(0)) announced.push([n.name, n.reason, publicThreat(n.record, 40)]);
  }
  return { announced, state: e.encode() };
}

describe("fast paths equal the general paths", () => {
  it("property: the same random stream gives the same threats, announcements and state", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 400 }), fc.integer({ min: 1, max: 12 }), (specs, maxKeys) => {
        const events = toEvents(specs);
        const fast = run(true, events, maxKeys);
        const general = run(false, events, maxKeys);
        expect(fast.announced).toEqual(general.announced);
        expect(fast.state).toEqual(general.state);
      }),
      { numRuns: 200 },
    );
  });

  it("the streams reach the paths under test: threats, evictions and expired distinct values", () => {
    // One long deterministic stream: the property above is only meaningful if its kind of input exercises them.
    const random = (() => {
      let s = 7;
      return () => {
        s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
        return s / 4_294_967_296;
      };
    })();
    const specs = Array.from(
      { length: 3_000 },
      (): Spec => ({
        type: TYPES[Math.floor(random() * TYPES.length)] as string,
        severity: SEVERITIES[Math.floor(random() * 4)] as (typeof SEVERITIES)[number],
        gap: random() < 0.97 ? Math.floor(random() * 10) : Math.floor(random() * 4_000),
        user: Math.floor(random() * 40),
        ip: Math.floor(random() * 5), // the address table (5 keys) keeps every address: wide-spray can fill up
      }),
    );
    const events = toEvents(specs);
    const fast = run(true, events, 5);
    const general = run(false, events, 5);
    expect(fast.announced).toEqual(general.announced);
    expect(fast.state).toEqual(general.state);
    const ids = new Set(fast.announced.map((a) => ((a as unknown[])[2] as CorrelatedThreat).patternId));
    for (const id of [
      "severe",
      "escalation-after-success",
      "tight",
      "spray",
      "wide-spray",
      "credential-stuffing",
      "bursts",
      "prompt-injection-campaign",
    ])
      expect(ids, `pattern ${id} produced a threat`).toContain(id);
    expect(fast.state.tables.reduce((n, t) => n + t.evictions, 0)).toBeGreaterThan(0);
    expect(fast.announced.filter((a) => (a as unknown[])[0] === "threat_updated").length).toBeGreaterThan(0);
  });

  it("values whose hashes collide are still told apart (the hashed lookup compares the strings on equal hashes)", () => {
    // Two user names with the same 32-bit FNV-1a hash (found by search; checked here so the test keeps meaning it).
    const [a, b] = ["user-129599", "user-732382"] as const;
    expect(fnv1a32(a)).toBe(fnv1a32(b));
    for (const fastPaths of [true, false]) {
      const e = engine(fastPaths, 10);
      const ip = "10.9.9.9";
      const at = (n: number, userId: string): SecurityEvent => ({
        type: "AUTHENTICATION_SUCCESS",
        source: "prop",
        severity: "low",
        timestamp: T0 + n,
        userId,
        ipAddress: ip,
      });
      // "tight" counts 3 distinct users per address within 60 ms: a, b, a (refreshed, moves last), then c.
      for (const [n, user] of [
        [0, a],
        [1, b],
        [2, a],
        [3, "user-7"],
      ] as const)
        e.accept(at(n, user));
      const tight = e.notices.map((n) => publicThreat(n.record, 40)).filter((t) => t.patternId === "tight");
      expect(tight).toHaveLength(1);
      expect((tight[0] as CorrelatedThreat).events.map((x) => x.userId)).toEqual([b, a, "user-7"]);
    }
    // and through the public API (fast paths): the distinct users of a credential-stuffing detection
    const h = harness({
      patterns: [
        {
          id: "pair",
          kind: "distinct",
          groupBy: "ipAddress",
          filter: { type: "AUTHENTICATION_FAILURE" },
          field: "userId",
          threshold: 3,
          windowMs: 1_000,
        },
      ],
    });
    for (const [n, user] of [
      [0, a],
      [1, b],
      [2, b],
      [3, "user-8"],
    ] as const)
      h.correlator.addEvent({
        type: "AUTHENTICATION_FAILURE",
        source: "t",
        severity: "low",
        timestamp: T0 + n,
        userId: user,
        ipAddress: "10.1.1.1",
      });
    expect(h.detected).toHaveLength(1);
    expect([...(h.detected[0]?.affectedUsers ?? [])].sort()).toEqual([a, b, "user-8"].sort());
  });
});
