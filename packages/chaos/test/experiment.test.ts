import { ConsecutiveBreaker, circuitBreaker, handleAll } from "cockatiel";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ChaosEngine,
  type ChaosEngineOptions,
  cockatielBreaker,
  createChaosEngine,
  type ExperimentResult,
  FAILURE_TYPES,
  type RollbackAction,
  type SecurityEvent,
} from "../src/index.js";
import { manualClock } from "./helpers/http.js";
import { type Load, startLoad } from "./helpers/load.js";

let engine: ChaosEngine;
let load: Load | undefined;

afterEach(async () => {
  await load?.stop();
  load = undefined;
  await engine?.dispose();
});

/** An engine with one wrapped async service under steady load. */
function service(options: ChaosEngineOptions = {}, work: () => Promise<unknown> = async () => ({ ok: true })) {
  engine = createChaosEngine(options);
  const call = engine.wrap("svc", work);
  load = startLoad(call);
  return call;
}

const quick = { steadyStateMs: 200, recoveryMs: 200 } as const;

function rollbackLog(log: string[], ...names: string[]): RollbackAction[] {
  return names.map((name) => ({
    name,
    execute: async () => {
      log.push(name);
    },
  }));
}

describe("phases and hypotheses", () => {
  it("checks hypotheses before, during (at ≥ 10 Hz by default) and after, and reports measured metrics", async () => {
    service();
    const result = await engine.startExperiment({
      name: "latency",
      target: "svc",
      failureType: "LATENCY_INJECTION",
      parameters: { latencyMs: 30 },
      durationMs: 800,
      ...quick,
      hypotheses: [
        { name: "p95 stays under 20 ms", metric: "latency_p95", condition: "less_than", value: 20 },
        { name: "no errors", metric: "error_rate", condition: "equals", value: 0 },
      ],
    });
    expect(result.status).toBe("completed");
    expect(result.deviated).toBe(true);
    expect(result.success).toBe(false);
    const [p95Before] = result.hypotheses.before;
    const [p95During, errorsDuring] = result.hypotheses.during;
    const [p95After] = result.hypotheses.after;
    expect(p95Before?.passed).toBe(true);
    expect(p95During?.passed).toBe(false);
    expect(errorsDuring?.passed).toBe(true);
    expect(p95After?.passed).toBe(true);
    // 800 ms at the default 100 ms cadence is 8 checks; allow a loaded machine to miss some.
    expect(p95During?.checks).toBeGreaterThanOrEqual(4);
    expect(p95During?.violations).toBe(p95During?.checks);
    expect(result.metrics.during.latencyP50).toBeGreaterThanOrEqual(29);
    expect(result.metrics.before.latencyP95).toBeLessThan(20);
    expect(result.metrics.during.calls).toBeGreaterThan(0);
    expect(result.metrics.during.throughput).toBeGreaterThan(0);
  });

  it("supports every condition and metric, including breaker state and custom probes", async () => {
    const policy = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(1000) });
    service({}, () => policy.execute(async () => "ok"));
    let probeValue = 5;
    const result = await engine.startExperiment({
      name: "all metrics",
      target: "svc",
      failureType: "ERROR_INJECTION",
      parameters: { errorRate: 0.5 },
      durationMs: 600,
      ...quick,
      breaker: cockatielBreaker(policy),
      hypotheses: [
        {
          name: "errors about half",
          metric: "error_rate",
          condition: "within_range",
          range: [0.2, 0.8],
          phases: ["during"],
        },
        { name: "p50 small", metric: "latency_p50", condition: "less_than", value: 100 },
        { name: "p99 small", metric: "latency_p99", condition: "less_than", value: 500 },
        { name: "traffic flows", metric: "throughput", condition: "greater_than", value: 1 },
        { name: "breaker closed", metric: "circuit_breaker_state", condition: "equals", value: "closed" },
        { name: "probe", metric: "custom", condition: "equals", value: 5, probe: async () => probeValue },
        { name: "probe range", metric: "custom", condition: "within_range", range: [1, 9], probe: () => probeValue },
      ],
    });
    probeValue = 0;
    expect(result.hypotheses.during.map((h) => [h.name, h.passed])).toEqual([
      ["errors about half", true],
      ["p50 small", true],
      ["p99 small", true],
      ["traffic flows", true],
      ["breaker closed", true],
      ["probe", true],
      ["probe range", true],
    ]);
    expect(result.success).toBe(true);
    const rate = result.metrics.during.errorRate ?? -1;
    expect(rate).toBeGreaterThan(0.2);
    expect(rate).toBeLessThan(0.8);
    expect(result.hypotheses.before.map((h) => h.name)).not.toContain("errors about half");
  });

  it("fails without arming when the steady state does not hold before the fault", async () => {
    service();
    const log: string[] = [];
    const result = await engine.startExperiment({
      name: "bad steady state",
      target: "svc",
      failureType: "ERROR_INJECTION",
      durationMs: 300,
      ...quick,
      hypotheses: [{ name: "impossible", metric: "throughput", condition: "less_than", value: 0 }],
      rollbackActions: rollbackLog(log, "undo"),
    });
    expect(result.status).toBe("failed");
    expect(result.faults.injected).toBe(0);
    expect(result.abortReason).toMatch(/steady state not met before the fault/);
    expect(result.timeline.map((e) => e.event)).not.toContain("fault_armed");
    expect(log).toEqual(["undo"]);
  });

  it("counts an 'eventually' hypothesis as met when one check passes", async () => {
    let calls = 0;
    service();
    const result = await engine.startExperiment({
      name: "eventually",
      target: "svc",
      failureType: "ERROR_INJECTION",
      parameters: { errorRate: 0 },
      durationMs: 500,
      ...quick,
      hypotheses: [
        {
          name: "third probe passes",
          metric: "custom",
          condition: "greater_than",
          value: 2,
          phases: ["during"],
          during: "eventually",
          probe: () => ++calls,
        },
      ],
    });
    expect(result.hypotheses.during[0]?.passed).toBe(true);
    expect(result.hypotheses.during[0]?.violations).toBe(2);
  });
});

