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
export { createChaosEngine } from "./engine.js";
export type { ChaosErrorCode } from "./errors.js";
export { ChaosError, isChaosError } from "./errors.js";
export { FAILURE_TYPES } from "./failure-types.js";
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
  ExperimentMetrics,
  ExperimentPhase,
  ExperimentResult,
  ExperimentStatus,
  FailureType,
  FaultParameters,
  FaultStats,
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
  SteadyStateRecord,
  TimelineEntry,
  TrafficLowCheck,
} from "./types.js";
