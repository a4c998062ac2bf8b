import { describe, expect, it } from "vitest";
import {
  type CorrelationPattern,
  type CorrelatorError,
  createSecurityEventCorrelator,
  isCorrelatorError,
  type SecurityEvent,
  type SecurityEventSink,
} from "../src/index.js";
import { ev, harness, T0 } from "./helpers.js";

const abc: CorrelationPattern = {
  id: "abc",
  kind: "sequence",
  groupBy: "userId",
  windowMs: 10_000,
  steps: [{ filter: { type: "A" } }, { filter: { type: "B" } }, { filter: { type: "C" } }],
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isCorrelatorError(error) ? error.code : `not a CorrelatorError: ${String(error)}`;
  }
  return undefined;
}

describe("event time and lateness", () => {
  it("with no lateness, processes on arrival and refuses older events as late", () => {
    const h = harness({ patterns: [abc] });
    const late: SecurityEvent[] = [];
    h.correlator.on("event_late", (e) => late.push(e));
    h.correlator.addEvent(ev("B", 200, { userId: "u" }));
    expect(h.correlator.addEvent(ev("A", 100, { userId: "u" }))).toBe("late");
    h.correlator.addEvent(ev("C", 300, { userId: "u" }));
    expect(h.detected).toHaveLength(0);
    expect(late.map((e) => e.type)).toEqual(["A"]);
    expect(h.correlator.stats()).toMatchObject({ eventsLate: 1, eventsAccepted: 2, eventsProcessed: 2 });
  });

  it("with lateness, puts out-of-order events in event-time order before matching", () => {
    const h = harness({ patterns: [abc], allowedLatenessMs: 500 });
    h.correlator.addEvent(ev("B", 200, { userId: "u" }));
    expect(h.correlator.addEvent(ev("A", 100, { userId: "u" }))).toBe("accepted");
    h.correlator.addEvent(ev("C", 300, { userId: "u" }));
    expect(h.detected).toHaveLength(0); // still waiting for the watermark
    expect(h.correlator.stats().bufferedEvents).toBe(3);
    h.correlator.addEvent(ev("X", 900, { userId: "v" })); // watermark 400: A, B, C released
    expect(h.detected.map((t) => t.events.map((e) => e.type))).toEqual([["A", "B", "C"]]);
    expect(h.correlator.stats().watermark).toBe(T0 + 400);
  });

  it("refuses events older than the watermark even with lateness", () => {
    const h = harness({ patterns: [abc], allowedLatenessMs: 500 });
    h.correlator.addEvent(ev("A", 1_000, { userId: "u" }));
    expect(h.correlator.addEvent(ev("A", 499, { userId: "u" }))).toBe("late");
    expect(h.correlator.addEvent(ev("A", 500, { userId: "u" }))).toBe("accepted");
  });

  it("flush() and advanceTo() release buffered events", () => {
    const h = harness({ patterns: [abc], allowedLatenessMs: 60_000, clock: { now: () => T0 + 61_000 } });
    for (const [type, at] of [
      ["A", 0],
      ["B", 1],
      ["C", 2],
    ] as const)
      h.correlator.addEvent(ev(type, at, { userId: "u" }));
    h.correlator.addEvent(ev("A", 5_000, { userId: "w" }));
    h.correlator.advanceTo(); // clock − lateness = T0 + 1 000: A, B, C of u released, not w's A
    expect(h.detected).toHaveLength(1);
    expect(h.correlator.stats().bufferedEvents).toBe(1);
    h.correlator.flush();
    expect(h.correlator.stats().bufferedEvents).toBe(0);
    expect(h.correlator.addEvent(ev("B", 4_999, { userId: "w" }))).toBe("late");
  });

  it("processes the oldest events early when the reorder buffer is full", () => {
    const h = harness({ patterns: [abc], allowedLatenessMs: 60_000, maxBufferedEvents: 2 });
    for (const [type, at] of [
      ["A", 0],
      ["B", 1],
      ["C", 2],
      ["X", 3],
      ["X", 4],
    ] as const)
      h.correlator.addEvent(ev(type, at, { userId: "u" }));
    expect(h.detected).toHaveLength(1);
    expect(h.correlator.stats().bufferedEvents).toBe(2);
  });
});

