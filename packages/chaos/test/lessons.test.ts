import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDuration, formatRate } from "../src/format.js";
import { deriveLessons, type LessonInput } from "../src/lessons.js";
import type { PhaseMetrics } from "../src/types.js";

function phase(p95: number | null, errorRate: number | null, sampled = 200): PhaseMetrics {
  return {
    calls: sampled,
    sampled,
    errors: errorRate === null ? 0 : Math.round(errorRate * sampled),
    errorRate,
    latencyP50: p95,
    latencyP95: p95,
    latencyP99: p95,
    throughput: 100,
    durationMs: 1000,
  };
}

function input(overrides: Partial<LessonInput>): LessonInput {
  return {
    target: "api",
    failureType: "LATENCY_INJECTION",
    status: "completed",
    abortReason: null,
    dryRun: false,
    metrics: { before: phase(12, 0), during: phase(1900, 0), after: phase(13, 0) },
    hypotheses: { before: [], during: [], after: [] },
    injected: 200,
    callsWhileArmed: 200,
    armedForMs: 5000,
    disarmMs: 0.02,
    stoppedAfterMs: null,
    transitions: [],
    breakerName: null,
    finalBreakerState: null,
    rollbacks: [],
    ambient: null,
    ...overrides,
  };
}

describe("deriveLessons", () => {
  it("says what the numbers were", () => {
    const lessons = deriveLessons(
      input({
        transitions: [{ state: "open", sinceArmMs: 1200, failures: 7, calls: 9 }],
        breakerName: "the breaker",
        finalBreakerState: "closed",
      }),
    );
    expect(lessons).toContain(
      "p95 latency of api rose from 12 ms before the fault to 1.9 s during it, and was back to 13 ms after rollback.",
    );
    expect(lessons).toContain(
      "The breaker opened after 7 failures (9 calls), 1.2 s after the fault was armed and was closed at the end.",
    );
    expect(lessons[0]).toBe("LATENCY_INJECTION fired on 200 of 200 calls to api (100 %) over 5.0 s.");
  });

  it("changes with the measurements: every p95 and error rate it reports is the measured one", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 200, max: 100_000, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000),
        (before, during, errorRate) => {
          const lessons = deriveLessons(
            input({
              metrics: { before: phase(before, 0), during: phase(during, errorRate), after: phase(null, null) },
            }),
          ).join("\n");
          expect(lessons).toContain(
            `from ${formatDuration(before)} before the fault to ${formatDuration(during)} during it.`,
          );
          if (errorRate >= 0.005) expect(lessons).toContain(`to ${formatRate(errorRate)} during the fault`);
        },
      ),
    );
  });

  it("explains aborts, unjudged hypotheses and failed rollbacks", () => {
    const lessons = deriveLessons(
      input({
        status: "aborted",
        abortReason: 'safety check "budget" failed during the fault: error rate 12 % exceeds budget 5 %',
        stoppedAfterMs: 1300,
        hypotheses: {
          before: [],
          during: [],
          after: [
            {
              name: "recovers",
              phase: "after",
              metric: "error_rate",
              condition: "less_than",
              expected: 0.05,
              passed: null,
              value: null,
              checks: 1,
              violations: 0,
              worst: null,
              reason: "no completed calls to api in the window",
            },
          ],
        },
        rollbacks: [
          { name: "a", status: "succeeded", durationMs: 3, error: null },
          { name: "b", status: "timed_out", durationMs: 100, error: "timed out after 100 ms" },
        ],
      }),
    );
    expect(lessons).toContain(
      'The experiment was aborted 1.3 s into the experiment: safety check "budget" failed during the fault: error rate 12 % exceeds budget 5 %; every fault was disarmed within 0.020 ms.',
    );
    expect(lessons).toContain(
      'Hypothesis "recovers" could not be judged after rollback: no completed calls to api in the window.',
    );
    expect(lessons).toContain('Rollback "b" timed out (timed out after 100 ms); the other 1 still ran.');
  });
});
