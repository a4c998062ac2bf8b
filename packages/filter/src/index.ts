export type { DetectionSource, SensitiveCategory, SensitiveTypeInfo } from "./catalog.js";
export { listSensitiveTypes } from "./catalog.js";
export type { ResultCompressor, TruncateResult } from "./compressor.js";
export { createResultCompressor } from "./compressor.js";
export type { SensitiveFieldDetector, TextMatch } from "./detector.js";
export { createSensitiveFieldDetector } from "./detector.js";
export type { FilterErrorCode } from "./errors.js";
export { FilterError, isFilterError } from "./errors.js";
export type {
  DataTokenizerOptions,
  DetectionOptions,
  FilterPipelineOptions,
  ResultCompressorOptions,
  SensitiveFieldDetectorOptions,
  TokenVaultOptions,
} from "./options.js";
export type { FilterPipeline, FilterPosition } from "./pipeline.js";
export { createFilterPipeline } from "./pipeline.js";
export type { DataTokenizer } from "./tokenizer.js";
export { createDataTokenizer } from "./tokenizer.js";
export type {
  ActionSetting,
  DataFilter,
  FilterAction,
  FilterContext,
  FilterFinding,
  FilterNote,
  FilterNoteKind,
  FilterResult,
  TokenValue,
  TokenVault,
} from "./types.js";
export { createTokenVault } from "./vault.js";