describe("abort and safety", () => {
  it("a violated abortOnViolation hypothesis stops the run and disarms every fault at that instant", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 5, 10));
    engine = createChaosEngine({ clock });
    let served = 0;
    const call = engine.wrap("svc", async () => ++served);
    const log: string[] = [];
    let healthy = true;
    const running = engine.startExperiment({
      name: "abort",
      target: "svc",
      failureType: "LATENCY_INJECTION",
      parameters: { latencyMs: 60_000 },
      // The manual clock never advances: only the abort can end this experiment.
      durationMs: 1000,
      steadyStateMs: 0,
      recoveryMs: 0,
      checkIntervalMs: 10,
      hypotheses: [
        {
          name: "health",
          metric: "custom",
          condition: "equals",
          value: true,
          phases: ["during"],
          abortOnViolation: true,
          probe: () => healthy,
        },
      ],
      rollbackActions: rollbackLog(log, "restore"),
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const held = call();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(served).toBe(0);
    healthy = false;
    const result = await running;
    await expect(held).resolves.toBe(1);
    await expect(call()).resolves.toBe(2);
    expect(result.status).toBe("aborted");
    expect(result.aborted).toBe(true);
    expect(result.abortReason).toMatch(/hypothesis "health" was violated/);
    const aborted = result.timeline.find((e) => e.event === "experiment_aborted");
    const disarmed = result.timeline.find((e) => e.event === "fault_disarmed");
    expect(aborted?.at).toBe(disarmed?.at);
    expect(result.faults.disarmMs).not.toBeNull();
    expect(log).toEqual(["restore"]);
  });

  it("a failing safety check stops the experiment; a check that throws or hangs counts as failed", async () => {
    for (const check of [
      () => false,
      () => {
        throw new Error("probe down");
      },
      () => new Promise<boolean>(() => {}),
    ]) {
      service();
      let ticks = 0;
      const result = await engine.startExperiment({
        name: "safety",
        target: "svc",
        failureType: "ERROR_INJECTION",
        parameters: { errorRate: 0.1 },
        durationMs: 5000,
        steadyStateMs: 100,
        probeTimeoutMs: 50,
        safetyChecks: [{ name: "guard", check: () => (++ticks <= 2 ? true : check()) }],
      });
      expect(result.status).toBe("aborted");
      expect(result.abortReason).toMatch(/safety check "guard" failed during the fault/);
      expect(result.safetyChecks[0]?.passed).toBe(false);
      expect(result.durationMs).toBeLessThan(5000);
      await load?.stop();
      load = undefined;
      await engine.dispose();
    }
  });

  it("a failed safety check disarms at the instant it is seen (manual clock: same timestamp)", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 5, 10));
    engine = createChaosEngine({ clock });
    const call = engine.wrap("svc", async () => "ok");
    let allowed = true;
    const running = engine.startExperiment({
      name: "safety abort",
      target: "svc",
      failureType: "ERROR_INJECTION",
      durationMs: 1000,
      steadyStateMs: 0,
      recoveryMs: 0,
      checkIntervalMs: 10,
      safetyChecks: [{ name: "kill switch", check: () => allowed }],
    });
    await new Promise((resolve) => setTimeout(resolve, 40));
    await expect(call()).rejects.toThrow("Injected error");
    allowed = false;
    const result = await running;
    await expect(call()).resolves.toBe("ok");
    expect(result.status).toBe("aborted");
    const aborted = result.timeline.find((e) => e.event === "experiment_aborted");
    const disarmed = result.timeline.find((e) => e.event === "fault_disarmed");
    expect(aborted?.at).toBe(disarmed?.at);
    expect(result.timeline.indexOf(disarmed as never)).toBeLessThan(result.timeline.indexOf(aborted as never));
  });

  it("error_budget stops the experiment once the target's error rate exceeds the budget", async () => {
    service();
    const result = await engine.startExperiment({
      name: "budget",
      target: "svc",
      failureType: "ERROR_INJECTION",
      parameters: { errorRate: 0.5 },
      durationMs: 10_000,
      ...quick,
      safetyChecks: [{ name: "budget", type: "error_budget", maxErrorRate: 0.1, minCalls: 10 }],
    });
    expect(result.status).toBe("aborted");
    expect(result.abortReason).toMatch(/budget/);
    expect(result.safetyChecks[0]?.detail).toMatch(/exceeds budget 10 %/);
    expect(result.lessonsLearned.join(" ")).toMatch(/every fault was disarmed within/);
  });

  it("traffic_low refuses to start while traffic is above the limit, using the measured throughput", async () => {
    service();
    const result = await engine.startExperiment({
      name: "busy",
      target: "svc",
      failureType: "ERROR_INJECTION",
      durationMs: 300,
      ...quick,
      safetyChecks: [{ name: "quiet hours only", type: "traffic_low", maxThroughput: 1 }],
      hypotheses: [{ name: "some", metric: "error_rate", condition: "less_than", value: 1, phases: ["during"] }],
    });
    expect(result.status).toBe("aborted");
    expect(result.faults.injected).toBe(0);
    // Nothing ran during a fault, so nothing deviated and no during-phase verdict exists.
    expect(result.deviated).toBe(false);
    expect(result.hypotheses.during).toEqual([]);
    expect(result.safetyChecks[0]?.detail).toMatch(/^traffic \d+ calls\/s > 1\.0 calls\/s$/);
  });

  it("business_hours uses the engine's clock in the given time zone", async () => {
    // 2026-01-05 is a Monday. 08:30 UTC is 09:30 in Berlin (UTC+1) but 03:30 in New York.
    const clock = manualClock(Date.UTC(2026, 0, 5, 8, 30));
    engine = createChaosEngine({ clock, maxConcurrentExperiments: 2 });
    engine.wrap("svc", async () => 1);
    const base = { target: "svc", failureType: "ERROR_INJECTION", durationMs: 0, steadyStateMs: 0 } as const;
    const berlin = await engine.startExperiment({
      ...base,
      name: "berlin",
      safetyChecks: [{ name: "office", type: "business_hours", timeZone: "Europe/Berlin" }],
    });
    const newYork = await engine.startExperiment({
      ...base,
      name: "new york",
      safetyChecks: [{ name: "office", type: "business_hours", timeZone: "America/New_York" }],
    });
    expect(berlin.status).toBe("completed");
    expect(berlin.safetyChecks[0]?.detail).toBe(
      "Mon 09:30 in Europe/Berlin is inside 09:00–17:00 (Mon,Tue,Wed,Thu,Fri)",
    );
    expect(newYork.status).toBe("aborted");
    expect(newYork.safetyChecks[0]?.detail).toMatch(/^Mon 03:30 in America\/New_York is outside/);
  });
});

