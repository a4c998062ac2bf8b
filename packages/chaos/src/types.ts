/**
 * Public types of @athena/chaos. They are plain interfaces (the zod schemas that check them stay private), so a host
 * can build definitions from JSON plus a few functions.
 */

/** Milliseconds since the epoch, from an injected clock. Default `Date.now`. */
export interface Clock {
  /** Current time in milliseconds since the epoch. */
  now(): number;
}

/** Severity of a {@link SecurityEvent}. */
export type SecuritySeverity = "low" | "medium" | "high" | "critical";

/** An event in the shape every Athena package emits (declared here structurally; the correlator consumes it). */
export interface SecurityEvent {
  type: string;
  source: string;
  severity: SecuritySeverity;
  timestamp: number;
  userId?: string;
  ipAddress?: string;
  sessionId?: string;
  data?: Record<string, unknown>;
}

/** Receives security events; an exception it throws is caught and ignored. */
export type SecurityEventSink = (event: SecurityEvent) => void;

/** The seven kinds of fault the engine injects. */
export type FailureType =
  | "LATENCY_INJECTION"
  | "ERROR_INJECTION"
  | "RESOURCE_EXHAUSTION"
  | "NETWORK_PARTITION"
  | "DEPENDENCY_FAILURE"
  | "STATE_CORRUPTION"
  | "CIRCUIT_BREAKER_TRIP";

/** State of a circuit breaker as the engine reports it (cockatiel's `Isolated` reads as `"open"`). */
export type CircuitBreakerState = "closed" | "open" | "half_open";

/**
 * A circuit breaker seen through a tiny structural interface. Build one with `cockatielBreaker` or
 * `opossumBreaker`, or write your own for another library.
 *
 * @example
 * ```ts
 * import type { CircuitBreakerAdapter } from "@athena/chaos";
 *
 * let forced = false;
 * const homeGrown: CircuitBreakerAdapter = {
 *   name: "home-grown breaker",
 *   state: () => (forced ? "open" : "closed"),
 *   forceOpen: () => {
 *     forced = true;
 *     return () => {
 *       forced = false;
 *     };
 *   },
 * };
 * ```
 */
export interface CircuitBreakerAdapter {
  /** A label for journals and lessons, e.g. `"payments breaker"`. */
  readonly name?: string;
  /** The breaker's current state. */
  state(): CircuitBreakerState;
  /** Holds the breaker open until the returned function is called (calling it twice is harmless). */
  forceOpen(): () => void;
  /** Optional: calls `listener` on every state change; returns a function that unsubscribes. */
  onStateChange?(listener: (state: CircuitBreakerState) => void): () => void;
}

/**
 * Named corruption rules for `STATE_CORRUPTION`; each works on a deep copy (the target's own value is never
 * mutated):
 * - `"null"`: the result becomes `null`.
 * - `"drop_field"`: one own key of a top-level object (or one element of a top-level array), chosen by the seeded
 *   PRNG, is removed. Other values are returned unchanged.
 * - `"truncate"`: a top-level string or array keeps its first half (rounded down); in a top-level object every
 *   string and array property is halved the same way.
 * - `"negate_numbers"`: every finite non-zero number anywhere in the value changes sign.
 * - `"stale"`: the result of the previous successful call through the same injection point is returned instead
 *   (the first call passes unchanged).
 */
export type CorruptionRule = "null" | "drop_field" | "truncate" | "negate_numbers" | "stale";

/** A corruption function: gets a deep copy of the result and the fault's seeded PRNG; returns the altered value. */
export type CorruptFunction = (value: unknown, random: () => number) => unknown;

/**
 * Parameters of a fault. Which keys matter depends on the {@link FailureType}; each names its default.
 */
