/**
 * Public data shapes of @athena/sandbox-wasm: the seams it consumes (`ToolHost`, `OutputFilter`, `SecurityEvent`)
 * and what an execution returns. Seams are declared structurally so any object of the right shape plugs in.
 */

/**
 * One tool the sandbox may expose to a program as `tools.<server>.<name>(args)`.
 *
 * @example
 * ```ts
 * const info: ToolInfo = { id: "memory/recall", server: "memory", name: "recall", description: "Find notes" };
 * ```
 */
export interface ToolInfo {
  /** The id passed back to {@link ToolHost.call}, e.g. `"memory/recall"`. */
  id: string;
  /** A valid JavaScript identifier: the program calls `tools.<server>.<name>()`. */
  server: string;
  /** A valid JavaScript identifier. */
  name: string;
  /** One line for humans and models. */
  description?: string;
}

/**
 * What the sandbox passes with every tool call: the execution's stable unique id (hosts key per-execution budgets on
 * it) and a signal that aborts when the execution ends or times out.
 *
 * @example
 * ```ts
 * const context: ToolCallContext = { executionId: "exec-1", signal: AbortSignal.timeout(1000) };
 * ```
 */
export interface ToolCallContext {
  /** Aborted when the execution finishes, times out or is aborted by the host. */
  signal?: AbortSignal;
  /** The execution's id: unique per execution, or the one the host passed to `execute`. */
  executionId: string;
}

/**
 * The host side of the tool bridge, e.g. the @athena/adapters registry. A rejected call carries an `Error`; a string
 * `code` on it (such as `"TOOL_DENIED"`) is kept and visible to the program as `error.code`.
 *
 * @example
 * ```ts
 * const host: ToolHost = {
 *   list: () => [{ id: "math/add", server: "math", name: "add" }],
 *   call: async (_id, args) => (args as { a: number; b: number }).a + (args as { a: number; b: number }).b,
 * };
 * ```
 */
export interface ToolHost {
  /** The tools a program may call. Asked once per execution. */
  list(): readonly ToolInfo[];
  /** Runs one tool call; the result must be JSON data. */
  call(id: string, args: unknown, context: ToolCallContext): Promise<unknown>;
  /** Optional `.d.ts` text describing the tools, for models writing code. */
  declarations?(): string;
}

/**
 * A plain tool function: receives the JSON arguments and the call context, returns JSON data (or a promise of it).
 *
 * @example
 * ```ts
 * const add: ToolFunction = (args) => (args as { a: number; b: number }).a + (args as { a: number; b: number }).b;
 * ```
 */
export type ToolFunction = (args: unknown, context: ToolCallContext) => unknown;

/**
 * Tools as a plain object: `{ server: { tool: fn } }`. Server and tool names must be JavaScript identifiers.
 *
 * @example
 * ```ts
 * const tools: ToolMap = { math: { add: async (args) => (args as { a: number; b: number }).a + 1 } };
 * ```
 */
export type ToolMap = Record<string, Record<string, ToolFunction>>;

/**
 * One finding of an output filter; filters may add more fields.
 *
 * @example
 * ```ts
 * const finding: FilterFinding = { path: "$.email", type: "email", action: "redact" };
 * ```
 */
export interface FilterFinding {
  /** JSON path of the value. */
  path: string;
  /** What was found, e.g. `"email"`. */
  type: string;
  /** What was done, e.g. `"redact"`. */
  action: string;
}

/**
 * What an {@link OutputFilter} returns for one value.
 *
 * @example
 * ```ts
 * const outcome: FilterOutcome = { data: 1, wasFiltered: false, originalSizeBytes: 1, filteredSizeBytes: 1, findings: [] };
 * ```
 */
export interface FilterOutcome {
  /** The value to pass on. */
  data: unknown;
  /** True when anything was changed. */
  wasFiltered: boolean;
  /** Size of the input as JSON, in bytes. */
  originalSizeBytes: number;
  /** Size of `data` as JSON, in bytes. */
  filteredSizeBytes: number;
  /** Everything the filter found. */
  findings: readonly FilterFinding[];
}

/**
 * Applied to a program's output and to every log line before they leave the sandbox (e.g. @athena/filter's pipeline).
 *
 * @example
 * ```ts
 * const passThrough: OutputFilter = {
 *   apply: (value) => ({ data: value, wasFiltered: false, originalSizeBytes: 0, filteredSizeBytes: 0, findings: [] }),
 * };
 * ```
 */
export interface OutputFilter {
  /** Filters one JSON value; may be sync or async. */
  apply(value: unknown): FilterOutcome | Promise<FilterOutcome>;
}

/**
 * How serious a {@link SecurityEvent} is.
 *
 * @example
 * ```ts
 * const severity: SecuritySeverity = "high";
 * ```
 */
export type SecuritySeverity = "low" | "medium" | "high" | "critical";

