/**
 * One experiment run: steady state before, the fault with checks at a fixed cadence, rollbacks, recovery after.
 * Every exit path (success, failure, abort, exception, engine dispose) goes through `finish`, which disarms, runs
 * every rollback and stops observing.
 */
import { createFault, type FaultRuntime, ResourceFault } from "./faults.js";
import { formatMetric } from "./format.js";
import { type BreakerTransition, deriveLessons } from "./lessons.js";
import type { InjectionPoint } from "./point.js";
import { hashString, Sfc32 } from "./prng.js";
import { type Recorder, type RecorderSnapshot, type WindowStats, windowStats } from "./recorder.js";
import {
  badness,
  budgetDetail,
  describeError,
  describeExpectation,
  insideBusinessHours,
  meets,
  settle,
  trafficDetail,
} from "./safety.js";
import type { ResolvedExperiment, ResolvedHypothesis, ResolvedSafetyCheck } from "./schemas.js";
import type {
  CircuitBreakerAdapter,
  Clock,
  ExperimentJournal,
  ExperimentMetrics,
  ExperimentPhase,
  ExperimentResult,
  ExperimentStatus,
  FailureType,
  HypothesisResult,
  MetricValue,
  PhaseMetrics,
  RollbackResult,
  SafetyCheckResult,
  SecuritySeverity,
  TimelineEntry,
} from "./types.js";

/** What a run needs from its engine. */
export interface RunContext {
  clock: Clock;
  seed: number;
  maxSamplesPerSecond: number;
  dryRun: boolean;
  pointsFor(target: string): InjectionPoint[];
  emit(type: string, severity: SecuritySeverity, data: Record<string, unknown>): void;
}

interface Observed {
  points: InjectionPoint[];
  recorders: Recorder[];
}

interface Mark {
  at: number;
  snaps: Map<string, RecorderSnapshot[]>;
}

interface DuringState {
  result: HypothesisResult;
  pending: boolean;
  everPassed: boolean;
}

const emptyMetrics = (): PhaseMetrics => ({
  calls: 0,
  sampled: 0,
  errors: 0,
  errorRate: null,
  latencyP50: null,
  latencyP95: null,
  latencyP99: null,
  throughput: null,
  durationMs: 0,
});

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** A running experiment. */
export class ExperimentRun {
  readonly id: string;
  readonly def: ResolvedExperiment;
  phase: ExperimentPhase | "rollback" | "done" = "before";
  readonly startedAt: number;
  private readonly ctx: RunContext;
  private readonly dryRun: boolean;
  private readonly controller = new AbortController();
  private readonly interruptController = new AbortController();
  private readonly observed = new Map<string, Observed>();
  private readonly timeline: TimelineEntry[] = [];
  private readonly transitions: BreakerTransition[] = [];
  private readonly breaker: CircuitBreakerAdapter | undefined;
  private unsubscribeBreaker: (() => void) | undefined;
  private fault: FaultRuntime | undefined;
  private faultPoints: InjectionPoint[] = [];
  private armedAt: number | null = null;
  private disarmedAt: number | null = null;
  private armMark: Mark | undefined;
  private disarmMs: number | null = null;
  private stopStatus: ExperimentStatus | undefined;
  private stopReason: string | null = null;
  private stoppedAt: number | null = null;
  private readonly safetyResults = new Map<string, SafetyCheckResult>();
  private readonly safetyPending = new Set<string>();
  private rollbackResults: RollbackResult[] | undefined;
  private firstMark: Mark | undefined;

  constructor(id: string, def: ResolvedExperiment, ctx: RunContext) {
    this.id = id;
    this.def = def;
    this.ctx = ctx;
    this.dryRun = def.dryRun ?? ctx.dryRun;
    this.startedAt = ctx.clock.now();
    this.breaker = def.breaker ?? def.parameters.breaker;
  }

  /** Targets this run observes: its own, and those named by hypotheses and safety checks. */
  targets(): string[] {
    const set = new Set<string>([this.def.target]);
    for (const h of this.def.hypotheses) if (h.target !== undefined) set.add(h.target);
    for (const c of this.def.safetyChecks) if ("target" in c && c.target !== undefined) set.add(c.target);
    return [...set];
  }

