// Run by the consumer test in a fresh project where @athena/chaos was installed from its npm tarball.
import { ChaosError, createChaosEngine, FAILURE_TYPES, isChaosError, isInjectedFault } from "@athena/chaos";

const engine = createChaosEngine({ seed: 3 });
const add = engine.wrap("math", async (a, b) => a + b);
if ((await add(1, 2)) !== 3) throw new Error("idle wrap changed the result");
const fault = engine.inject({ target: "math", failureType: "ERROR_INJECTION", parameters: { error: 503 } });
const error = await add(1, 2).catch((e) => e);
if (!isInjectedFault(error) || error.status !== 503) throw new Error("injected error missing");
fault.disarm();
const result = await engine.startExperiment({
  name: "smoke",
  target: "math",
  failureType: "STATE_CORRUPTION",
  parameters: { corrupt: "negate_numbers" },
  durationMs: 20,
  steadyStateMs: 0,
});
if (result.status !== "completed" || JSON.parse(JSON.stringify(result.journal)).status !== "completed")
  throw new Error("experiment did not complete");
await engine.dispose();
try {
  engine.wrap("x", async () => 1);
  throw new Error("disposed engine accepted work");
} catch (e) {
  if (!isChaosError(e) || e.code !== "DISPOSED" || !(e instanceof ChaosError)) throw e;
}
if (FAILURE_TYPES.length !== 7) throw new Error("failure types missing");
console.log("@athena/chaos ok");