describe("announcements", () => {
  it("on() returns a subscription; dispose() and off() remove listeners", () => {
    const h = harness({ patterns: [{ ...abc, steps: [{ filter: { type: "A" } }], suppressMs: 0 }] });
    let a = 0;
    let b = 0;
    const sub = h.correlator.on("threat_detected", () => a++);
    const listener = (): void => {
      b++;
    };
    h.correlator.on("threat_detected", listener);
    h.correlator.addEvent(ev("A", 0, { userId: "u" }));
    sub.dispose();
    sub[Symbol.dispose]();
    h.correlator.off("threat_detected", listener);
    h.correlator.addEvent(ev("A", 1, { userId: "u" }));
    expect([a, b, h.detected.length]).toEqual([1, 1, 2]);
  });

  it("a throwing listener cannot corrupt state: the event is recorded, then LISTENER_FAILED is thrown", () => {
    const h = harness({ patterns: [{ ...abc, steps: [{ filter: { type: "A" } }], suppressMs: 0 }] });
    h.correlator.on("threat_detected", () => {
      throw new Error("listener bug");
    });
    const error = (() => {
      try {
        h.correlator.addEvent(ev("A", 0, { userId: "u" }));
      } catch (e) {
        return e as CorrelatorError;
      }
      return undefined;
    })();
    expect(error?.code).toBe("LISTENER_FAILED");
    expect(error?.message).toContain("listener bug");
    expect(h.detected).toHaveLength(1); // the harness listener, registered first, still ran
    expect(h.correlator.getThreats()).toHaveLength(1);
    expect(h.correlator.stats().eventsProcessed).toBe(1);
  });

  it("routes listener errors to `error` listeners when there are any", () => {
    const h = harness({ patterns: [{ ...abc, steps: [{ filter: { type: "A" } }] }] });
    const errors: string[] = [];
    h.correlator.on("error", (e) => errors.push(e.code));
    h.correlator.on("threat_detected", () => {
      throw new Error("boom");
    });
    expect(() => h.correlator.addEvent(ev("A", 0, { userId: "u" }))).not.toThrow();
    expect(errors).toEqual(["LISTENER_FAILED"]);
  });

  it("works as a SecurityEventSink and through addEvents", () => {
    const h = harness({ patterns: [abc] });
    const sink: SecurityEventSink = h.correlator.addEvent; // detached: needs no `this`
    sink(ev("A", 0, { userId: "u" }));
    expect(h.correlator.addEvents([ev("B", 1, { userId: "u" }), ev("C", 2, { userId: "u" })])).toBe(2);
    expect(h.detected).toHaveLength(1);
    const error = (() => {
      try {
        h.correlator.addEvents([ev("A", 3, { userId: "v" }), { type: "" } as SecurityEvent]);
      } catch (e) {
        return e as CorrelatorError;
      }
      return undefined;
    })();
    expect(error?.code).toBe("INVALID_EVENT");
    expect(error?.message).toMatch(/^Event #1:/);
    expect(h.correlator.stats().eventsAccepted).toBe(4);
  });
});

describe("chained patterns", () => {
  const chain: CorrelationPattern[] = [
    {
      id: "many-failures",
      kind: "threshold",
      groupBy: "userId",
      filter: { type: "AUTHENTICATION_FAILURE" },
      threshold: 3,
      windowMs: 60_000,
      output: "event",
    },
    {
      id: "failures-then-success",
      kind: "sequence",
      groupBy: "userId",
      windowMs: 60_000,
      steps: [{ filter: { correlation: "many-failures" } }, { filter: { type: "AUTHENTICATION_SUCCESS" } }],
    },
  ];

  it("feed a derived event of one pattern into another", () => {
    const h = harness({ patterns: chain });
    for (let i = 0; i < 3; i++) h.correlator.addEvent(ev("AUTHENTICATION_FAILURE", i, { userId: "u" }));
    expect(h.detected).toHaveLength(0); // "event" output reports no threat itself
    h.correlator.addEvent(ev("AUTHENTICATION_SUCCESS", 10, { userId: "u" }));
    expect(h.detected.map((t) => t.patternId)).toEqual(["failures-then-success"]);
    const derived = h.detected[0]?.events[0];
    expect(derived).toMatchObject({ type: "correlation:many-failures", userId: "u", timestamp: T0 + 2 });
    expect(derived?.data).toMatchObject({ patternId: "many-failures", groupKey: "u", eventCount: 3 });
    expect(h.correlator.stats().derivedEvents).toBe(1);
  });

  it("cannot be spoofed by an outside event with the derived type", () => {
    const h = harness({ patterns: chain });
    h.correlator.addEvent(ev("correlation:many-failures", 0, { userId: "u" }));
    h.correlator.addEvent(ev("AUTHENTICATION_SUCCESS", 1, { userId: "u" }));
    expect(h.detected).toHaveLength(0);
  });
});

describe("lifecycle", () => {
  it("dispose() is idempotent and later calls throw DISPOSED", () => {
    const correlator = createSecurityEventCorrelator();
    correlator.dispose();
    correlator[Symbol.dispose]();
    expect(correlator.disposed).toBe(true);
    expect(codeOf(() => correlator.addEvent(ev("A", 0)))).toBe("DISPOSED");
    expect(codeOf(() => correlator.getThreats())).toBe("DISPOSED");
    expect(codeOf(() => correlator.snapshot())).toBe("DISPOSED");
    expect(codeOf(() => correlator.on("threat_detected", () => {}))).toBe("DISPOSED");
  });

  it("reports its patterns and counters", () => {
    const correlator = createSecurityEventCorrelator({ patterns: [abc] });
    expect(correlator.patterns()).toEqual([
      { id: "abc", name: "abc", kind: "sequence", groupBy: ["userId"], windowMs: 10_000, suppressMs: 10_000 },
    ]);
    correlator.addEvent(ev("A", 0, { userId: "u" }));
    expect(correlator.stats()).toMatchObject({ keysTracked: 1, eventsProcessed: 1, watermark: T0 });
  });

  it("frees keys idle past their windows", () => {
    const h = harness({ patterns: [abc] });
    h.correlator.addEvent(ev("A", 0, { userId: "u" }));
    h.correlator.addEvent(ev("A", 5_000, { userId: "v" }));
    h.correlator.advanceTo(T0 + 10_001);
    expect(h.correlator.stats()).toMatchObject({ keysTracked: 1, keysExpired: 1, keysEvicted: 0 });
    expect(codeOf(() => h.correlator.advanceTo(Number.NaN))).toBe("INVALID_OPTIONS");
  });
});