  /**
   * Stops the run now: disarms the fault synchronously (the next call through the target is untouched) and wakes
   * the run loop, which then runs the rollbacks. Later calls are ignored.
   */
  stop(status: "aborted" | "interrupted", reason: string): void {
    if (this.stopStatus !== undefined || this.phase === "done") return;
    this.stopStatus = status;
    this.stopReason = reason;
    this.stoppedAt = this.ctx.clock.now();
    this.disarm();
    this.event(status === "aborted" ? "experiment_aborted" : "experiment_interrupted", { reason });
    this.controller.abort();
    if (status === "interrupted") this.interruptController.abort();
    this.ctx.emit("CHAOS_EXPERIMENT_ABORTED", "medium", { id: this.id, name: this.def.name, status, reason });
  }

  /** Runs the experiment to its end; never rejects. */
  async run(): Promise<ExperimentResult> {
    const def = this.def;
    let error: string | null = null;
    let beforeFailed: string | null = null;
    const byTarget: Record<string, ExperimentMetrics> = {};
    const record = (phase: ExperimentPhase, from: Mark, to: Mark): void => {
      for (const target of this.observed.keys()) {
        byTarget[target] ??= { before: emptyMetrics(), during: emptyMetrics(), after: emptyMetrics() };
        byTarget[target][phase] = this.phaseMetrics(target, from, to);
      }
    };
    const results: Record<ExperimentPhase, HypothesisResult[]> = { before: [], during: [], after: [] };
    this.event("experiment_started", { target: def.target, failureType: def.failureType, dryRun: this.dryRun });
    this.ctx.emit("CHAOS_EXPERIMENT_STARTED", "low", {
      id: this.id,
      name: def.name,
      target: def.target,
      failureType: def.failureType,
      dryRun: this.dryRun,
    });
    try {
      for (const target of this.targets()) {
        const points = this.ctx.pointsFor(target);
        this.observed.set(target, { points, recorders: points.map((p) => p.observe(this.ctx.maxSamplesPerSecond)) });
      }
      this.subscribeBreaker();

      // Before: observe the steady state, then check safety and hypotheses.
      const beforeStart = this.mark();
      await this.waitPhase(def.steadyStateMs, () => undefined);
      const beforeEnd = this.mark();
      record("before", beforeStart, beforeEnd);
      if (!this.stopped) {
        const safety = await this.checkSafety(beforeStart, beforeEnd, beforeStart);
        if (safety !== null)
          this.stop("aborted", `safety check "${safety.name}" failed before the fault: ${safety.detail}`);
      }
      if (!this.stopped) {
        results.before = await this.evaluatePhase("before", beforeStart, beforeEnd);
        const failed = results.before.filter((r) => r.passed !== true);
        this.event("steady_state_before", { met: failed.length === 0 });
        if (failed.length > 0)
          beforeFailed = `steady state not met before the fault: ${failed.map((r) => `"${r.name}"`).join(", ")}`;
      }

      // During: arm, check at a fixed cadence, disarm.
      this.phase = "during";
      const duringStates = this.def.hypotheses
        .filter((h) => h.phases.includes("during"))
        .map((h) => ({ hypothesis: h, state: this.newDuringState(h) }));
      let duringStart = this.mark();
      let duringRan = false;
      if (!this.stopped && beforeFailed === null) {
        duringRan = true;
        this.arm();
        duringStart = this.mark();
        this.armMark = duringStart;
        const history: Mark[] = [duringStart];
        await this.waitPhase(def.durationMs, async () => {
          const now = this.mark();
          history.push(now);
          while (history.length > 2 && (history[1] as Mark).at <= now.at - def.windowMs) history.shift();
          const base = history[0] as Mark;
          await Promise.all([
            ...duringStates.map(({ hypothesis, state }) => this.checkDuring(hypothesis, state, base, now)),
            this.checkSafety(duringStart, now, base).then((failed) => {
              if (failed !== null && !this.stopped)
                this.stop("aborted", `safety check "${failed.name}" failed during the fault: ${failed.detail}`);
            }),
          ]);
        });
        this.disarm();
      }
      const duringEnd = this.mark();
      record("during", duringStart, duringEnd);
      // Hypotheses are judged during the fault only if the fault phase ran (not after a failed steady state).
      if (duringRan) results.during = duringStates.map(({ hypothesis, state }) => this.finishDuring(hypothesis, state));
    } catch (thrown) {
      error = describeError(thrown);
      this.event("error", { message: error });
    }

    // Every exit path: disarm, roll back, then (unless interrupted) observe the recovery.
    this.disarm();
    this.phase = "rollback";
    const rollbacks = await this.rollback();
    if (this.stopStatus !== "interrupted" && error === null) {
      this.phase = "after";
      try {
        const afterStart = this.mark();
        await this.waitPhase(def.recoveryMs ?? def.steadyStateMs, () => undefined, true);
        const afterEnd = this.mark();
        record("after", afterStart, afterEnd);
        results.after = await this.evaluatePhase("after", afterStart, afterEnd);
        this.event("steady_state_after", { met: results.after.every((r) => r.passed === true) });
      } catch (thrown) {
        error = describeError(thrown);
        this.event("error", { message: error });
      }
    }
    const finalBreakerState = this.readBreaker();
    this.release();
    this.phase = "done";

    const status: ExperimentStatus =
      this.stopStatus ?? (error !== null || beforeFailed !== null ? "failed" : "completed");
    const deviated = results.during.some((r) => r.passed !== true) || results.after.some((r) => r.passed !== true);
    const abortReason = this.stopReason ?? beforeFailed ?? (error !== null ? `exception: ${error}` : null);
    const endedAt = this.ctx.clock.now();
    this.event("experiment_ended", { status, deviated });
    this.ctx.emit("CHAOS_EXPERIMENT_ENDED", "low", { id: this.id, name: def.name, status, deviated });

    const metrics: ExperimentMetrics = byTarget[def.target] ?? {
      before: emptyMetrics(),
      during: emptyMetrics(),
      after: emptyMetrics(),
    };
    const duringMetrics = metrics.during;
    const lessonsLearned = deriveLessons({
      target: def.target,
      failureType: def.failureType,
      status,
      abortReason,
      dryRun: this.dryRun,
      metrics,
      otherTargets: Object.entries(byTarget)
        .filter(([target]) => target !== def.target)
        .map(([target, m]) => ({ target, metrics: m })),
      hypotheses: results,
      injected: this.fault?.injected ?? 0,
      callsWhileArmed: duringMetrics.calls,
      armedForMs: this.armedAt !== null ? (this.disarmedAt ?? endedAt) - this.armedAt : null,
      disarmMs: this.disarmMs,
      stoppedAfterMs: this.stoppedAt !== null ? this.stoppedAt - this.startedAt : null,
      transitions: this.transitions,
      breakerName: this.breaker?.name ?? null,
      finalBreakerState,
      rollbacks,
      ambient: this.ambientDescription(),
    });
    const safetyChecks = [...this.safetyResults.values()];
    const faults = {
      injected: this.fault?.injected ?? 0,
      callsWhileArmed: duringMetrics.calls,
      disarmMs: this.disarmMs,
    };
    const journal: ExperimentJournal = {
      format: "athena.chaos.journal/1",
      id: this.id,
      experiment: {
        name: def.name,
        target: def.target,
        failureType: def.failureType,
        parameters: jsonParameters(def.failureType, def.parameters as unknown as Record<string, unknown>),
        durationMs: def.durationMs,
        dryRun: this.dryRun,
        hypotheses: def.hypotheses.map((h) => ({
          name: h.name,
          metric: h.metric,
          condition: h.condition,
          phases: [...h.phases],
        })),
        safetyChecks: def.safetyChecks.map((c) => ({ name: c.name, type: c.type })),
        rollbackActions: def.rollbackActions.map((r) => r.name),
      },
      start: new Date(this.startedAt).toISOString(),
      end: new Date(endedAt).toISOString(),
      durationMs: endedAt - this.startedAt,
      status,
      deviated,
      abortReason,
      steadyStates: {
        before: { steadyStateMet: met(results.before, def.hypotheses, "before"), probes: results.before },
        during: { steadyStateMet: met(results.during, def.hypotheses, "during"), probes: results.during },
        after: { steadyStateMet: met(results.after, def.hypotheses, "after"), probes: results.after },
      },
      safetyChecks,
      metrics,
      metricsByTarget: byTarget,
      faults,
      run: this.timeline,
      rollbacks,
      lessonsLearned,
    };
    return {
      id: this.id,
      name: def.name,
      target: def.target,
      failureType: def.failureType,
      success:
        status === "completed" &&
        !deviated &&
        rollbacks.every((r) => r.status !== "failed" && r.status !== "timed_out"),
      status,
      deviated,
      aborted: status === "aborted" || status === "interrupted",
      abortReason,
      dryRun: this.dryRun,
      startedAt: this.startedAt,
      endedAt,
      durationMs: endedAt - this.startedAt,
      hypotheses: results,
      safetyChecks,
      metrics,
      metricsByTarget: byTarget,
      faults,
      timeline: this.timeline,
      rollbacks,
      lessonsLearned,
      journal,
    };
  }

