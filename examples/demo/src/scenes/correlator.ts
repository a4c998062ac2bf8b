import {
  type CorrelatedThreat,
  createDefaultPatterns,
  createSecurityEventCorrelator,
  loadSigmaRules,
} from "@athena/correlator";
import type { Scene } from "../scene.js";

/**
 * @athena/correlator in a few lines: the default patterns plus one Sigma rule, fed in event time. One address fails as
 * 20 different users in four minutes (Credential Stuffing), a user goes from a prompt injection to a sandbox
 * violation to a data access violation (Multi-Stage Intrusion), and the Sigma rule sees three sandbox violations in
 * one session. All three threats must be found, with confidence computed from their evidence.
 */
export const scene: Scene = {
  name: "@athena/correlator",
  async run() {
    const t0 = Date.UTC(2025, 0, 6, 9);
    const sigma = loadSigmaRules(
      `
title: Repeated sandbox escapes
name: sandbox_escapes
correlation: { type: event_count, rules: [violation], group-by: [sessionId], timespan: 1m, condition: { gte: 3 } }
level: high
`,
      { baseRules: { violation: { type: "SANDBOX_VIOLATION" } } },
    );
    const correlator = createSecurityEventCorrelator({
      clock: { now: () => t0 },
      patterns: [...createDefaultPatterns(), ...sigma],
    });
    const threats: CorrelatedThreat[] = [];
    correlator.on("threat_detected", (threat) => threats.push(threat));

    for (let i = 0; i < 20; i++) {
      correlator.addEvent({
        type: "AUTHENTICATION_FAILURE",
        source: "gateway",
        severity: "medium",
        ipAddress: "203.0.113.66",
        userId: `user${i}@example.com`,
        timestamp: t0 + i * 12_000,
      });
    }
    // mallory's session, in event-time order: an injection, three sandbox violations, a data access violation
    const session: [string, number][] = [
      ["PROMPT_INJECTION_ATTEMPT", 300_000],
      ["SANDBOX_VIOLATION", 360_000],
      ["SANDBOX_VIOLATION", 370_000],
      ["SANDBOX_VIOLATION", 380_000],
      ["DATA_ACCESS_VIOLATION", 420_000],
    ];
    for (const [type, at] of session) {
      correlator.addEvent({
        type,
        source: "@athena/sandbox-wasm",
        severity: type === "DATA_ACCESS_VIOLATION" ? "critical" : "high",
        userId: "mallory",
        sessionId: "s-42",
        timestamp: t0 + at,
      });
    }

    const types = threats.map((t) => t.type).sort();
    const ok =
      JSON.stringify(types) ===
        JSON.stringify(["CREDENTIAL_STUFFING", "MULTI_STAGE_INTRUSION", "REPEATED_SANDBOX_ESCAPES"]) &&
      threats.every((t) => t.confidence > 0 && t.confidence < 1);
    const stats = correlator.stats();
    correlator.dispose();
    return {
      ok,
      lines: [
        ...threats.map(
          (t) =>
            `${t.type} for ${t.groupBy.join("+")} ${t.groupKey}: ${t.eventCount} events, confidence ${t.confidence}, severity ${t.severity}`,
        ),
        `${stats.eventsProcessed} events, ${stats.keysTracked} keys tracked, first action: ${threats[0]?.recommendedActions[0] ?? "-"}`,
      ],
    };
  },
};
