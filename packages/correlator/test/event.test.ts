import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCorrelatorError, SECURITY_EVENT_TYPES, type SecurityEventInput } from "../src/index.js";
import { ev, harness, T0 } from "./helpers.js";

const stateOf = (h: ReturnType<typeof harness>): string => JSON.stringify(h.correlator.snapshot().state);

describe("event types", () => {
  it("lists the thirteen well-known types", () => {
    expect([...SECURITY_EVENT_TYPES].sort()).toEqual(
      [
        "PROMPT_INJECTION_ATTEMPT",
        "RATE_LIMIT_EXCEEDED",
        "ANOMALOUS_BEHAVIOR",
        "AUTHENTICATION_FAILURE",
        "AUTHENTICATION_SUCCESS",
        "AUTHORIZATION_FAILURE",
        "DATA_ACCESS_VIOLATION",
        "INJECTION_ATTACK",
        "BRUTE_FORCE",
        "PRIVILEGE_ESCALATION",
        "SANDBOX_VIOLATION",
        "SENSITIVE_DATA_EXPOSURE",
        "RESOURCE_EXHAUSTION",
      ].sort(),
    );
  });

  it("accepts every well-known type and any custom string, and a custom type drives a pattern", () => {
    const h = harness({
      patterns: [
        { id: "custom", kind: "threshold", groupBy: "userId", filter: { type: "MY_APP_EVENT" }, threshold: 2 },
      ],
    });
    for (const [i, type] of SECURITY_EVENT_TYPES.entries()) {
      expect(h.correlator.addEvent(ev(type, i, { userId: "u" }))).toBe("accepted");
    }
    h.correlator.addEvent(ev("MY_APP_EVENT", 100, { userId: "u" }));
    h.correlator.addEvent(ev("MY_APP_EVENT", 101, { userId: "u" }));
    expect(h.detected.map((t) => t.patternId)).toEqual(["custom"]);
    expect(h.correlator.stats().eventsProcessed).toBe(SECURITY_EVENT_TYPES.length + 2);
  });

  it("fills a missing timestamp from the injected clock", () => {
    const h = harness({
      clock: { now: () => T0 + 42 },
      patterns: [{ id: "one", kind: "threshold", groupBy: "userId", filter: { type: "X" }, threshold: 1 }],
    });
    h.correlator.addEvent({ type: "X", source: "s", severity: "low", userId: "u" });
    expect(h.detected[0]?.detectedAt).toBe(T0 + 42);
  });
});

describe("event validation", () => {
  const bad: [string, unknown][] = [
    ["not an object", "AUTHENTICATION_FAILURE"],
    ["null", null],
    ["an array", [1]],
    ["no type", { source: "s", severity: "low", timestamp: T0 }],
    ["an empty type", { type: "", source: "s", severity: "low", timestamp: T0 }],
    ["a type too long", { type: "X".repeat(257), source: "s", severity: "low", timestamp: T0 }],
    ["a numeric type", { type: 7, source: "s", severity: "low", timestamp: T0 }],
    ["no source", { type: "X", severity: "low", timestamp: T0 }],
    ["an unknown severity", { type: "X", source: "s", severity: "severe", timestamp: T0 }],
    ["a NaN timestamp", { type: "X", source: "s", severity: "low", timestamp: Number.NaN }],
    ["a negative timestamp", { type: "X", source: "s", severity: "low", timestamp: -1 }],
    ["a string timestamp", { type: "X", source: "s", severity: "low", timestamp: "2024-01-01" }],
    ["a numeric userId", { type: "X", source: "s", severity: "low", timestamp: T0, userId: 5 }],
    ["a huge ipAddress", { type: "X", source: "s", severity: "low", timestamp: T0, ipAddress: "1".repeat(1025) }],
    ["an object sessionId", { type: "X", source: "s", severity: "low", timestamp: T0, sessionId: {} }],
    ["array data", { type: "X", source: "s", severity: "low", timestamp: T0, data: [] }],
    ["null data", { type: "X", source: "s", severity: "low", timestamp: T0, data: null }],
  ];

  it.each(bad)("refuses an event with %s, with a typed error, changing no state", (_, input) => {
    const h = harness();
    h.correlator.addEvent(ev("AUTHENTICATION_FAILURE", 0, { ipAddress: "192.0.2.1", userId: "a" }));
    const before = stateOf(h);
    let caught: unknown;
    try {
      h.correlator.addEvent(input as SecurityEventInput);
    } catch (error) {
      caught = error;
    }
    expect(isCorrelatorError(caught) && caught.code).toBe("INVALID_EVENT");
    expect((caught as Error).message).toMatch(/not recorded/);
    expect(stateOf(h)).toBe(before);
    expect(h.correlator.stats().eventsRejected).toBe(1);
  });

  it("says which field is wrong and what is expected", () => {
    const h = harness();
    expect(() =>
      h.correlator.addEvent({ type: "X", source: "s", severity: "urgent" } as unknown as SecurityEventInput),
    ).toThrow(/"severity" must be "low", "medium", "high" or "critical"/);
  });

  it("property: arbitrary input is either accepted or refused with INVALID_EVENT and no state change", () => {
    const severity = fc.constantFrom("low", "medium", "high", "critical", "nope", 3);
    const candidate = fc.record(
      {
        type: fc.oneof(fc.constantFrom(...SECURITY_EVENT_TYPES), fc.string({ maxLength: 300 }), fc.integer()),
        source: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(undefined)),
        severity,
        timestamp: fc.oneof(
          fc.integer({ min: -5, max: 10_000 }).map((n) => T0 + n),
          fc.double(),
          fc.constant(undefined),
        ),
        userId: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(undefined)),
        ipAddress: fc.oneof(fc.ipV4(), fc.constant(undefined)),
        data: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.constant(undefined), fc.array(fc.integer())),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 30 }), (inputs) => {
        const h = harness({ minEventsForThreat: 2 });
        for (const input of inputs) {
          const before = stateOf(h);
          try {
            h.correlator.addEvent(input as SecurityEventInput);
          } catch (error) {
            if (!isCorrelatorError(error) || error.code !== "INVALID_EVENT") throw error;
            expect(stateOf(h)).toBe(before);
          }
        }
        const stats = h.correlator.stats();
        expect(stats.eventsAccepted + stats.eventsLate + stats.eventsRejected).toBe(inputs.length);
      }),
      { numRuns: 150 },
    );
  });
});