export interface FaultParameters {
  /** LATENCY_INJECTION: fixed delay added before the call, in ms. Required for latency faults. */
  latencyMs?: number;
  /** LATENCY_INJECTION: the delay varies uniformly within ±`jitterMs` (never below 0). @defaultValue 0 */
  jitterMs?: number;
  /** LATENCY_INJECTION: share of calls delayed, 0–1. @defaultValue 1 */
  latencyProbability?: number;
  /** ERROR_INJECTION: share of calls that fail, 0–1. @defaultValue 1 */
  errorRate?: number;
  /**
   * ERROR_INJECTION: what a failing call rejects with: a message (an `Error`), an HTTP status (an `Error` with
   * `status` and `statusCode`, as HTTP clients throw), or a function returning the value to reject with.
   * @defaultValue `"Injected error"`
   */
  error?: string | number | (() => unknown);
  /** RESOURCE_EXHAUSTION: megabytes of memory held (and written to, so they are resident) while armed. */
  memoryMb?: number;
  /** RESOURCE_EXHAUSTION: share of the main thread kept busy while armed, 0–0.95. */
  cpuLoad?: number;
  /** RESOURCE_EXHAUSTION: length of one busy/idle cycle of the CPU pressure, in ms. @defaultValue 20 */
  cpuPeriodMs?: number;
  /** NETWORK_PARTITION: share of calls refused, 0–1. @defaultValue 1 */
  partitionProbability?: number;
  /** NETWORK_PARTITION: the address named in the refused-connection error. @defaultValue `"127.0.0.1:80"` */
  address?: string;
  /**
   * DEPENDENCY_FAILURE: `"fail"` rejects at once (an `Error` with code `EDEPENDENCY`); `"hang"` holds the call
   * until `hangMs` passes (then rejects with code `ETIMEDOUT`) or until the fault is disarmed (then the real call
   * runs). @defaultValue `"fail"`
   */
  dependencyMode?: "fail" | "hang";
  /** DEPENDENCY_FAILURE: share of calls affected, 0–1. @defaultValue 1 */
  failureRate?: number;
  /** DEPENDENCY_FAILURE with `"hang"`: how long a call hangs before it times out; unset = until disarmed. */
  hangMs?: number;
  /** STATE_CORRUPTION: share of results altered, 0–1. @defaultValue 1 */
  corruptionRate?: number;
  /** STATE_CORRUPTION: a {@link CorruptionRule} or a {@link CorruptFunction}. @defaultValue `"drop_field"` */
  corrupt?: CorruptionRule | CorruptFunction;
  /** CIRCUIT_BREAKER_TRIP: the breaker to hold open. Required for breaker faults. */
  breaker?: CircuitBreakerAdapter;
}

/** The built-in metrics a hypothesis can watch, plus `"custom"` for a probe. */
export type MetricName =
  | "error_rate"
  | "latency_p50"
  | "latency_p95"
  | "latency_p99"
  | "throughput"
  | "circuit_breaker_state"
  | "custom";

/** How a hypothesis compares its metric. `within_range` is inclusive at both ends. */
export type HypothesisCondition = "less_than" | "greater_than" | "equals" | "within_range";

/** The phases of an experiment: steady state before the fault, the fault itself, and recovery after rollback. */
export type ExperimentPhase = "before" | "during" | "after";

/** What a metric or probe reads: a number (rates 0–1, latencies in ms, throughput in calls/s) or a state. */
export type MetricValue = number | string | boolean;

/** A probe a hypothesis or safety check calls; it may be async and is bounded by `probeTimeoutMs`. */
export type Probe = () => MetricValue | Promise<MetricValue>;

/**
 * A steady-state hypothesis: a metric, a condition and the phases it must hold in.
 *
 * @example
 * ```ts
 * import type { Hypothesis } from "@athena/chaos";
 *
 * const fastEnough: Hypothesis = {
 *   name: "p95 under 200 ms",
 *   metric: "latency_p95",
 *   condition: "less_than",
 *   value: 200,
 *   abortOnViolation: true,
 * };
 * ```
 */
