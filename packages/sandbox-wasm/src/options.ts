import { SandboxError } from "./errors.js";
import type { OutputFilter, SecurityEventSink, ToolHost, ToolMap } from "./types.js";
import {
  createValidator,
  customField,
  enumField,
  type Field,
  numberField,
  recordField,
  stringField,
  unknownField,
  type Validator,
} from "./validate.js";
import type { Workspace } from "./workspace.js";

/**
 * Options of {@link createWasmSandbox} (and, with `size`, of `createSandboxPool`). Every limit applies to each
 * execution separately.
 *
 * @example
 * ```ts
 * const options: WasmSandboxOptions = { timeoutMs: 2000, maxMemoryMb: 32, tools: { math: { add: async (a) => a } } };
 * ```
 */
export interface WasmSandboxOptions {
  /**
   * Wall-clock deadline of one execution, including time spent waiting for tools.
   * @defaultValue 5000
   */
  timeoutMs?: number;
  /**
   * Memory a program may take, in MiB: the QuickJS runtime's heap limit, and the most the program may grow its
   * instance's WebAssembly memory (checked every 10,000 steps and at the end; kind `memory`). The instance's memory is
   * also capped at twice this plus 32 MiB.
   * @defaultValue 64
   */
  maxMemoryMb?: number;
  /**
   * Stack limit of the QuickJS runtime, in KiB (deep recursion fails with kind `stack`).
   * @defaultValue 256
   */
  maxStackKb?: number;
  /**
   * Deterministic CPU budget in interpreter steps. QuickJS checks it every 10,000 steps, so the budget is rounded up to
   * a multiple of 10,000 and the same program always stops at the same count.
   * @defaultValue 10000000
   */
  maxInstructions?: number;
  /**
   * Largest output, in UTF-8 bytes of JSON. Checked inside the sandbox before anything is copied out.
   * @defaultValue 1048576
   */
  maxOutputBytes?: number;
  /**
   * Largest total of captured log text, in UTF-16 code units (≈ bytes for ASCII); later lines are dropped and
   * `logsTruncated` is set.
   * @defaultValue 65536
   */
  maxLogBytes?: number;
  /**
   * Most tool calls one execution may make; the next one fails with kind `tool_limit`.
   * @defaultValue 100
   */
  maxToolCalls?: number;
  /**
   * Largest JSON of one tool call's arguments or result, in bytes.
   * @defaultValue 1048576
   */
  maxToolPayloadBytes?: number;
  /**
   * Most promise jobs (microtasks) one execution may run; a job flood fails with kind `instructions`. Pending jobs
   * are also bounded by `maxMemoryMb`, since each queued job takes heap.
   * @defaultValue 1000000
   */
  maxPromiseJobs?: number;
  /**
   * Deepest nesting of objects and arrays in data leaving the sandbox (output, tool arguments, session state).
   * @defaultValue 100
   */
  maxDepth?: number;
  /** Tools the program may call: a {@link ToolHost} or a plain `{ server: { tool: fn } }` object. */
  tools?: ToolHost | ToolMap;
  /** JSON data installed as read-only globals, e.g. `{ config: { region: "eu" } }`. */
  globals?: Record<string, unknown>;
  /** Applied to output and every log line before they leave. */
  outputFilter?: OutputFilter;
  /** Receives `SANDBOX_VIOLATION` and `RESOURCE_EXHAUSTION` events. */
  onSecurityEvent?: SecurityEventSink;
  /**
   * How to read the code. `"auto"` strips TypeScript syntax when the code has any (and retries with stripping on a
   * syntax error).
   * @defaultValue "auto"
   */
  language?: "auto" | "typescript" | "javascript";
  /** Makes execution ids; the default is a random prefix plus a counter. */
  createExecutionId?: () => string;
  /** Time source for security event timestamps (ms since the epoch); default `Date.now`. */
  clock?: Clock;
}

/**
 * A time source, e.g. event time in tests and replays.
 *
 * @example
 * ```ts
 * const fixed: Clock = { now: () => 1_700_000_000_000 };
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

function isTools(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.list === "function" && typeof v.call === "function") return true;
  return Object.values(v).every(
    (server) =>
      typeof server === "object" &&
      server !== null &&
      Object.values(server as Record<string, unknown>).every((fn) => typeof fn === "function"),
  );
}

const isFunction = (v: unknown): boolean => typeof v === "function";
const hasMethod =
  (name: string) =>
  (v: unknown): boolean =>
    typeof v === "object" && v !== null && typeof (v as Record<string, unknown>)[name] === "function";

/** The options, their checks and their defaults (the `@defaultValue`s above): one table for both validation paths. */
const sandboxFields: Readonly<Record<string, Field>> = {
  timeoutMs: numberField({ int: true, positive: true, max: 3_600_000 }, 5000),
  maxMemoryMb: numberField({ positive: true, max: 4096 }, 64),
  maxStackKb: numberField({ int: true, positive: true, min: 16, max: 65_536 }, 256),
  maxInstructions: numberField({ int: true, positive: true }, 10_000_000),
  maxOutputBytes: numberField({ int: true, positive: true }, 1024 * 1024),
  maxLogBytes: numberField({ int: true, min: 0 }, 65_536),
  maxToolCalls: numberField({ int: true, min: 0 }, 100),
  maxToolPayloadBytes: numberField({ int: true, positive: true }, 1024 * 1024),
  maxPromiseJobs: numberField({ int: true, positive: true }, 1_000_000),
  maxDepth: numberField({ int: true, positive: true, max: 10_000 }, 100),
  tools: customField(
    isTools,
    "tools must be a ToolHost ({ list, call }) or an object { server: { tool: async function } }",
  ),
  globals: recordField("unknown", /^[A-Za-z_$][\w$]*$/, "globals keys must be identifiers"),
  outputFilter: customField(hasMethod("apply"), "outputFilter must have an apply(value) method"),
  onSecurityEvent: customField(isFunction, "onSecurityEvent must be a function"),
  language: enumField(["auto", "typescript", "javascript"], "auto"),
  createExecutionId: customField(isFunction, "createExecutionId must be a function"),
  clock: customField(hasMethod("now"), "clock must have a now() method"),
};