describe("rollbacks", () => {
  it("run on success, and one failing or hanging rollback does not stop the rest", async () => {
    service();
    const log: string[] = [];
    const result = await engine.startExperiment({
      name: "rollbacks",
      target: "svc",
      failureType: "ERROR_INJECTION",
      parameters: { errorRate: 0.2 },
      durationMs: 200,
      ...quick,
      rollbackTimeoutMs: 100,
      rollbackActions: [
        ...rollbackLog(log, "first"),
        {
          name: "broken",
          execute: () => {
            throw new Error("disk full");
          },
        },
        { name: "stuck", execute: () => new Promise<void>(() => {}) },
        ...rollbackLog(log, "last"),
      ],
    });
    expect(log).toEqual(["first", "last"]);
    expect(result.rollbacks.map((r) => [r.name, r.status])).toEqual([
      ["first", "succeeded"],
      ["broken", "failed"],
      ["stuck", "timed_out"],
      ["last", "succeeded"],
    ]);
    expect(result.rollbacks[1]?.error).toBe("disk full");
    expect(result.success).toBe(false);
    expect(result.lessonsLearned).toContain('Rollback "broken" failed (disk full); the other 3 still ran.');
  });

  it("run when the caller aborts (interrupted), when arming throws (exception) and on engine dispose", async () => {
    // Caller abort.
    service();
    let log: string[] = [];
    const controller = new AbortController();
    const interrupted = engine.startExperiment(
      {
        name: "interrupt",
        target: "svc",
        failureType: "ERROR_INJECTION",
        durationMs: 60_000,
        ...quick,
        rollbackActions: rollbackLog(log, "undo"),
      },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error("operator pressed stop")), 300);
    const r1 = await interrupted;
    expect(r1.status).toBe("interrupted");
    expect(r1.abortReason).toBe("the caller aborted: operator pressed stop");
    expect(log).toEqual(["undo"]);
    expect(r1.hypotheses.after).toEqual([]);

    // Exception while arming.
    log = [];
    const exploding = {
      state: () => "closed" as const,
      forceOpen: () => {
        throw new Error("breaker API changed");
      },
    };
    const r2 = await engine.startExperiment({
      name: "exception",
      target: "svc",
      failureType: "CIRCUIT_BREAKER_TRIP",
      parameters: { breaker: exploding },
      durationMs: 1000,
      steadyStateMs: 50,
      rollbackActions: rollbackLog(log, "undo"),
    });
    expect(r2.status).toBe("failed");
    expect(r2.abortReason).toBe("exception: breaker API changed");
    expect(r2.lessonsLearned.join("\n")).not.toMatch(/was held for/);
    expect(log).toEqual(["undo"]);

    // Engine dispose.
    log = [];
    const disposed = engine.startExperiment({
      name: "dispose",
      target: "svc",
      failureType: "ERROR_INJECTION",
      durationMs: 60_000,
      ...quick,
      rollbackActions: rollbackLog(log, "undo"),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await engine.dispose();
    const r3 = await disposed;
    expect(r3.status).toBe("interrupted");
    expect(r3.abortReason).toBe("the chaos engine was disposed");
    expect(log).toEqual(["undo"]);
  });
});

describe("limits, sharing and dry runs", () => {
  it("enforces maxConcurrentExperiments and refuses a second experiment on one target unless both allow it", async () => {
    engine = createChaosEngine({ maxConcurrentExperiments: 2 });
    engine.wrapObject("db", { async query() {}, async exec() {} });
    engine.wrap("cache", async () => {});
    const long = { failureType: "ERROR_INJECTION", durationMs: 60_000, steadyStateMs: 0, recoveryMs: 0 } as const;
    const a = engine.startExperiment({ ...long, name: "a", target: "db.query" });
    await expect(engine.startExperiment({ ...long, name: "b", target: "db" })).rejects.toMatchObject({
      code: "TARGET_BUSY",
    });
    const c = engine.startExperiment({ ...long, name: "c", target: "cache" });
    await expect(engine.startExperiment({ ...long, name: "d", target: "db.exec" })).rejects.toMatchObject({
      code: "CONCURRENCY_LIMIT",
    });
    expect(engine.running().map((r) => r.name)).toEqual(["a", "c"]);
    engine.abortAll("test over");
    await Promise.all([a, c]);

    const s1 = engine.startExperiment({ ...long, name: "s1", target: "db", allowSharedTarget: true });
    const s2 = engine.startExperiment({ ...long, name: "s2", target: "db.query", allowSharedTarget: true });
    expect(engine.running()).toHaveLength(2);
    engine.abortAll();
    expect((await s1).status).toBe("interrupted");
    expect((await s2).status).toBe("interrupted");
  });

  it("leaves the injection point idle again once the experiment is over", async () => {
    engine = createChaosEngine();
    const promise = Promise.resolve("same");
    const call = engine.wrap("svc", () => promise);
    const result = await engine.startExperiment({
      name: "short",
      target: "svc",
      failureType: "ERROR_INJECTION",
      durationMs: 50,
      steadyStateMs: 0,
      recoveryMs: 0,
    });
    expect(result.status).toBe("completed");
    expect(call()).toBe(promise);
    expect(engine.running()).toEqual([]);
  });

  it("validates definitions and targets before starting", async () => {
    engine = createChaosEngine();
    engine.wrap("svc", async () => 1);
    await expect(
      engine.startExperiment({ name: "x", target: "nope", failureType: "ERROR_INJECTION", durationMs: 1 }),
    ).rejects.toMatchObject({ code: "UNKNOWN_TARGET" });
    await expect(
      engine.startExperiment({
        name: "x",
        target: "svc",
        failureType: "ERROR_INJECTION",
        durationMs: 1,
        hypotheses: [{ name: "h", metric: "latency_p95", condition: "within_range" }],
      }),
    ).rejects.toThrow(/within_range needs range/);
    await expect(
      engine.startExperiment({
        name: "x",
        target: "svc",
        failureType: "ERROR_INJECTION",
        durationMs: 1,
        hypotheses: [{ name: "h", metric: "circuit_breaker_state", condition: "equals", value: "open" }],
      }),
    ).rejects.toThrow(/circuit_breaker_state needs a breaker/);
    await expect(
      engine.startExperiment({
        name: "x",
        target: "svc",
        failureType: "ERROR_INJECTION",
        durationMs: 1,
        safetyChecks: [{ name: "tz", type: "business_hours", timeZone: "Mars/Olympus" }],
      }),
    ).rejects.toThrow(/unknown time zone/);
    await expect(
      engine.startExperiment(
        { name: "x", target: "svc", failureType: "ERROR_INJECTION", durationMs: 1 },
        { signal: AbortSignal.abort() },
      ),
    ).rejects.toMatchObject({ code: "ABORTED" });
  });

  it("a dry run observes and checks but never arms a fault or runs rollbacks", async () => {
    service({ dryRun: true });
    const log: string[] = [];
    const result = await engine.startExperiment({
      name: "dry",
      target: "svc",
      failureType: "ERROR_INJECTION",
      durationMs: 300,
      ...quick,
      hypotheses: [{ name: "no errors", metric: "error_rate", condition: "less_than", value: 0.01 }],
      rollbackActions: rollbackLog(log, "undo"),
    });
    expect(result.dryRun).toBe(true);
    expect(result.success).toBe(true);
    expect(result.faults.injected).toBe(0);
    expect(result.metrics.during.errors).toBe(0);
    expect(result.metrics.during.calls).toBeGreaterThan(0);
    expect(log).toEqual([]);
    expect(result.rollbacks).toEqual([{ name: "undo", status: "skipped", durationMs: 0, error: "dry run" }]);
    expect(result.lessonsLearned[0]).toMatch(/^Dry run: no fault was armed on svc/);
  });

  it.each(FAILURE_TYPES)("runs a %s experiment end to end", async (failureType) => {
    const policy = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(1000) });
    service({ maxMemoryMb: 16 }, async () => ({ value: 1, list: [1, 2] }));
    const result: ExperimentResult = await engine.startExperiment({
      name: failureType,
      target: "svc",
      failureType,
      parameters: {
        latencyMs: 5,
        memoryMb: 8,
        dependencyMode: "fail",
        breaker: cockatielBreaker(policy),
      },
      durationMs: 200,
      steadyStateMs: 100,
      recoveryMs: 100,
    });
    expect(result.status).toBe("completed");
    expect(result.faults.injected).toBeGreaterThan(0);
    expect(result.timeline.map((e) => e.event)).toEqual(
      expect.arrayContaining(["experiment_started", "fault_armed", "fault_disarmed", "experiment_ended"]),
    );
    expect(result.lessonsLearned[0]).toContain(failureType);
    expect(policy.state).toBe(0);
    if (failureType === "CIRCUIT_BREAKER_TRIP")
      expect(result.lessonsLearned.join("\n")).toMatch(/was forced open when the fault was armed and closed again/);
  });
});

