// Type-checked by the consumer test against the published declarations of @athena/anomaly.
import {
  type AnomalyDetector,
  AnomalyError,
  type AnomalyErrorCode,
  type AnomalyResult,
  type AsyncAnomalyDetector,
  type AsyncProfileStore,
  createAnomalyDetector,
  createStreamingDetector,
  isAnomalyError,
  PROFILE_RECORD_BYTES,
  type RecommendedAction,
  type SecurityEvent,
  type UserBehaviorProfile,
} from "@athena/anomaly";
import { createRedisProfileStore, type RedisClientLike } from "@athena/anomaly/redis";

const code: AnomalyErrorCode = "INVALID_OPTIONS";
const error: AnomalyError = new AnomalyError(code, "typed");
export const recognised: boolean = isAnomalyError(error);

const sync: AnomalyDetector = createAnomalyDetector({ zScoreThreshold: 3, actionThresholds: { block: 0.99 } });
const result: AnomalyResult = sync.analyzeRequest("alice", { timestamp: Date.now(), endpoint: "/x" });
export const action: RecommendedAction = result.recommendedAction;
export const profile: UserBehaviorProfile | undefined = sync.getProfile("alice");

declare const client: RedisClientLike;
const store: AsyncProfileStore = createRedisProfileStore({ client, keyPrefix: "x:" });
const detector: AsyncAnomalyDetector = createAnomalyDetector({ store });
export const later: Promise<AnomalyResult> = detector.analyzeRequest("bob");
export const bytes: number = PROFILE_RECORD_BYTES;
export const score: number = createStreamingDetector().update(1, 0).score;
export const sink: (e: SecurityEvent) => void = (e) => console.log(e.type);