/** Validates {@link WasmSandboxOptions} (exported for the equivalence tests). */
export const sandboxValidator: Validator<ResolvedOptions> = createValidator(sandboxFields, true, "createWasmSandbox");

/** Options after validation, with defaults filled in. */
export interface ResolvedOptions {
  timeoutMs: number;
  maxMemoryMb: number;
  maxStackKb: number;
  maxInstructions: number;
  maxOutputBytes: number;
  maxLogBytes: number;
  maxToolCalls: number;
  maxToolPayloadBytes: number;
  maxPromiseJobs: number;
  maxDepth: number;
  tools?: ToolHost | ToolMap | undefined;
  globals?: Record<string, unknown> | undefined;
  outputFilter?: OutputFilter | undefined;
  onSecurityEvent?: SecurityEventSink | undefined;
  language: "auto" | "typescript" | "javascript";
  createExecutionId?: (() => string) | undefined;
  clock?: Clock | undefined;
}

/**
 * Validates sandbox options, filling defaults.
 *
 * @throws {@link SandboxError} `INVALID_OPTIONS` saying which option is wrong.
 */
export function resolveOptions(options: unknown, what = "createWasmSandbox"): ResolvedOptions {
  const parsed = sandboxValidator.parse(options ?? {}, what);
  if (parsed.globals !== undefined) {
    try {
      JSON.stringify(parsed.globals);
    } catch (error) {
      throw new SandboxError("INVALID_OPTIONS", "Invalid options: globals must be JSON data (no cycles, no BigInt).", {
        cause: error,
      });
    }
  }
  return parsed;
}

/**
 * Per-call options of `execute`.
 *
 * @example
 * ```ts
 * const options: ExecuteOptions = { executionId: "req-42", signal: AbortSignal.timeout(10_000) };
 * ```
 */
export interface ExecuteOptions {
  /** Use this id (e.g. the host's request id) instead of a generated one; it is passed to every tool call. */
  executionId?: string;
  /** A session: its workspace is the program's `./workspace`, its `state` the program's `state` global. */
  session?: Session;
  /** A workspace for this execution only (ignored when `session` is given). */
  workspace?: Workspace;
  /** JSON state visible to the program as the global `state`; returned as `sessionState`. */
  sessionState?: unknown;
  /** Overrides the sandbox's `timeoutMs` for this execution (never above 1 hour). */
  timeoutMs?: number;
  /** Aborts the execution: the result has kind `aborted`. */
  signal?: AbortSignal;
}

/**
 * Files and state carried across executions. Create with `sandbox.createSession()` or by hand.
 *
 * @example
 * ```ts
 * const session: Session = { id: "chat-7", workspace: createMemoryWorkspace(), state: {} };
 * ```
 */
export interface Session {
  /** Sent with security events as `sessionId`. */
  readonly id: string;
  /** The files the program sees under `./workspace`; skills are `skills/*.ts` in it. */
  readonly workspace: Workspace;
  /** JSON state; replaced by the program's `state` global after each execution. */
  state: unknown;
}

const executeFields: Readonly<Record<string, Field>> = {
  executionId: stringField(1, 200),
  session: customField(
    (v) =>
      typeof v === "object" &&
      v !== null &&
      typeof (v as { id?: unknown }).id === "string" &&
      typeof (v as { workspace?: unknown }).workspace === "object",
    "session must be { id, workspace, state }",
  ),
  workspace: customField(hasMethod("readFile"), "workspace must implement Workspace"),
  sessionState: unknownField(),
  timeoutMs: numberField({ int: true, positive: true, max: 3_600_000 }),
  signal: customField((v) => v instanceof AbortSignal, "signal must be an AbortSignal"),
};

/** Validates {@link ExecuteOptions} (exported for the equivalence tests). */
export const executeValidator: Validator<ParsedExecuteOptions> = createValidator(executeFields, true, "execute");

/** `execute` options after validation. */
export interface ParsedExecuteOptions {
  executionId?: string | undefined;
  session?: Session | undefined;
  workspace?: Workspace | undefined;
  sessionState?: unknown;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Validates `execute` options.
 *
 * @throws {@link SandboxError} `INVALID_OPTIONS` saying which option is wrong.
 */
export function parseExecuteOptions(options: unknown): ParsedExecuteOptions {
  return executeValidator.parse(options ?? {});
}
