/**
 * The structural seams @athena/adapters meets other packages and hosts through. Nothing here is imported from another
 * package: any object of the right shape plugs in (the sandbox's tool host, the filter's pipeline and vault, the MCP
 * SDK's `Client`, the correlator's `addEvent`).
 */

/**
 * One tool as the sandbox sees it. `server` and `name` are valid JavaScript identifiers (an MCP tool called
 * `read-file` is listed as `read_file`), so a program can write `tools.<server>.<name>(args)`.
 *
 * @example
 * ```ts
 * const info: ToolInfo = { id: "memory/read_graph", server: "memory", name: "read_graph" };
 * ```
 */
export interface ToolInfo {
  /** `server/name`, the id to call with. */
  id: string;
  /** The adapter (server) name, an identifier. */
  server: string;
  /** The tool name, an identifier. */
  name: string;
  /** A one-line summary. */
  description?: string;
}

/**
 * What the sandbox passes with each tool call. Budgets and audit records are keyed on `executionId`.
 *
 * @example
 * ```ts
 * const context: ToolCallContext = { executionId: "run-1", signal: AbortSignal.timeout(5_000) };
 * ```
 */
export interface ToolCallContext {
  /** Aborts the call; the call then rejects with a `ToolError` of code `ABORTED`. */
  signal?: AbortSignal | undefined;
  /** One id per program run; the per-execution budget counts calls under it. */
  executionId: string;
  /** The user the execution runs for, copied into security events. */
  userId?: string | undefined;
  /** The session the execution belongs to, copied into security events. */
  sessionId?: string | undefined;
}

/**
 * The sandbox's view of a set of tools (owned by @athena/sandbox-wasm; the registry implements it).
 *
 * @example
 * ```ts
 * const host: ToolHost = registry; // a ToolRegistry is a ToolHost
 * ```
 */
export interface ToolHost {
  /** The tools a program may call. */
  list(): readonly ToolInfo[];
  /** Calls one tool; rejects with an Error carrying a string `code` on failure. */
  call(id: string, args: unknown, context: ToolCallContext): Promise<unknown>;
  /** A `.d.ts` describing every callable tool. */
  declarations?(): string;
}

/**
 * One thing an output filter found (the filter's findings may carry more).
 *
 * @example
 * ```ts
 * const finding: FilterFinding = { path: "$.email", type: "email", action: "tokenize" };
 * ```
 */
export interface FilterFinding {
  /** JSON path of the finding. */
  path: string;
  /** What was found, e.g. `email`. */
  type: string;
  /** What was done, e.g. `tokenize`. */
  action: string;
}

/**
 * What an output filter returns.
 *
 * @example
 * ```ts
 * const outcome: FilterOutcome = { data: 1, wasFiltered: false, originalSizeBytes: 1, filteredSizeBytes: 1, findings: [] };
 * ```
 */
export interface FilterOutcome {
  /** The filtered value. */
  data: unknown;
  /** Whether anything changed. */
  wasFiltered: boolean;
  /** Size of the input as JSON, in bytes. */
  originalSizeBytes: number;
  /** Size of the output as JSON, in bytes. */
  filteredSizeBytes: number;
  /** What was found. */
  findings: readonly FilterFinding[];
}

/**
 * Filters tool results before they reach the sandbox (e.g. @athena/filter's pipeline). `apply` may be sync or async.
 *
 * @example
 * ```ts
 * const identity: OutputFilter = {
 *   apply: (value) => ({ data: value, wasFiltered: false, originalSizeBytes: 0, filteredSizeBytes: 0, findings: [] }),
 * };
 * ```
 */
export interface OutputFilter {
  /** Filters one value; must not mutate it. */
  apply(value: unknown): FilterOutcome | Promise<FilterOutcome>;
}

/**
 * Keeps private values out of the sandbox: results are tokenized on their way in, arguments detokenized on their way
 * out to the real tool (e.g. @athena/filter's token vault). Both are synchronous and never mutate their input.
 *
 * @example
 * ```ts
 * const none: PrivacyVault = { tokenize: (value) => value, detokenize: (value) => value };
 * ```
 */
export interface PrivacyVault {
  /** Replaces private values by placeholders. */
  tokenize(value: unknown): unknown;
  /** Restores the values behind placeholders. */
  detokenize(value: unknown): unknown;
}

/**
 * How bad a security event is.
 *
 * @example
 * ```ts
 * const severity: SecuritySeverity = "high";
 * ```
 */
export type SecuritySeverity = "low" | "medium" | "high" | "critical";

/**
 * A security-relevant fact, shared by every Athena package that emits one and the correlator that consumes them.
 *
 * @example
 * ```ts
 * const event: SecurityEvent = { type: "TOOL_DENIED", source: "@athena/adapters", severity: "high", timestamp: 0 };
 * ```
 */