export interface Hypothesis {
  /** Shown in results, journals and lessons. */
  name: string;
  /** What to measure. `"custom"` needs `probe`. */
  metric: MetricName;
  /** How to compare. `circuit_breaker_state` only supports `equals`. */
  condition: HypothesisCondition;
  /** The value to compare with (for `less_than`, `greater_than`, `equals`). */
  value?: MetricValue;
  /** `[min, max]` for `within_range`. */
  range?: readonly [number, number];
  /** Phases in which the hypothesis is checked. @defaultValue `["before", "during", "after"]` */
  phases?: readonly ExperimentPhase[];
  /**
   * During the fault: `"always"` means every check must pass (a steady-state tolerance); `"eventually"` means at
   * least one check must pass (e.g. "the breaker opens"). @defaultValue `"always"`
   */
  during?: "always" | "eventually";
  /** Stop the experiment (and disarm every fault at once) when an `"always"` check fails during the fault. */
  abortOnViolation?: boolean;
  /** Injection point (or object) to measure. @defaultValue the experiment's target */
  target?: string;
  /** For `circuit_breaker_state`. @defaultValue the experiment's `breaker`, else `parameters.breaker` */
  breaker?: CircuitBreakerAdapter;
  /** For `"custom"`: returns the value to compare. */
  probe?: Probe;
}

/** A rollback: always run after the fault is disarmed, on every exit path; one failing does not stop the rest. */
export interface RollbackAction {
  /** Shown in results and journals. */
  name: string;
  /** The work; it gets a signal that aborts when `rollbackTimeoutMs` passes. */
  execute: (signal: AbortSignal) => Promise<void> | void;
}

/** Safety check: passes while the observed throughput of the target (or `probe`) is at most `maxThroughput`. */
export interface TrafficLowCheck {
  name: string;
  type: "traffic_low";
  /** Calls per second. */
  maxThroughput: number;
  /** @defaultValue the experiment's target */
  target?: string;
  /** Reads calls per second from elsewhere (a load balancer, a metrics system) instead of the injection point. */
  probe?: () => number | Promise<number>;
}

/** Safety check: passes only on the given days between `start` and `end`, wall-clock time in `timeZone`. */
export interface BusinessHoursCheck {
  name: string;
  type: "business_hours";
  /** An IANA time zone such as `"Europe/Berlin"`. @defaultValue `"UTC"` */
  timeZone?: string;
  /** `"HH:MM"`, inclusive. @defaultValue `"09:00"` */
  start?: string;
  /** `"HH:MM"`, exclusive. @defaultValue `"17:00"` */
  end?: string;
  /** Days allowed, 0 = Sunday … 6 = Saturday. @defaultValue `[1, 2, 3, 4, 5]` */
  days?: readonly number[];
}

/**
 * Safety check: passes while the error rate of the target since the experiment started stays at most
 * `maxErrorRate` (the experiment may spend that much of the error budget, no more).
 */
export interface ErrorBudgetCheck {
  name: string;
  type: "error_budget";
  /** 0–1. */
  maxErrorRate: number;
  /** Sampled calls needed before the budget is judged. @defaultValue 20 */
  minCalls?: number;
  /** @defaultValue the experiment's target */
  target?: string;
}

/** Safety check: any function; `false`, a throw or a timeout fails it. */
export interface CustomSafetyCheck {
  name: string;
  type?: "custom";
  check: () => boolean | Promise<boolean>;
}

/**
 * Conditions that must hold before the fault is armed and at every check while it is; a failure stops it.
 *
 * @example
 * ```ts
 * import type { SafetyCheck } from "@athena/chaos";
 *
 * const checks: SafetyCheck[] = [
 *   { name: "office hours in Berlin", type: "business_hours", timeZone: "Europe/Berlin" },
 *   { name: "spend at most 5 % errors", type: "error_budget", maxErrorRate: 0.05 },
 *   { name: "quiet enough", type: "traffic_low", maxThroughput: 500 },
 *   { name: "on-call acknowledged", check: async () => true },
 * ];
 * ```
 */
export type SafetyCheck = TrafficLowCheck | BusinessHoursCheck | ErrorBudgetCheck | CustomSafetyCheck;

/**
 * What `engine.startExperiment` runs.
 *
 * @example
 * ```ts
 * import type { ExperimentDefinition } from "@athena/chaos";
 *
 * const definition: ExperimentDefinition = {
 *   name: "payments survive a slow ledger",
 *   target: "ledger",
 *   failureType: "LATENCY_INJECTION",
 *   parameters: { latencyMs: 300, jitterMs: 50 },
 *   durationMs: 30_000,
 *   hypotheses: [{ name: "errors under 1 %", metric: "error_rate", condition: "less_than", value: 0.01 }],
 *   safetyChecks: [{ name: "office hours", type: "business_hours", timeZone: "Europe/Berlin" }],
 *   rollbackActions: [{ name: "flush ledger cache", execute: async () => {} }],
 * };
 * ```
 */