/**
 * A security-relevant event, in the shape every Athena package emits and the correlator consumes.
 *
 * @example
 * ```ts
 * const event: SecurityEvent = {
 *   type: "SANDBOX_VIOLATION", source: "sandbox-wasm", severity: "high", timestamp: Date.now(),
 *   data: { executionId: "exec-1" },
 * };
 * ```
 */
export interface SecurityEvent {
  /** E.g. `"SANDBOX_VIOLATION"` or `"RESOURCE_EXHAUSTION"`. */
  type: string;
  /** The emitting package, here `"sandbox-wasm"`. */
  source: string;
  /** How serious. */
  severity: SecuritySeverity;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** The user, when the host knows it. */
  userId?: string;
  /** The client address, when the host knows it. */
  ipAddress?: string;
  /** The session, when there is one. */
  sessionId?: string;
  /** Details; the sandbox always sets `executionId` and `kind`. */
  data?: Record<string, unknown>;
}

/**
 * Receives security events.
 *
 * @example
 * ```ts
 * const sink: SecurityEventSink = (event) => console.warn(event.type, event.data);
 * ```
 */
export type SecurityEventSink = (event: SecurityEvent) => void;

/**
 * Why an execution failed.
 *
 * @example
 * ```ts
 * const kind: ExecutionErrorKind = "timeout";
 * ```
 */
export type ExecutionErrorKind =
  | "syntax"
  | "runtime"
  | "timeout"
  | "memory"
  | "instructions"
  | "stack"
  | "output_too_large"
  | "tool"
  | "tool_denied"
  | "tool_limit"
  | "aborted"
  | "internal";

/**
 * One error of an execution. Messages come from the program's own realm: never a host stack.
 *
 * @example
 * ```ts
 * const error: ExecutionError = { kind: "syntax", message: "unexpected token", line: 2, column: 7 };
 * ```
 */
export interface ExecutionError {
  /** What kind of failure. */
  kind: ExecutionErrorKind;
  /** Human-readable message. */
  message: string;
  /** The error's `name` inside the sandbox, e.g. `"TypeError"`. */
  name?: string;
  /** 1-based line in the program's own source, when known. */
  line?: number;
  /** 1-based column in the program's own source, when known. */
  column?: number;
  /** The program's stack inside the sandbox, when known. */
  stack?: string;
  /** The `code` of a tool error, e.g. `"TOOL_DENIED"`. */
  code?: string;
}

/**
 * The console method a log line came from.
 *
 * @example
 * ```ts
 * const level: LogLevel = "warn";
 * ```
 */
export type LogLevel = "log" | "info" | "warn" | "error" | "debug";

/**
 * One captured `console.*` line.
 *
 * @example
 * ```ts
 * const entry: LogEntry = { level: "log", message: "hello 42" };
 * ```
 */
export interface LogEntry {
  /** Which console method. */
  level: LogLevel;
  /** The arguments formatted as one line (objects as JSON), after the output filter. */
  message: string;
}

/**
 * What an execution cost.
 *
 * @example
 * ```ts
 * const m: ExecutionMetrics = { wallMs: 1, cpuMs: 0.5, instructions: 0, memoryPeakBytes: 90_000, toolCalls: 0, outputBytes: 1 };
 * ```
 */
export interface ExecutionMetrics {
  /** Wall-clock time from `execute` to the result. */
  wallMs: number;
  /** Time spent running guest code inside QuickJS (excludes waiting for tools). */
  cpuMs: number;
  /** Interpreter steps, counted in units of 10,000 (the interrupt granularity of QuickJS). */
  instructions: number;
  /** Bytes the QuickJS heap held when the program finished (QuickJS keeps no high-water mark). */
  memoryPeakBytes: number;
  /** Tool calls the program made (workspace calls not counted). */
  toolCalls: number;
  /** UTF-8 bytes of the output as JSON, before filtering. */
  outputBytes: number;
}

/**
 * The result of one execution. `execute` never throws for anything the program does: failures are in `errors`.
 *
 * @example
 * ```ts
 * function show(result: ExecutionResult): string {
 *   return result.success ? JSON.stringify(result.output) : result.errors.map((e) => `${e.kind}: ${e.message}`).join("\n");
 * }
 * ```
 */
export interface ExecutionResult {
  /** True when the program finished and its output could be returned. */
  success: boolean;
  /** The program's return value (or awaited default export) as JSON data, after the output filter. */
  output: unknown;
  /** Why it failed; empty on success. */
  errors: ExecutionError[];
  /** Captured console lines, after the output filter. */
  logs: LogEntry[];
  /** True when logs were cut at `maxLogBytes`. */
  logsTruncated: boolean;
  /** What it cost. */
  metrics: ExecutionMetrics;
  /** The session's `state` after the run, when a session or `sessionState` was passed. */
  sessionState?: unknown;
  /** True when the output filter changed the output or any log line. */
  wasFiltered: boolean;
  /** Bytes of output (and logs) before filtering. */
  originalSizeBytes: number;
  /** Bytes of output (and logs) after filtering. */
  filteredSizeBytes: number;
  /** The execution's id, as passed to tools. */
  executionId: string;
}
