// Type-checked by the consumer test against the published declarations of @athena/correlator.
import {
  type CorrelatedThreat,
  type CorrelationPattern,
  CorrelatorError,
  type CorrelatorErrorCode,
  type CorrelatorSnapshot,
  createDefaultPatterns,
  createSecurityEventCorrelator,
  type EventFilter,
  isCorrelatorError,
  loadSigmaRules,
  type SecurityEvent,
  type SecurityEventCorrelator,
  type SecurityEventSink,
  type ThreatStatus,
} from "@athena/correlator";

const code: CorrelatorErrorCode = "INVALID_OPTIONS";
const error: CorrelatorError = new CorrelatorError(code, "typed");
export const recognised: boolean = isCorrelatorError(error);

const failures: EventFilter = { type: "AUTHENTICATION_FAILURE", where: { ipAddress: { cidr: "10.0.0.0/8" } } };
const patterns: CorrelationPattern[] = [
  ...createDefaultPatterns({ minEventsForThreat: 3 }),
  { id: "internal-failures", kind: "threshold", groupBy: "ipAddress", filter: failures, threshold: 10 },
  ...loadSigmaRules("title: t\ncorrelation: { type: temporal, rules: [a, b], timespan: 1m }\n", {
    baseRules: { a: { type: "A" }, b: { type: "B" } },
  }),
];
const correlator: SecurityEventCorrelator = createSecurityEventCorrelator({ patterns, allowedLatenessMs: 1_000 });
const sink: SecurityEventSink = (event: SecurityEvent) => {
  correlator.addEvent(event);
};
sink({ type: "A", source: "types", severity: "low", timestamp: 0 });
const subscription = correlator.on("threat_detected", (threat: CorrelatedThreat) => {
  const status: ThreatStatus = threat.status;
  correlator.updateThreatStatus(threat.id, status === "open" ? "investigating" : "resolved", "triage");
});
subscription.dispose();
export const snapshot: CorrelatorSnapshot = correlator.snapshot();
