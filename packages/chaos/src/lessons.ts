/**
 * `lessonsLearned`: sentences computed from what was measured in an experiment, never canned text. A sentence
 * appears only when the numbers behind it exist, and says what they were.
 */
import { formatDuration, formatMetric, formatRate, formatThroughput } from "./format.js";
import { describeExpectation } from "./safety.js";
import type { ExperimentStatus, FailureType, HypothesisResult, PhaseMetrics, RollbackResult } from "./types.js";

/** A breaker state change, counted from the moment the fault was armed. */
export interface BreakerTransition {
  state: string;
  /** ms after the fault was armed (negative: before). */
  sinceArmMs: number;
  /** Sampled failures of the target since the fault was armed. */
  failures: number;
  /** Calls to the target since the fault was armed. */
  calls: number;
}

/** Everything lessons are derived from. */
export interface LessonInput {
  target: string;
  failureType: FailureType;
  status: ExperimentStatus;
  abortReason: string | null;
  dryRun: boolean;
  metrics: { before: PhaseMetrics; during: PhaseMetrics; after: PhaseMetrics };
  /** Other observed targets (named by hypotheses or safety checks), for their own error-rate and latency lessons. */
  otherTargets?: readonly {
    target: string;
    metrics: { before: PhaseMetrics; during: PhaseMetrics; after: PhaseMetrics };
  }[];
  hypotheses: { before: HypothesisResult[]; during: HypothesisResult[]; after: HypothesisResult[] };
  injected: number;
  callsWhileArmed: number;
  armedForMs: number | null;
  disarmMs: number | null;
  stoppedAfterMs: number | null;
  transitions: readonly BreakerTransition[];
  breakerName: string | null;
  finalBreakerState: string | null;
  rollbacks: readonly RollbackResult[];
  ambient: string | null;
}

const AMBIENT: ReadonlySet<FailureType> = new Set(["RESOURCE_EXHAUSTION", "CIRCUIT_BREAKER_TRIP"]);

function compareLatency(label: string, input: LessonInput, key: "latencyP95" | "latencyP99"): string | null {
  const { before, during, after } = input.metrics;
  const b = before[key];
  const d = during[key];
  if (d === null) return null;
  if (b === null) return `${label} latency of ${input.target} was ${formatDuration(d)} during the fault.`;
  const rose = d > b * 1.25 && d - b > 1;
  const fell = d < b * 0.8 && b - d > 1;
  if (!rose && !fell)
    return `${label} latency of ${input.target} held at ${formatDuration(d)} during the fault (${formatDuration(b)} before).`;
  let sentence = `${label} latency of ${input.target} ${rose ? "rose" : "fell"} from ${formatDuration(b)} before the fault to ${formatDuration(d)} during it`;
  const a = after[key];
  if (a !== null) {
    const recovered = Math.abs(a - b) <= Math.max(1, b * 0.25);
    const stillOff = rose ? a > b : a < b;
    sentence += recovered
      ? `, and was back to ${formatDuration(a)} after rollback`
      : stillOff
        ? `, and was still ${formatDuration(a)} after rollback`
        : `, and ${formatDuration(a)} after rollback`;
  }
  return `${sentence}.`;
}

function compareErrors(input: LessonInput): string | null {
  const { before, during, after } = input.metrics;
  if (during.errorRate === null) return null;
  const counts = `${during.errors} of ${during.sampled} sampled calls failed`;
  if (before.errorRate === null)
    return `Error rate of ${input.target} was ${formatRate(during.errorRate)} during the fault (${counts}).`;
  const delta = during.errorRate - before.errorRate;
  if (Math.abs(delta) < 0.005)
    return `Error rate of ${input.target} stayed at ${formatRate(during.errorRate)} during the fault (${formatRate(before.errorRate)} before).`;
  let sentence = `Error rate of ${input.target} ${delta > 0 ? "rose" : "fell"} from ${formatRate(before.errorRate)} to ${formatRate(during.errorRate)} during the fault (${counts})`;
  if (after.errorRate !== null) {
    const recovered = after.errorRate <= before.errorRate + 0.01;
    sentence += recovered
      ? ` and recovered to ${formatRate(after.errorRate)} after rollback`
      : ` and was still ${formatRate(after.errorRate)} after rollback`;
  }
  return `${sentence}.`;
}

function compareThroughput(input: LessonInput): string | null {
  const b = input.metrics.before.throughput;
  const d = input.metrics.during.throughput;
  if (b === null || d === null || b === 0) return null;
  const ratio = d / b;
  if (ratio > 0.75 && ratio < 1.33) return null;
  return `Throughput of ${input.target} ${ratio < 1 ? "fell" : "rose"} from ${formatThroughput(b)} to ${formatThroughput(d)} during the fault.`;
}

