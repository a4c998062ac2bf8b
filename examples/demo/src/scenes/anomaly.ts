import { createAnomalyDetector, type SecurityEvent } from "@athena/anomaly";
import type { Scene } from "../scene.js";

/**
 * @athena/anomaly in a few lines: forty quiet minutes build alice's baseline (event time, so it takes milliseconds),
 * then she sends ten times her usual rate; the detector must flag a SUDDEN_SPIKE, recommend throttling or blocking,
 * and emit a RATE_LIMIT_EXCEEDED event.
 */
export const scene: Scene = {
  name: "@athena/anomaly",
  async run() {
    let now = Date.UTC(2025, 0, 6, 9);
    const events: SecurityEvent[] = [];
    const detector = createAnomalyDetector({ clock: { now: () => now }, onSecurityEvent: (e) => events.push(e) });
    for (let i = 0; i < 400; i++) {
      now += 6_000; // 10 requests a minute for 40 minutes
      detector.analyzeRequest("alice", { endpoint: "/api/orders", requestSize: 800 });
    }
    const baseline = detector.getProfile("alice");
    let verdict = detector.analyzeRequest("alice");
    for (let i = 0; i < 100; i++) {
      now += 600; // now 100 requests a minute
      verdict = detector.analyzeRequest("alice", { endpoint: "/api/orders", requestSize: 800 });
    }
    const ok =
      verdict.anomalyType === "SUDDEN_SPIKE" &&
      (verdict.recommendedAction === "throttle" || verdict.recommendedAction === "block") &&
      events.some((e) => e.type === "RATE_LIMIT_EXCEEDED");
    detector.dispose();
    return {
      ok,
      lines: [
        `baseline after 40 min: ${baseline?.meanRate.toFixed(1)} req/min over ${baseline?.samples} active minutes`,
        `then ${verdict.currentRate.toFixed(0)} req/min → ${verdict.anomalyType}, ${verdict.recommendedAction} (confidence ${verdict.confidence.toFixed(2)}, risk ${verdict.riskScore.toFixed(2)})`,
        `reason: ${verdict.reasons[0] ?? "none"}`,
        `security events: ${[...new Set(events.map((e) => e.type))].join(", ")}`,
      ],
    };
  },
};