  private get stopped(): boolean {
    return this.stopStatus !== undefined;
  }

  private event(event: string, detail: Record<string, MetricValue | null>): void {
    const at = this.ctx.clock.now();
    this.timeline.push({ at, elapsedMs: at - this.startedAt, event, detail });
  }

  private mark(): Mark {
    const snaps = new Map<string, RecorderSnapshot[]>();
    for (const [target, observed] of this.observed)
      snaps.set(
        target,
        observed.recorders.map((r) => r.snapshot()),
      );
    return { at: this.ctx.clock.now(), snaps };
  }

  private stats(target: string, from: Mark, to: Mark): WindowStats {
    const observed = this.observed.get(target);
    return windowStats(
      observed?.recorders ?? [],
      from.snaps.get(target) ?? [],
      to.snaps.get(target) ?? [],
      to.at - from.at,
    );
  }

  private phaseMetrics(target: string, from: Mark, to: Mark): PhaseMetrics {
    return { ...this.stats(target, from, to), durationMs: to.at - from.at };
  }

  /**
   * Waits until `durationMs` has passed on the engine's clock, calling `tick` every `checkIntervalMs` of real time.
   * Returns early when the run is stopped; for the recovery observation (`recovery`), only when it is interrupted.
   */
  private async waitPhase(durationMs: number, tick: () => unknown, recovery = false): Promise<void> {
    const start = this.ctx.clock.now();
    const interval = this.def.checkIntervalMs;
    const signal = recovery ? this.interruptController.signal : this.controller.signal;
    let next = performance.now() + interval;
    while (this.ctx.clock.now() - start < durationMs) {
      if (signal.aborted) return;
      const remaining = durationMs - (this.ctx.clock.now() - start);
      await sleep(Math.min(remaining, Math.max(0, next - performance.now())), signal);
      next += interval;
      if (signal.aborted) return;
      for (const observed of this.observed.values()) for (const r of observed.recorders) r.adapt(performance.now());
      await tick();
      if (next < performance.now()) next = performance.now() + interval;
    }
  }

