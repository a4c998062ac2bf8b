export type { CockatielBreakerLike, OpossumBreakerLike } from "./breakers.js";
export { cockatielBreaker, opossumBreaker } from "./breakers.js";
export type {
  ChaosEngine,
  ChaosEngineOptions,
  InjectedFault,
  InjectOptions,
  RunningExperiment,
  WrapObjectOptions,
} from "./engine.js";
export { createChaosEngine, FAILURE_TYPES } from "./engine.js";
export type { ChaosErrorCode } from "./errors.js";
export { ChaosError, isChaosError } from "./errors.js";
export { isInjectedFault } from "./faults.js";
export type {
  BusinessHoursCheck,
  CircuitBreakerAdapter,
  CircuitBreakerState,
  Clock,
  CorruptFunction,
  CorruptionRule,
  CustomSafetyCheck,
  ErrorBudgetCheck,
  ExperimentDefinition,
  ExperimentJournal,
  ExperimentPhase,
  ExperimentResult,
  ExperimentStatus,
  FailureType,
  FaultParameters,
  Hypothesis,
  HypothesisCondition,
  HypothesisResult,
  MetricName,
  MetricValue,
  PhaseMetrics,
  Probe,
  RollbackAction,
  RollbackResult,
  SafetyCheck,
  SafetyCheckResult,
  SecurityEvent,
  SecurityEventSink,
  SecuritySeverity,
  StartExperimentOptions,
  TimelineEntry,
  TrafficLowCheck,
} from "./types.js";
