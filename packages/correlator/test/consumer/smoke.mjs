// Run by the consumer test in a fresh project where @athena/correlator was installed from its npm tarball.
import {
  createSecurityEventCorrelator,
  isCorrelatorError,
  loadSigmaRules,
  SECURITY_EVENT_TYPES,
  shardForKey,
} from "@athena/correlator";

const t0 = Date.UTC(2025, 0, 1);
const correlator = createSecurityEventCorrelator({ minEventsForThreat: 3, clock: { now: () => t0 } });
const threats = [];
correlator.on("threat_detected", (threat) => threats.push(threat));
for (let i = 0; i < 3; i++) {
  correlator.addEvent({
    type: "PROMPT_INJECTION_ATTEMPT",
    source: "smoke",
    severity: "high",
    userId: "m",
    timestamp: t0 + i,
  });
}
if (threats.length !== 1 || threats[0].type !== "PROMPT_INJECTION_CAMPAIGN") throw new Error("no campaign detected");
if (!(threats[0].confidence > 0 && threats[0].confidence < 1)) throw new Error("confidence out of range");

// YAML parsing (the yaml dependency) works from the installed package.
const patterns = loadSigmaRules(
  "title: t\nname: t\ncorrelation: { type: event_count, rules: [r], group-by: [userId], timespan: 1m, condition: { gte: 2 } }\n",
  { baseRules: { r: { type: "X" } } },
);
const sigma = createSecurityEventCorrelator({ patterns });
sigma.addEvent({ type: "X", source: "s", severity: "low", userId: "u", timestamp: t0 });
sigma.addEvent({ type: "X", source: "s", severity: "low", userId: "u", timestamp: t0 + 1 });
if (sigma.getThreats().length !== 1) throw new Error("Sigma rule did not fire");

const restored = createSecurityEventCorrelator({ minEventsForThreat: 3 });
restored.restore(JSON.parse(JSON.stringify(correlator.snapshot())));
if (restored.getThreats()[0]?.id !== threats[0].id) throw new Error("snapshot did not round-trip");

let code;
try {
  correlator.addEvent({ type: "", source: "s", severity: "low", timestamp: t0 });
} catch (error) {
  code = isCorrelatorError(error) ? error.code : "other";
}
if (code !== "INVALID_EVENT") throw new Error("invalid event not refused");
if (SECURITY_EVENT_TYPES.length < 13 || shardForKey("k", 4) > 3) throw new Error("helpers broken");
console.log("@athena/correlator ok");