  private arm(): void {
    const def = this.def;
    if (this.dryRun) {
      this.event("fault_skipped", { reason: "dry run" });
      return;
    }
    const params = {
      ...def.parameters,
      latencyMs: def.parameters.latencyMs ?? 0,
      hangMs: def.parameters.hangMs,
      breaker: def.parameters.breaker,
    };
    const random = new Sfc32(def.seed ?? this.ctx.seed, hashString(`${def.target}\u0000${def.failureType}`));
    const fault = createFault(def.failureType, params, random, def.target);
    this.fault = fault;
    this.faultPoints = this.observed.get(def.target)?.points ?? [];
    this.armedAt = this.ctx.clock.now();
    try {
      fault.arm();
    } catch (error) {
      this.armedAt = null;
      throw error;
    }
    for (const point of this.faultPoints) point.addFault(fault);
    this.event("fault_armed", { failureType: def.failureType, points: this.faultPoints.length });
  }

  /** Disarms synchronously; records how long it took. Idempotent. */
  private disarm(): void {
    const fault = this.fault;
    if (fault === undefined || fault.disarmed) return;
    const t0 = performance.now();
    for (const point of this.faultPoints) point.removeFault(fault);
    let failure: string | null = null;
    try {
      fault.disarm();
    } catch (thrown) {
      failure = describeError(thrown);
    }
    this.disarmMs = performance.now() - t0;
    this.disarmedAt = this.ctx.clock.now();
    this.event("fault_disarmed", { disarmMs: this.disarmMs, injected: fault.injected, error: failure });
  }