export interface SecurityEvent {
  /** e.g. `TOOL_DENIED`, `TOOL_BUDGET_EXCEEDED`. */
  type: string;
  /** The emitting package or service. */
  source: string;
  severity: SecuritySeverity;
  /** ms since epoch. */
  timestamp: number;
  userId?: string;
  ipAddress?: string;
  sessionId?: string;
  data?: Record<string, unknown>;
}

/**
 * Receives security events (e.g. the correlator's `addEvent`). A sink that throws is ignored.
 *
 * @example
 * ```ts
 * const sink: SecurityEventSink = (event) => console.warn(event.type, event.data);
 * ```
 */
export type SecurityEventSink = (event: SecurityEvent) => void;

/**
 * A source of time in ms since epoch (fractions allowed). Tests inject one to replay instead of sleeping.
 *
 * @example
 * ```ts
 * let t = 0;
 * const clock: Clock = { now: () => t++ };
 * ```
 */
export interface Clock {
  now(): number;
}

/**
 * A JSON Schema object as MCP servers send them; read structurally.
 *
 * @example
 * ```ts
 * const schema: JsonSchemaObject = { type: "object", properties: { query: { type: "string" } }, required: ["query"] };
 * ```
 */
export interface JsonSchemaObject {
  [keyword: string]: unknown;
}

/**
 * The MCP tool annotations the adapter reads.
 *
 * @example
 * ```ts
 * const annotations: McpToolAnnotations = { readOnlyHint: false, destructiveHint: true };
 * ```
 */
export interface McpToolAnnotations {
  [key: string]: unknown;
  title?: string | undefined;
  readOnlyHint?: boolean | undefined;
  destructiveHint?: boolean | undefined;
  idempotentHint?: boolean | undefined;
  openWorldHint?: boolean | undefined;
}

/**
 * One tool definition from an MCP server's `tools/list`.
 *
 * @example
 * ```ts
 * const tool: McpToolDefinition = { name: "read-file", inputSchema: { type: "object" } };
 * ```
 */
export interface McpToolDefinition {
  [key: string]: unknown;
  name: string;
  title?: string | undefined;
  description?: string | undefined;
  inputSchema: JsonSchemaObject;
  outputSchema?: JsonSchemaObject | undefined;
  annotations?: McpToolAnnotations | undefined;
  execution?: { [key: string]: unknown; taskSupport?: string | undefined } | undefined;
}

/**
 * One content block of an MCP tool result, read structurally (`text`, `image`, `audio`, `resource`, ...).
 *
 * @example
 * ```ts
 * const block: McpContentBlock = { type: "text", text: "hello" };
 * ```
 */
export interface McpContentBlock {
  [key: string]: unknown;
  type: string;
}

/**
 * An MCP `tools/call` result, read structurally.
 *
 * @example
 * ```ts
 * const result: McpCallToolResult = { content: [{ type: "text", text: "failed" }], isError: true };
 * ```
 */
export interface McpCallToolResult {
  [key: string]: unknown;
  content?: readonly McpContentBlock[] | undefined;
  structuredContent?: Record<string, unknown> | undefined;
  isError?: boolean | undefined;
  /** The pre-2024-11 result form. */
  toolResult?: unknown;
}

/**
 * Per-request options the adapter passes to the MCP client.
 *
 * @example
 * ```ts
 * const options: McpRequestOptions = { timeout: 10_000, signal: AbortSignal.timeout(20_000) };
 * ```
 */
export interface McpRequestOptions {
  signal?: AbortSignal | undefined;
  /** ms before the client gives up with a -32001 timeout error. */
  timeout?: number | undefined;
}

/**
 * What the MCP adapter needs of a client: the MCP TypeScript SDK's `Client` fits as is, over any transport.
 *
 * @example
 * ```ts
 * import { Client } from "@modelcontextprotocol/sdk/client/index.js";
 *
 * const client: McpClientLike = new Client({ name: "host", version: "1.0.0" });
 * ```
 */
export interface McpClientLike {
  listTools(
    params?: { cursor?: string | undefined },
    options?: McpRequestOptions,
  ): Promise<{ tools: readonly McpToolDefinition[]; nextCursor?: string | undefined }>;
  callTool(
    params: { name: string; arguments?: Record<string, unknown> | undefined },
    resultSchema?: undefined,
    options?: McpRequestOptions,
  ): Promise<McpCallToolResult>;
  /** The server's `initialize` answer, used for the manifest line when present. */
  getServerVersion?(): { name: string; version: string; title?: string | undefined } | undefined;
}