function breakerLesson(input: LessonInput): string | null {
  const name = input.breakerName ?? "the breaker";
  const opened = input.transitions.find((t) => t.state === "open" && t.sinceArmMs >= 0);
  if (opened !== undefined) {
    let sentence =
      input.failureType === "CIRCUIT_BREAKER_TRIP"
        ? `${capitalise(name)} was forced open when the fault was armed`
        : `${capitalise(name)} opened after ${opened.failures} failure${opened.failures === 1 ? "" : "s"} (${opened.calls} calls), ${formatDuration(opened.sinceArmMs)} after the fault was armed`;
    const closed = input.transitions.find((t) => t.state === "closed" && t.sinceArmMs > opened.sinceArmMs);
    if (closed !== undefined)
      sentence += ` and closed again ${formatDuration(closed.sinceArmMs - opened.sinceArmMs)} later`;
    else if (input.finalBreakerState !== null) sentence += ` and was ${input.finalBreakerState} at the end`;
    return `${sentence}.`;
  }
  if (input.finalBreakerState === null || input.dryRun) return null;
  return `${capitalise(name)} never opened: it stayed ${input.finalBreakerState} through ${input.metrics.during.errors} sampled failures during the fault.`;
}

function hypothesisLessons(input: LessonInput): string[] {
  const lines: string[] = [];
  for (const phase of ["before", "during", "after"] as const) {
    for (const h of input.hypotheses[phase]) {
      if (h.passed === true) continue;
      const expected = describeExpectation(
        h.metric,
        h.condition,
        Array.isArray(h.expected)
          ? undefined
          : ((h.expected as Exclude<typeof h.expected, readonly number[]>) ?? undefined),
        Array.isArray(h.expected) ? (h.expected as readonly [number, number]) : undefined,
      );
      if (h.passed === null) {
        lines.push(`Hypothesis "${h.name}" could not be judged ${phaseWords(phase)}: ${h.reason ?? "no data"}.`);
      } else if (phase === "during") {
        lines.push(
          `Hypothesis "${h.name}" failed during the fault in ${h.violations} of ${h.checks} checks (worst ${formatMetric(h.metric, h.worst)}, expected ${expected}).`,
        );
      } else {
        lines.push(
          `Hypothesis "${h.name}" did not hold ${phaseWords(phase)}: ${formatMetric(h.metric, h.value)}, expected ${expected}.`,
        );
      }
    }
  }
  return lines;
}

function phaseWords(phase: "before" | "during" | "after"): string {
  return phase === "before" ? "before the fault" : phase === "during" ? "during the fault" : "after rollback";
}

function capitalise(text: string): string {
  return text.length === 0 ? text : text[0]?.toUpperCase() + text.slice(1);
}

/**
 * Derives the lessons of one experiment from its measurements.
 *
 * @param input - the measurements
 * @returns sentences, most important first
 */
export function deriveLessons(input: LessonInput): string[] {
  const lines: string[] = [];
  if (input.dryRun) {
    lines.push(
      `Dry run: no fault was armed on ${input.target}; hypotheses were checked against ${input.metrics.during.calls} unchanged calls.`,
    );
  } else if (input.armedForMs !== null) {
    if (AMBIENT.has(input.failureType)) {
      lines.push(
        `${input.failureType} (${input.ambient ?? "ambient"}) was held for ${formatDuration(input.armedForMs)} while ${input.callsWhileArmed} calls went to ${input.target}.`,
      );
    } else {
      const share = input.callsWhileArmed > 0 ? ` (${formatRate(input.injected / input.callsWhileArmed)})` : "";
      lines.push(
        `${input.failureType} fired on ${input.injected} of ${input.callsWhileArmed} calls to ${input.target}${share} over ${formatDuration(input.armedForMs)}.`,
      );
    }
  }
  if (input.abortReason !== null) {
    const when = input.stoppedAfterMs !== null ? ` ${formatDuration(input.stoppedAfterMs)} into the experiment` : "";
    const disarm = input.disarmMs !== null ? `; every fault was disarmed within ${input.disarmMs.toFixed(3)} ms` : "";
    lines.push(`The experiment was ${input.status}${when}: ${input.abortReason}${disarm}.`);
  }
  for (const line of [
    compareLatency("p95", input, "latencyP95"),
    compareLatency("p99", input, "latencyP99"),
    compareErrors(input),
    compareThroughput(input),
    breakerLesson(input),
    ...(input.otherTargets ?? []).flatMap((other) => {
      const view = { ...input, target: other.target, metrics: other.metrics };
      return [compareLatency("p95", view, "latencyP95"), compareErrors(view)];
    }),
  ]) {
    if (line !== null) lines.push(line);
  }
  lines.push(...hypothesisLessons(input));
  const failed = input.rollbacks.filter((r) => r.status === "failed" || r.status === "timed_out");
  for (const r of failed) {
    lines.push(
      `Rollback "${r.name}" ${r.status === "timed_out" ? "timed out" : "failed"} (${r.error ?? "no message"}); the other ${input.rollbacks.length - 1} still ran.`,
    );
  }
  const succeeded = input.rollbacks.filter((r) => r.status === "succeeded");
  if (failed.length === 0 && succeeded.length > 0) {
    const total = succeeded.reduce((sum, r) => sum + r.durationMs, 0);
    lines.push(
      succeeded.length === 1
        ? `The rollback "${succeeded[0]?.name}" succeeded in ${formatDuration(total)}.`
        : `All ${succeeded.length} rollbacks succeeded in ${formatDuration(total)}.`,
    );
  }
  return lines;
}