  private subscribeBreaker(): void {
    const breaker = this.breaker;
    if (breaker?.onStateChange === undefined) return;
    this.unsubscribeBreaker = breaker.onStateChange((state) => {
      const now = this.mark();
      let failures = 0;
      let calls = 0;
      if (this.armMark !== undefined) {
        const s = this.stats(this.def.target, this.armMark, now);
        failures = s.errors;
        calls = s.calls;
      }
      const sinceArmMs = this.armedAt === null ? -1 : now.at - this.armedAt;
      this.transitions.push({ state, sinceArmMs, failures, calls });
      this.event("breaker_state_changed", { state, failuresSinceArm: failures, callsSinceArm: calls });
    });
  }

  private readBreaker(): string | null {
    try {
      return this.breaker?.state() ?? null;
    } catch {
      return null;
    }
  }

  private release(): void {
    try {
      this.unsubscribeBreaker?.();
    } catch {
      // A failing unsubscribe must not keep the rest from being released.
    }
    for (const observed of this.observed.values()) for (const point of observed.points) point.unobserve();
  }

  private async rollback(): Promise<RollbackResult[]> {
    if (this.rollbackResults !== undefined) return this.rollbackResults;
    const results: RollbackResult[] = [];
    this.rollbackResults = results;
    for (const action of this.def.rollbackActions) {
      if (this.dryRun) {
        results.push({ name: action.name, status: "skipped", durationMs: 0, error: "dry run" });
        continue;
      }
      const t0 = performance.now();
      const outcome = await settle((signal) => action.execute(signal), this.def.rollbackTimeoutMs);
      const durationMs = performance.now() - t0;
      if (outcome.ok) {
        results.push({ name: action.name, status: "succeeded", durationMs, error: null });
        this.event("rollback_succeeded", { name: action.name, durationMs });
      } else {
        const timedOut = outcome.error.startsWith("timed out after");
        results.push({
          name: action.name,
          status: timedOut ? "timed_out" : "failed",
          durationMs,
          error: outcome.error,
        });
        this.event("rollback_failed", { name: action.name, error: outcome.error });
        this.ctx.emit("CHAOS_ROLLBACK_FAILED", "high", {
          id: this.id,
          name: this.def.name,
          rollback: action.name,
          error: outcome.error,
        });
      }
    }
    return results;
  }

  private async readMetric(
    h: ResolvedHypothesis,
    from: Mark,
    to: Mark,
  ): Promise<{ value: MetricValue | null; reason: string | null }> {
    if (h.metric === "custom") {
      const probe = h.probe;
      if (probe === undefined) return { value: null, reason: "no probe" };
      const outcome = await settle(() => probe(), this.def.probeTimeoutMs);
      return outcome.ok ? { value: outcome.value, reason: null } : { value: null, reason: `probe ${outcome.error}` };
    }
    if (h.metric === "circuit_breaker_state") {
      const breaker = h.breaker ?? this.breaker;
      try {
        return { value: breaker?.state() ?? null, reason: breaker === undefined ? "no breaker" : null };
      } catch (thrown) {
        return { value: null, reason: `breaker state() threw: ${describeError(thrown)}` };
      }
    }
    const s = this.stats(h.target ?? this.def.target, from, to);
    const value =
      h.metric === "error_rate"
        ? s.errorRate
        : h.metric === "latency_p50"
          ? s.latencyP50
          : h.metric === "latency_p95"
            ? s.latencyP95
            : h.metric === "latency_p99"
              ? s.latencyP99
              : s.throughput;
    return {
      value,
      reason: value === null ? `no completed calls to ${h.target ?? this.def.target} in the window` : null,
    };
  }

  private expected(h: ResolvedHypothesis): HypothesisResult["expected"] {
    return h.condition === "within_range" ? (h.range ?? null) : (h.value ?? null);
  }

