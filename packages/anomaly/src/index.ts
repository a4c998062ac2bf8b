export type {
  ActionThresholds,
  AnomalyDetector,
  AnomalyDetectorOptions,
  AnomalyResult,
  AnomalyType,
  AsyncAnomalyDetector,
  AsyncAnomalyDetectorOptions,
  RecommendedAction,
  RequestInfo,
  UserBehaviorProfile,
} from "./detector.js";
export { createAnomalyDetector } from "./detector.js";
export type { AnomalyErrorCode } from "./errors.js";
export { AnomalyError, isAnomalyError } from "./errors.js";
export type { MemoryProfileStore, MemoryProfileStoreOptions } from "./memory-store.js";
export { createMemoryProfileStore } from "./memory-store.js";
export { PROFILE_LAYOUT_VERSION, PROFILE_RECORD_BYTES, PROFILE_RECORD_LENGTH } from "./profile-record.js";
export type { Clock, SecurityEvent, SecurityEventSink, SecuritySeverity } from "./seams.js";
export type { AsyncProfileStore, ProfileMutator, ProfileStore } from "./store.js";
export type { StreamingDetector, StreamingDetectorOptions, StreamingResult, StreamingState } from "./streaming.js";
export { createStreamingDetector } from "./streaming.js";