describe("journal, lessons and events", () => {
  it("writes a Chaos-Toolkit-style JSON journal that round-trips", async () => {
    const events: SecurityEvent[] = [];
    service({ onSecurityEvent: (event) => events.push(event) });
    const log: string[] = [];
    const result = await engine.startExperiment({
      name: "journal",
      target: "svc",
      failureType: "ERROR_INJECTION",
      parameters: { errorRate: 0.3, error: 503 },
      durationMs: 300,
      ...quick,
      hypotheses: [{ name: "errors under 50 %", metric: "error_rate", condition: "less_than", value: 0.5 }],
      rollbackActions: rollbackLog(log, "undo"),
    });
    const journal = JSON.parse(JSON.stringify(result.journal)) as typeof result.journal;
    expect(journal).toEqual(result.journal);
    expect(journal.format).toBe("athena.chaos.journal/1");
    expect(journal.status).toBe(result.status);
    expect(journal.deviated).toBe(result.deviated);
    expect(journal.experiment.parameters).toEqual({ errorRate: 0.3, error: 503 });
    expect(journal.metricsByTarget.svc).toEqual(journal.metrics);
    expect(journal.steadyStates.before.steadyStateMet).toBe(true);
    expect(journal.steadyStates.during.probes[0]?.checks).toBeGreaterThan(0);
    expect(journal.rollbacks[0]?.status).toBe("succeeded");
    expect(Date.parse(journal.end) - Date.parse(journal.start)).toBe(journal.durationMs);
    const order = journal.run.map((e) => e.event);
    expect(order.indexOf("fault_armed")).toBeLessThan(order.indexOf("fault_disarmed"));
    expect(order.indexOf("fault_disarmed")).toBeLessThan(order.indexOf("rollback_succeeded"));
    expect(order.indexOf("rollback_succeeded")).toBeLessThan(order.indexOf("steady_state_after"));
    expect(events.map((e) => e.type)).toEqual(["CHAOS_EXPERIMENT_STARTED", "CHAOS_EXPERIMENT_ENDED"]);
    expect(events[0]?.source).toBe("@athena/chaos");
  });

  it("derives lessons from the measured numbers, not canned text", async () => {
    const texts: string[] = [];
    for (const latencyMs of [25, 60]) {
      service();
      const result = await engine.startExperiment({
        name: `latency ${latencyMs}`,
        target: "svc",
        failureType: "LATENCY_INJECTION",
        parameters: { latencyMs },
        durationMs: 400,
        ...quick,
      });
      const p95 = result.metrics.during.latencyP95 ?? 0;
      expect(p95).toBeGreaterThanOrEqual(latencyMs - 1);
      const lesson = result.lessonsLearned.find((l) => l.startsWith("p95 latency of svc rose"));
      expect(lesson).toContain(`to ${Math.round(p95)} ms during it`);
      expect(lesson).toMatch(/and was back to [\d.]+ ms after rollback\.$/);
      texts.push(lesson ?? "");
      await load?.stop();
      load = undefined;
      await engine.dispose();
    }
    expect(texts[0]).not.toBe(texts[1]);
  });

  it("reports after how many failures the breaker opened", async () => {
    const policy = circuitBreaker(handleAll, { halfOpenAfter: 150, breaker: new ConsecutiveBreaker(7) });
    engine = createChaosEngine();
    const call = engine.wrap("svc", async () => "ok");
    load = startLoad(() => policy.execute(() => call()), { gapMs: 5, concurrency: 1 });
    const result = await engine.startExperiment({
      name: "breaker",
      target: "svc",
      failureType: "ERROR_INJECTION",
      durationMs: 500,
      steadyStateMs: 150,
      recoveryMs: 400,
      breaker: cockatielBreaker(policy, "the svc breaker"),
      hypotheses: [
        {
          name: "breaker opens",
          metric: "circuit_breaker_state",
          condition: "equals",
          value: "open",
          phases: ["during"],
          during: "eventually",
        },
        { name: "recovers", metric: "error_rate", condition: "less_than", value: 0.05, phases: ["after"] },
      ],
    });
    expect(result.success).toBe(true);
    const lesson = result.lessonsLearned.find((l) => l.startsWith("The svc breaker opened after"));
    expect(lesson).toMatch(/^The svc breaker opened after 7 failures \(7 calls\), \d+ ms after the fault was armed/);
    expect(result.lessonsLearned.join(" ")).toMatch(/Error rate of svc rose from 0 % to 100 %/);
  });
});
