export { INSTRUCTION_GRANULARITY } from "./engine.js";
export type { SandboxErrorCode } from "./errors.js";
export { isSandboxError, SandboxError } from "./errors.js";
export type { Clock, ExecuteOptions, Session, WasmSandboxOptions } from "./options.js";
export type { SandboxPool, SandboxPoolOptions } from "./pool.js";
export { createSandboxPool } from "./pool.js";
export type { SessionOptions, WasmSandbox } from "./sandbox.js";
export { createWasmSandbox } from "./sandbox.js";
export type {
  ExecutionError,
  ExecutionErrorKind,
  ExecutionMetrics,
  ExecutionResult,
  FilterFinding,
  FilterOutcome,
  LogEntry,
  LogLevel,
  OutputFilter,
  SecurityEvent,
  SecurityEventSink,
  SecuritySeverity,
  ToolCallContext,
  ToolFunction,
  ToolHost,
  ToolInfo,
  ToolMap,
} from "./types.js";
export type { DirectoryWorkspaceOptions, MemoryWorkspaceOptions, Workspace, WorkspaceUsage } from "./workspace.js";
export { createDirectoryWorkspace, createMemoryWorkspace, normalizeWorkspacePath } from "./workspace.js";
