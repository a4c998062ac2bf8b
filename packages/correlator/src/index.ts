export type {
  AddEventOutcome,
  CorrelatorEvents,
  CorrelatorOptions,
  CorrelatorStats,
  PatternSummary,
  SecurityEventCorrelator,
  Subscription,
  ThreatChange,
  ThreatQuery,
} from "./correlator.js";
export { createSecurityEventCorrelator } from "./correlator.js";
export type { CorrelatorErrorCode } from "./errors.js";
export { CorrelatorError, isCorrelatorError } from "./errors.js";
export type {
  Clock,
  SecurityEvent,
  SecurityEventInput,
  SecurityEventSink,
  SecurityEventType,
  SecuritySeverity,
} from "./event.js";
export { SECURITY_EVENT_TYPES } from "./event.js";
export type { EventFilter, FieldCondition, FieldOperators, FieldPath, FieldValue } from "./filter.js";
export type {
  CorrelationPattern,
  DefaultPatternOptions,
  DistinctPattern,
  PatternBase,
  PatternOutput,
  SequencePattern,
  SequenceStep,
  ThresholdPattern,
} from "./patterns.js";
export { createDefaultPatterns } from "./patterns.js";
export { groupKeyOf, shardForKey } from "./sharding.js";
export type { SigmaLoadOptions } from "./sigma.js";
export { loadSigmaRules } from "./sigma.js";
export type { CorrelatorSnapshot } from "./snapshot.js";
export type {
  ConfidenceFactors,
  CorrelatedThreat,
  IndicatorOfCompromise,
  ThreatStatus,
  ThreatTimelineEntry,
} from "./threats.js";
export { THREAT_STATUSES, THREAT_TRANSITIONS } from "./threats.js";