  private async evaluatePhase(phase: "before" | "after", from: Mark, to: Mark): Promise<HypothesisResult[]> {
    const hypotheses = this.def.hypotheses.filter((h) => h.phases.includes(phase));
    return Promise.all(
      hypotheses.map(async (h): Promise<HypothesisResult> => {
        const { value, reason } = await this.readMetric(h, from, to);
        const passed = value === null ? null : meets(h.condition, value, h.value, h.range);
        return {
          name: h.name,
          phase,
          metric: h.metric,
          condition: h.condition,
          expected: this.expected(h),
          passed,
          value,
          checks: 1,
          violations: passed === false ? 1 : 0,
          worst: value,
          reason:
            reason ??
            (passed === false
              ? `${formatMetric(h.metric, value)} is not ${describeExpectation(h.metric, h.condition, h.value, h.range)}`
              : null),
        };
      }),
    );
  }

  private newDuringState(h: ResolvedHypothesis): DuringState {
    return {
      pending: false,
      everPassed: false,
      result: {
        name: h.name,
        phase: "during",
        metric: h.metric,
        condition: h.condition,
        expected: this.expected(h),
        passed: null,
        value: null,
        checks: 0,
        violations: 0,
        worst: null,
        reason: null,
      },
    };
  }

  private async checkDuring(h: ResolvedHypothesis, state: DuringState, base: Mark, now: Mark): Promise<void> {
    if (state.pending || this.stopped) return;
    state.pending = true;
    try {
      const { value, reason } = await this.readMetric(h, base, now);
      const r = state.result;
      if (value === null) {
        r.reason = reason;
        return;
      }
      r.checks++;
      r.value = value;
      const ok = meets(h.condition, value, h.value, h.range);
      if (ok) {
        state.everPassed = true;
        return;
      }
      r.violations++;
      if (
        r.worst === null ||
        badness(h.condition, value, h.value, h.range) > badness(h.condition, r.worst, h.value, h.range)
      )
        r.worst = value;
      if (h.during === "always") {
        if (r.violations === 1)
          this.event("hypothesis_violated", {
            name: h.name,
            value,
            expected: describeExpectation(h.metric, h.condition, h.value, h.range),
          });
        if (h.abortOnViolation && !this.stopped)
          this.stop(
            "aborted",
            `hypothesis "${h.name}" was violated: ${formatMetric(h.metric, value)} is not ${describeExpectation(h.metric, h.condition, h.value, h.range)}`,
          );
      }
    } finally {
      state.pending = false;
    }
  }

  private finishDuring(h: ResolvedHypothesis, state: DuringState): HypothesisResult {
    const r = state.result;
    if (r.checks === 0) {
      r.passed = null;
      r.reason = r.reason ?? "no check was made during the fault";
    } else if (h.during === "eventually") {
      r.passed = state.everPassed;
      if (!r.passed)
        r.reason = `never ${describeExpectation(h.metric, h.condition, h.value, h.range)} in ${r.checks} checks`;
      else r.reason = null;
    } else {
      r.passed = r.violations === 0;
      r.reason = r.passed ? null : `${r.violations} of ${r.checks} checks failed`;
    }
    return r;
  }

  /** Runs every safety check; returns the first failure, or null. Checks still pending from a previous tick are skipped. */
  private async checkSafety(phaseStart: Mark, now: Mark, windowBase: Mark): Promise<SafetyCheckResult | null> {
    const outcomes = await Promise.all(
      this.def.safetyChecks.map(async (check) => {
        if (this.safetyPending.has(check.name)) return null;
        this.safetyPending.add(check.name);
        try {
          const { passed, detail } = await this.evaluateSafety(check, phaseStart, now, windowBase);
          const previous = this.safetyResults.get(check.name);
          const checks = (previous?.checks ?? 0) + 1;
          if (previous === undefined || previous.passed) {
            this.safetyResults.set(check.name, { name: check.name, type: check.type, passed, checks, detail });
          } else {
            previous.checks = checks;
          }
          return passed ? null : { name: check.name, type: check.type, passed, checks, detail };
        } finally {
          this.safetyPending.delete(check.name);
        }
      }),
    );
    return outcomes.find((o) => o !== null) ?? null;
  }

