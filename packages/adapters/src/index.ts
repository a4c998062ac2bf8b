export type {
  OperationContext,
  ToolAdapter,
  ToolExample,
  ToolOperation,
  ToolTypeSpec,
  ValidationResult,
} from "./contracts.js";
export type { AdapterDefinition, OperationDefinition } from "./define-adapter.js";
export { defineAdapter } from "./define-adapter.js";
export type { ToolErrorCode, ValidationIssue } from "./errors.js";
export { isToolError, ToolError } from "./errors.js";
export { isIdentifier, toIdentifier } from "./identifiers.js";
export type { McpAdapterOptions } from "./mcp-adapter.js";
export { mcpAdapter } from "./mcp-adapter.js";
export type {
  JsonValue,
  McpAudioContent,
  McpContentItem,
  McpImageContent,
  McpOtherContent,
  McpResourceContent,
  McpResourceLinkContent,
  McpToolResult,
} from "./mcp-result.js";
export { mapCallToolResult } from "./mcp-result.js";
export { compileGlob, DEFAULT_DENY_PATTERNS } from "./policy.js";
export type {
  ExecutionUsage,
  SearchDetail,
  ToolCallRecord,
  ToolPolicy,
  ToolRegistry,
  ToolRegistryOptions,
  ToolSearchOptions,
  ToolSearchResult,
} from "./registry.js";
export { createToolRegistry } from "./registry.js";
export type {
  Clock,
  FilterFinding,
  FilterOutcome,
  JsonSchemaObject,
  McpCallToolResult,
  McpClientLike,
  McpContentBlock,
  McpRequestOptions,
  McpToolAnnotations,
  McpToolDefinition,
  OutputFilter,
  PrivacyVault,
  SecurityEvent,
  SecurityEventSink,
  SecuritySeverity,
  ToolCallContext,
  ToolHost,
  ToolInfo,
} from "./seams.js";
export { formatPath, validateWith } from "./validate.js";
