/** `npm start -w @athena-examples/chaos-breaker`: runs the experiment and prints its result. */
import { runBreakerExperiment } from "./experiment.js";

const { result, serviceRequests, storefrontCalls } = await runBreakerExperiment();
console.log(`${result.name}: ${result.status}, success=${result.success}`);
console.log(`storefront made ${storefrontCalls} calls; the real service answered ${serviceRequests}`);
for (const phase of ["before", "during", "after"] as const) {
  for (const h of result.hypotheses[phase])
    console.log(`  [${phase}] ${h.name}: ${h.passed ? "held" : "did not hold"}`);
}
console.log("lessons learned:");
for (const lesson of result.lessonsLearned) console.log(`  - ${lesson}`);
console.log("journal:", JSON.stringify(result.journal).length, "bytes of JSON");
process.exitCode = result.success ? 0 : 1;