  private async evaluateSafety(
    check: ResolvedSafetyCheck,
    phaseStart: Mark,
    now: Mark,
    windowBase: Mark,
  ): Promise<{ passed: boolean; detail: string }> {
    switch (check.type) {
      case "business_hours":
        return insideBusinessHours(now.at, check);
      case "traffic_low": {
        const probe = check.probe;
        if (probe !== undefined) {
          const outcome = await settle(() => probe(), this.def.probeTimeoutMs);
          if (!outcome.ok) return { passed: false, detail: `probe ${outcome.error}` };
          if (typeof outcome.value !== "number" || !Number.isFinite(outcome.value))
            return { passed: false, detail: `probe returned ${String(outcome.value)}, not a number` };
          return trafficDetail(outcome.value, check.maxThroughput);
        }
        const base = windowBase.at < now.at ? windowBase : phaseStart;
        const s = this.stats(check.target ?? this.def.target, base, now);
        return trafficDetail(now.at > base.at ? s.throughput : null, check.maxThroughput);
      }
      case "error_budget": {
        const s = this.stats(check.target ?? this.def.target, this.budgetStart(phaseStart), now);
        return budgetDetail(s.errors, s.sampled, check.maxErrorRate, check.minCalls);
      }
      case "custom": {
        const fn = check.check;
        const outcome = await settle(() => fn(), this.def.probeTimeoutMs);
        if (!outcome.ok) return { passed: false, detail: `check ${outcome.error}` };
        return outcome.value === true
          ? { passed: true, detail: "check returned true" }
          : { passed: false, detail: `check returned ${String(outcome.value)}` };
      }
    }
  }

  /** The error budget counts from the first safety check on, i.e. from the start of the steady-state phase. */
  private budgetStart(fallback: Mark): Mark {
    if (this.firstMark === undefined) this.firstMark = fallback;
    return this.firstMark;
  }

  private ambientDescription(): string | null {
    const p = this.def.parameters;
    if (this.def.failureType === "RESOURCE_EXHAUSTION") {
      const parts: string[] = [];
      if (p.memoryMb > 0) parts.push(`${p.memoryMb} MB held`);
      if (p.cpuLoad > 0) parts.push(`${Math.round(p.cpuLoad * 100)} % of the main thread busy`);
      if (this.fault instanceof ResourceFault) parts.push(`released to ${this.fault.heldBytes} bytes`);
      return parts.join(", ");
    }
    if (this.def.failureType === "CIRCUIT_BREAKER_TRIP") return `${this.breaker?.name ?? "breaker"} forced open`;
    return null;
  }
}

function met(
  results: readonly HypothesisResult[],
  hypotheses: readonly ResolvedHypothesis[],
  phase: ExperimentPhase,
): boolean | null {
  if (!hypotheses.some((h) => h.phases.includes(phase))) return null;
  if (results.length === 0) return false;
  return results.every((r) => r.passed === true);
}

const PARAMETER_KEYS: Record<FailureType, readonly string[]> = {
  LATENCY_INJECTION: ["latencyMs", "jitterMs", "latencyProbability"],
  ERROR_INJECTION: ["errorRate", "error"],
  RESOURCE_EXHAUSTION: ["memoryMb", "cpuLoad", "cpuPeriodMs"],
  NETWORK_PARTITION: ["partitionProbability", "address"],
  DEPENDENCY_FAILURE: ["dependencyMode", "failureRate", "hangMs"],
  STATE_CORRUPTION: ["corruptionRate", "corrupt"],
  CIRCUIT_BREAKER_TRIP: ["breaker"],
};

/** The parameters that matter for `failureType`, as JSON-safe values: functions and breakers become labels. */
function jsonParameters(failureType: FailureType, params: Record<string, unknown>): Record<string, MetricValue | null> {
  const out: Record<string, MetricValue | null> = {};
  for (const key of PARAMETER_KEYS[failureType]) {
    const value = params[key];
    if (value === undefined) continue;
    if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") out[key] = value;
    else if (typeof value === "function") out[key] = "[function]";
    else if (key === "breaker") out[key] = (value as CircuitBreakerAdapter).name ?? "[breaker]";
    else out[key] = null;
  }
  return out;
}
