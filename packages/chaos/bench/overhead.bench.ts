/**
 * Per-call overhead of injection points on an awaited async no-op, next to a direct call, cockatiel's circuit
 * breaker and opossum in the same run. Each iteration makes 1,000 awaited calls, so per-call time = mean / 1000.
 *
 * npm run bench -w @athena/chaos
 */
import { ConsecutiveBreaker, circuitBreaker, handleAll } from "cockatiel";
import CircuitBreaker from "opossum";
import { afterAll, bench, describe } from "vitest";
import { createChaosEngine } from "../src/index.js";

const CALLS = 1000;
const noop = async (): Promise<number> => 1;
const reject = async (): Promise<number> => {
  throw new Error("x");
};

const engine = createChaosEngine({ seed: 1, maxConcurrentExperiments: 4 });
const idle = engine.wrap("idle", noop);
const armed = engine.wrap("armed", noop);
const observed = engine.wrap("observed", noop);
const firing = engine.wrap("firing", noop);
const client = engine.wrapObject("client", { noop });

// Armed, not firing: the fault draws from its PRNG on every call and (practically) never fires.
engine.inject({ target: "armed", failureType: "ERROR_INJECTION", parameters: { errorRate: 1e-12 } });
engine.inject({ target: "firing", failureType: "ERROR_INJECTION", parameters: { errorRate: 1 } });
// Armed, not firing, inside a running experiment: calls are also counted and sampled for its metrics.
const experiment = engine.startExperiment({
  name: "bench",
  target: "observed",
  failureType: "ERROR_INJECTION",
  parameters: { errorRate: 1e-12 },
  durationMs: 3_600_000,
  steadyStateMs: 0,
  recoveryMs: 0,
  hypotheses: [{ name: "errors", metric: "error_rate", condition: "less_than", value: 1, phases: ["during"] }],
});

const policy = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(1_000_000) });
const opossum = new CircuitBreaker(noop, { timeout: false, resetTimeout: 10_000 });

function proxied<F extends (...args: never[]) => unknown>(fn: F): F {
  const state = { armed: false };
  return new Proxy(fn, {
    apply(target, thisArg, args) {
      if (state.armed) throw new Error("never");
      return Reflect.apply(target, thisArg, args);
    },
  });
}
const viaProxy = proxied(noop);
const viaAwait = async (): Promise<number> => await noop();

afterAll(async () => {
  engine.abortAll("benchmark over");
  await experiment;
  await engine.dispose();
  opossum.shutdown();
});

const options = { time: 1500, warmupTime: 300 };

describe("awaited async no-op, 1,000 calls per iteration", () => {
  bench(
    "direct call (baseline)",
    async () => {
      for (let i = 0; i < CALLS; i++) await noop();
    },
    options,
  );
  bench(
    "wrap, idle",
    async () => {
      for (let i = 0; i < CALLS; i++) await idle();
    },
    options,
  );
  bench(
    "wrapObject method, idle",
    async () => {
      for (let i = 0; i < CALLS; i++) await client.noop();
    },
    options,
  );
  bench(
    "wrap, armed not firing",
    async () => {
      for (let i = 0; i < CALLS; i++) await armed();
    },
    options,
  );
  bench(
    "wrap, armed not firing, observed by an experiment",
    async () => {
      for (let i = 0; i < CALLS; i++) await observed();
    },
    options,
  );
  bench(
    "reference: Proxy apply trap",
    async () => {
      for (let i = 0; i < CALLS; i++) await viaProxy();
    },
    options,
  );
  bench(
    "reference: extra await",
    async () => {
      for (let i = 0; i < CALLS; i++) await viaAwait();
    },
    options,
  );
  bench(
    "cockatiel circuit breaker (closed)",
    async () => {
      for (let i = 0; i < CALLS; i++) await policy.execute(noop);
    },
    options,
  );
  bench(
    "opossum circuit breaker (closed)",
    async () => {
      for (let i = 0; i < CALLS; i++) await opossum.fire();
    },
    options,
  );
  bench(
    "direct call again (baseline, measured last)",
    async () => {
      for (let i = 0; i < CALLS; i++) await noop();
    },
    options,
  );
});

describe("firing: a rejected call, caught, 1,000 calls per iteration", () => {
  bench(
    "direct call that rejects (baseline)",
    async () => {
      for (let i = 0; i < CALLS; i++) await reject().catch(() => 0);
    },
    options,
  );
  bench(
    "wrap, ERROR_INJECTION firing on every call",
    async () => {
      for (let i = 0; i < CALLS; i++) await firing().catch(() => 0);
    },
    options,
  );
});
