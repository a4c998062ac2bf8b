// Type-checked by the consumer test against the published declarations of @athena/chaos.
import {
  type ChaosEngine,
  ChaosError,
  type ChaosErrorCode,
  type CircuitBreakerAdapter,
  cockatielBreaker,
  createChaosEngine,
  type ExperimentDefinition,
  type ExperimentResult,
  isChaosError,
  opossumBreaker,
} from "@athena/chaos";

const code: ChaosErrorCode = "TARGET_BUSY";
const error: ChaosError = new ChaosError(code, "typed");
export const recognised: boolean = isChaosError(error);

const engine: ChaosEngine = createChaosEngine({ seed: 1, maxConcurrentExperiments: 2 });
const getUser = engine.wrap("users", async (id: string) => ({ id }));
export const user: Promise<{ id: string }> = getUser("1");
const breaker: CircuitBreakerAdapter = cockatielBreaker({
  state: 0,
  isolate: () => ({ dispose() {} }),
  onStateChange: () => ({ dispose() {} }),
});
export const other: CircuitBreakerAdapter = opossumBreaker({
  opened: false,
  halfOpen: false,
  open() {},
  close() {},
  on() {},
  removeListener() {},
});
const definition: ExperimentDefinition = {
  name: "typed",
  target: "users",
  failureType: "CIRCUIT_BREAKER_TRIP",
  parameters: { breaker },
  durationMs: 100,
  hypotheses: [{ name: "open", metric: "circuit_breaker_state", condition: "equals", value: "open" }],
  safetyChecks: [{ name: "office", type: "business_hours", timeZone: "Europe/Berlin" }],
  rollbackActions: [{ name: "noop", execute: async () => {} }],
};
export const result: Promise<ExperimentResult> = engine.startExperiment(definition);
