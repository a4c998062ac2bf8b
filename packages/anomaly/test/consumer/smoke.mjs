// Run by the consumer test in a fresh project where @athena/anomaly was installed from its npm tarball.
import {
  createAnomalyDetector,
  createMemoryProfileStore,
  createStreamingDetector,
  isAnomalyError,
} from "@athena/anomaly";
import { createRedisProfileStore } from "@athena/anomaly/redis";

let now = Date.UTC(2025, 0, 6, 9);
const events = [];
const detector = createAnomalyDetector({
  clock: { now: () => now },
  store: createMemoryProfileStore({ maxProfiles: 10 }),
  onSecurityEvent: (e) => events.push(e.type),
});
for (let i = 0; i < 400; i++) {
  now += 6_000;
  detector.analyzeRequest("alice");
}
let verdict;
for (let i = 0; i < 100; i++) {
  now += 600;
  verdict = detector.analyzeRequest("alice");
}
if (verdict.anomalyType !== "SUDDEN_SPIKE" || verdict.recommendedAction === "allow")
  throw new Error(`spike not flagged: ${JSON.stringify(verdict)}`);
if (!events.includes("RATE_LIMIT_EXCEEDED")) throw new Error("no RATE_LIMIT_EXCEEDED event");
try {
  detector.analyzeRequest("");
  throw new Error("empty id accepted");
} catch (error) {
  if (!isAnomalyError(error) || error.code !== "INVALID_REQUEST") throw error;
}
const series = createStreamingDetector({ minSamples: 5 });
for (let i = 0; i < 20; i++) series.update(10 + (i % 3), i);
if (!series.update(100, 20).isAnomalous) throw new Error("streaming spike not flagged");
if (typeof createRedisProfileStore !== "function") throw new Error("redis entry missing");
console.log("@athena/anomaly ok");
