/**
 * The experiment: make the inventory service fail (HTTP 503 on every call) below the breaker, and check the
 * hypothesis "the breaker opens, and the error rate recovers after rollback".
 */
import { cockatielBreaker, createChaosEngine, type ExperimentResult } from "@athena/chaos";
import { createStorefront } from "./client.js";
import { startInventoryService } from "./service.js";

export interface BreakerExperimentOutcome {
  result: ExperimentResult;
  /** Requests the real service answered. */
  serviceRequests: number;
  /** Calls the storefront made. */
  storefrontCalls: number;
}

/** Runs the whole example: service, client under load, experiment. Takes about `2 × steadyStateMs + durationMs`. */
export async function runBreakerExperiment({
  durationMs = 1500,
  steadyStateMs = 800,
  failuresToOpen = 5,
} = {}): Promise<BreakerExperimentOutcome> {
  const service = await startInventoryService();
  const engine = createChaosEngine({ seed: 2026 });
  const storefront = createStorefront(engine, service.url, { failuresToOpen });

  // Steady traffic: one call every ~5 ms, as a busy page would make.
  let running = true;
  let storefrontCalls = 0;
  const traffic = (async () => {
    const skus = ["apple", "pear", "fig", "plum"];
    while (running) {
      await storefront.stockOf(skus[storefrontCalls++ % skus.length] ?? "apple").catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();

  try {
    const result = await engine.startExperiment({
      name: "inventory outage trips the storefront breaker",
      target: "inventory",
      failureType: "ERROR_INJECTION",
      parameters: { errorRate: 1, error: 503 },
      durationMs,
      steadyStateMs,
      recoveryMs: steadyStateMs,
      breaker: cockatielBreaker(storefront.breaker, "the storefront breaker"),
      hypotheses: [
        {
          name: "storefront errors stay under 5 % in steady state",
          metric: "error_rate",
          target: "storefront",
          condition: "less_than",
          value: 0.05,
          phases: ["before", "after"],
        },
        {
          name: "the breaker opens",
          metric: "circuit_breaker_state",
          condition: "equals",
          value: "open",
          phases: ["during"],
          during: "eventually",
        },
      ],
      rollbackActions: [
        {
          name: "close the breaker so traffic resumes at once",
          // Isolating then releasing a cockatiel breaker leaves it closed.
          execute: () => storefront.breaker.isolate().dispose(),
        },
      ],
    });
    return { result, serviceRequests: service.requests, storefrontCalls };
  } finally {
    running = false;
    await traffic;
    await engine.dispose();
    await service.close();
  }
}