export interface ExperimentDefinition {
  /** A name for results and journals. */
  name: string;
  /** An injection point name (`wrap`) or object name (`wrapObject`, covering all its methods). */
  target: string;
  /** The kind of fault. */
  failureType: FailureType;
  /** The fault's parameters. @defaultValue `{}` */
  parameters?: FaultParameters;
  /** How long the fault stays armed, in ms (by the engine's clock). */
  durationMs: number;
  /** Steady-state hypotheses. @defaultValue `[]` */
  hypotheses?: readonly Hypothesis[];
  /** Run after the fault, whatever happened. @defaultValue `[]` */
  rollbackActions?: readonly RollbackAction[];
  /** Checked before arming and at every check while armed. @defaultValue `[]` */
  safetyChecks?: readonly SafetyCheck[];
  /** Observation before the fault, in ms. @defaultValue 1000 */
  steadyStateMs?: number;
  /** Observation after rollback, in ms. @defaultValue the value of `steadyStateMs` */
  recoveryMs?: number;
  /** Interval of hypothesis and safety checks during the fault, in ms (100 = 10 Hz). @defaultValue 100 */
  checkIntervalMs?: number;
  /** Sliding window that during-phase metrics are computed over, in ms. @defaultValue 1000 */
  windowMs?: number;
  /** Observe and check everything but never arm the fault or run rollbacks. @defaultValue the engine's `dryRun` */
  dryRun?: boolean;
  /** Let this experiment share its target with others that also allow it. @defaultValue false */
  allowSharedTarget?: boolean;
  /** Seed for this experiment's fault decisions. @defaultValue the engine's seed */
  seed?: number;
  /** Breaker read by `circuit_breaker_state` hypotheses and by lessons. @defaultValue `parameters.breaker` */
  breaker?: CircuitBreakerAdapter;
  /** Upper bound for one probe or custom safety check, in ms; a timeout counts as a failure. @defaultValue 1000 */
  probeTimeoutMs?: number;
  /** Upper bound for one rollback action, in ms. @defaultValue 30000 */
  rollbackTimeoutMs?: number;
}

/** Options of {@link ChaosEngine.startExperiment}. */
export interface StartExperimentOptions {
  /** Aborting stops the experiment at once (status `"interrupted"`); rollbacks still run. */
  signal?: AbortSignal;
}

/** Final status, in the sense of Chaos Toolkit's journal. */
export type ExperimentStatus = "completed" | "failed" | "aborted" | "interrupted";

/** Metrics of the target over one phase (latencies in ms, throughput in calls/s, rates 0–1). */
export interface PhaseMetrics {
  /** Calls that went through the target's injection points. */
  calls: number;
  /** Calls whose outcome and latency were recorded (all of them below `maxSamplesPerSecond`). */
  sampled: number;
  /** Sampled calls that failed. */
  errors: number;
  errorRate: number | null;
  latencyP50: number | null;
  latencyP95: number | null;
  latencyP99: number | null;
  throughput: number | null;
  /** Length of the phase by the engine's clock. */
  durationMs: number;
}

/** Metrics of each phase. */
export interface ExperimentMetrics {
  before: PhaseMetrics;
  during: PhaseMetrics;
  after: PhaseMetrics;
}

/** What the fault did: calls it fired on, calls seen while armed, and how long disarming took (ms). */
export interface FaultStats {
  injected: number;
  callsWhileArmed: number;
  /** Measured with `performance.now()`; null when nothing was armed. */
  disarmMs: number | null;
}

/** One phase's steady-state verdict in the journal. */
export interface SteadyStateRecord {
  /** Null when no hypothesis applies to the phase. */
  steadyStateMet: boolean | null;
  probes: HypothesisResult[];
}

/** The outcome of one hypothesis in one phase. */
export interface HypothesisResult {
  name: string;
  phase: ExperimentPhase;
  metric: MetricName;
  condition: HypothesisCondition;
  expected: MetricValue | readonly [number, number] | null;
  /** `true` held, `false` did not; `null` when there was nothing to measure (no calls, no checks). */
  passed: boolean | null;
  /** The last value read (for `before`/`after`, the phase's value). */
  value: MetricValue | null;
  /** Checks made (1 for before/after). */
  checks: number;
  /** Checks that failed. */
  violations: number;
  /** The value furthest from the expectation, when numeric. */
  worst: MetricValue | null;
  /** Why it failed or could not be judged. */
  reason: string | null;
}

/** The outcome of one safety check (its first failure, or its last pass). */
export interface SafetyCheckResult {
  name: string;
  type: "traffic_low" | "business_hours" | "error_budget" | "custom";
  passed: boolean;
  checks: number;
  detail: string;
}

/** One rollback's outcome. */
export interface RollbackResult {
  name: string;
  status: "succeeded" | "failed" | "timed_out" | "skipped";
  durationMs: number;
  error: string | null;
}

/** One entry of the timeline. */
export interface TimelineEntry {
  /** The engine's clock. */
  at: number;
  /** Since the experiment started. */
  elapsedMs: number;
  event: string;
  detail: Record<string, MetricValue | null>;
}

/**
 * The result of an experiment; JSON-safe (`JSON.stringify(result.journal)` is the journal).
 *
 * @example
 * ```ts
 * import type { ExperimentResult } from "@athena/chaos";
 *
 * function report(result: ExperimentResult): string {
 *   return `${result.name}: ${result.status}${result.deviated ? " (deviated)" : ""}\n${result.lessonsLearned.join("\n")}`;
 * }
 * ```
 */
export interface ExperimentResult {
  id: string;
  name: string;
  target: string;
  failureType: FailureType;
  /** `completed`, not `deviated`, and no rollback failed or timed out. */
  success: boolean;
  status: ExperimentStatus;
  /** A hypothesis failed during or after the fault. */
  deviated: boolean;
  /** Stopped early by a hypothesis, a safety check, an abort signal or engine dispose. */
  aborted: boolean;
  abortReason: string | null;
  dryRun: boolean;
  startedAt: number;
  endedAt: number;
  durationMs: number;
  hypotheses: { before: HypothesisResult[]; during: HypothesisResult[]; after: HypothesisResult[] };
  safetyChecks: SafetyCheckResult[];
  /** Metrics of the experiment's target. */
  metrics: ExperimentMetrics;
  /** Metrics of every observed target: the experiment's and those named by hypotheses and safety checks. */
  metricsByTarget: Record<string, ExperimentMetrics>;
  faults: FaultStats;
  timeline: TimelineEntry[];
  rollbacks: RollbackResult[];
  /** Sentences derived from the measurements. */
  lessonsLearned: string[];
  /** The same facts as a Chaos-Toolkit-style journal. */
  journal: ExperimentJournal;
}

/** A JSON journal in the spirit of Chaos Toolkit's. */
export interface ExperimentJournal {
  format: "athena.chaos.journal/1";
  id: string;
  experiment: {
    name: string;
    target: string;
    failureType: FailureType;
    parameters: Record<string, MetricValue | null>;
    durationMs: number;
    dryRun: boolean;
    hypotheses: { name: string; metric: MetricName; condition: HypothesisCondition; phases: ExperimentPhase[] }[];
    safetyChecks: { name: string; type: string }[];
    rollbackActions: string[];
  };
  start: string;
  end: string;
  durationMs: number;
  status: ExperimentStatus;
  deviated: boolean;
  abortReason: string | null;
  steadyStates: { before: SteadyStateRecord; during: SteadyStateRecord; after: SteadyStateRecord };
  safetyChecks: SafetyCheckResult[];
  metrics: ExperimentMetrics;
  metricsByTarget: Record<string, ExperimentMetrics>;
  faults: FaultStats;
  run: TimelineEntry[];
  rollbacks: RollbackResult[];
  lessonsLearned: string[];
}
