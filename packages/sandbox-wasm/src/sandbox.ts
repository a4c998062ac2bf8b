import type { QuickJSSyncVariant } from "quickjs-emscripten-core";
import { nodeCrypto } from "./builtins.js";
import { type RawResult, type RunRequest, runProgram } from "./engine.js";
import { SandboxError } from "./errors.js";
import { utf8Bytes } from "./json.js";
import {
  type ExecuteOptions,
  parseExecuteOptions,
  type ResolvedOptions,
  resolveOptions,
  type Session,
  type WasmSandboxOptions,
} from "./options.js";
import { acquireQuickJS, preloadQuickJS, prepareQuickJS } from "./quickjs.js";
import { isToolHost, toolHostFromMap } from "./tools.js";
import type { ExecutionResult, LogEntry, ToolHost } from "./types.js";
import { createMemoryWorkspace, type Workspace } from "./workspace.js";

/**
 * Options of {@link WasmSandbox.createSession}.
 *
 * @example
 * ```ts
 * const options: SessionOptions = { id: "chat-7", state: { step: 1 } };
 * ```
 */
export interface SessionOptions {
  /** Defaults to a random id. */
  id?: string;
  /** Defaults to a new in-memory workspace (10 MiB quota). */
  workspace?: Workspace;
  /** Initial JSON state. */
  state?: unknown;
}

/**
 * A sandbox: runs agent programs in fresh QuickJS contexts, one per execution. Create with {@link createWasmSandbox}.
 *
 * @example
 * ```ts
 * const sandbox = await createWasmSandbox({ tools: { math: { add: async (a) => (a as number[]).reduce((x, y) => x + y, 0) } } });
 * const result = await sandbox.execute("return await tools.math.add([1, 2, 3])");
 * console.log(result.output); // 6
 * sandbox.dispose();
 * ```
 */
export interface WasmSandbox {
  /**
   * Runs a program. The code is TypeScript or JavaScript: an async body (`return` gives the output) or an ES module
   * (its awaited default export is the output). `input` is the global `input`. Never throws for anything the program
   * does; failures are in `result.errors`.
   *
   * @param code - the agent's program
   * @param input - JSON data visible as `input`
   * @param options - execution id, session, per-run timeout, abort signal
   * @throws {@link SandboxError} `DISPOSED` after {@link WasmSandbox.dispose}; `INVALID_OPTIONS` for bad options.
   */
  execute(code: string, input?: unknown, options?: ExecuteOptions): Promise<ExecutionResult>;
  /**
   * Makes a session: a workspace and JSON state carried across executions that pass it.
   *
   * @throws {@link SandboxError} `DISPOSED` after dispose.
   */
  createSession(options?: SessionOptions): Session;
  /** The tool host programs call (a plain tool map is wrapped), or `undefined`. */
  readonly tools: ToolHost | undefined;
  /** True after {@link WasmSandbox.dispose}. */
  readonly disposed: boolean;
  /** Releases the sandbox; idempotent. Executions already running finish. */
  dispose(): void;
  /** Same as {@link WasmSandbox.dispose}. */
  [Symbol.dispose](): void;
  /** Same as {@link WasmSandbox.dispose}. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Settings shared by the sandbox and the pool after validation. */
export interface SandboxCore {
  options: ResolvedOptions;
  tools: ToolHost | undefined;
  nextId: () => string;
}

/** Validates options and wraps plain tool maps. */
export function createCore(options: WasmSandboxOptions | undefined, what: string): SandboxCore {
  const resolved = resolveOptions(options, what);
  const tools =
    resolved.tools === undefined
      ? undefined
      : isToolHost(resolved.tools)
        ? resolved.tools
        : toolHostFromMap(resolved.tools);
  // Execution ids are unique labels (the host assigns them; programs cannot choose one), not secrets: a random
  // 48-bit prefix per sandbox plus a counter, without loading node:crypto on the startup path.
  const prefix = Math.floor(Math.random() * 2 ** 48)
    .toString(16)
    .padStart(12, "0");
  let counter = 0;
  const nextId = resolved.createExecutionId ?? ((): string => `exec-${prefix}-${(++counter).toString(36)}`);
  return { options: resolved, tools, nextId };
}

/** Validated per-execution settings. */
export interface PreparedExecution {
  request: RunRequest;
  session: Session | undefined;
}

/** Validates `execute` options and builds the engine request. */
export function prepareExecution(
  core: SandboxCore,
  code: unknown,
  input: unknown,
  options: ExecuteOptions | undefined,
): PreparedExecution {
  if (typeof code !== "string") {
    throw new SandboxError("INVALID_OPTIONS", "execute(code): code must be a string of JavaScript or TypeScript.");
  }
  const o = options === undefined ? {} : parseExecuteOptions(options);
  const session = o.session;
  const hasSessionState = session !== undefined || "sessionState" in (options ?? {});
  const needsWorkspace = code.includes("fs") || code.includes("skills/");
  const workspace = session?.workspace ?? o.workspace ?? (needsWorkspace ? createMemoryWorkspace() : undefined);
  const request: RunRequest = {
    code,
    input,
    executionId: o.executionId ?? core.nextId(),
    timeoutMs: o.timeoutMs ?? core.options.timeoutMs,
    signal: o.signal,
    tools: core.tools,
    workspace,
    hasSessionState,
    sessionState: session !== undefined ? session.state : o.sessionState,
  };
  return { request, session };
}

/** Applies the output filter to output and logs (failing closed), emits security events, updates the session. */
export async function finishResult(
  core: SandboxCore,
  raw: RawResult,
  executionId: string,
  session: Session | undefined,
): Promise<ExecutionResult> {
  const { outputFilter, onSecurityEvent } = core.options;
  let output = raw.output;
  let logs: LogEntry[] = raw.logs;
  let success = raw.success;
  const errors = raw.errors;
  let wasFiltered = false;
  const logBytes = logs.reduce((sum, l) => sum + utf8Bytes(l.message), 0);
  let originalSizeBytes = raw.metrics.outputBytes + logBytes;
  let filteredSizeBytes = originalSizeBytes;
  if (outputFilter !== undefined) {
    try {
      if (success && output !== undefined) {
        const outcome = await outputFilter.apply(output);
        output = outcome.data;
        wasFiltered ||= outcome.wasFiltered;
        originalSizeBytes = outcome.originalSizeBytes + logBytes;
        filteredSizeBytes = outcome.filteredSizeBytes;
      }
      const filteredLogs: LogEntry[] = [];
      let filteredLogBytes = 0;
      for (const entry of logs) {
        const outcome = await outputFilter.apply(entry.message);
        const message = typeof outcome.data === "string" ? outcome.data : (JSON.stringify(outcome.data) ?? "");
        wasFiltered ||= outcome.wasFiltered;
        filteredLogBytes += utf8Bytes(message);
        filteredLogs.push({ level: entry.level, message });
      }
      logs = filteredLogs;
      filteredSizeBytes = (success && raw.output !== undefined ? filteredSizeBytes : 0) + filteredLogBytes;
    } catch (error) {
      // Fail closed: nothing unfiltered leaves.
      success = false;
      output = undefined;
      logs = [];
      errors.push({
        kind: "internal",
        message: `The output filter failed, so output and logs were withheld: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  if (onSecurityEvent !== undefined) {
    for (const v of raw.violations) {
      try {
        const event: Parameters<typeof onSecurityEvent>[0] = {
          type: v.type,
          source: "sandbox-wasm",
          severity: v.severity,
          timestamp: core.options.clock?.now() ?? Date.now(),
          data: { executionId, kind: v.kind, detail: v.detail },
        };
        if (session !== undefined) event.sessionId = session.id;
        onSecurityEvent(event);
      } catch {
        // A failing sink must not change the result.
      }
    }
  }
  if (session !== undefined && raw.hasSessionState) session.state = raw.sessionState;
  const result: ExecutionResult = {
    success,
    output: success ? output : undefined,
    errors,
    logs,
    logsTruncated: raw.logsTruncated,
    metrics: raw.metrics,
    wasFiltered,
    originalSizeBytes,
    filteredSizeBytes,
    executionId,
  };
  if (raw.hasSessionState) result.sessionState = raw.sessionState;
  return result;
}

/** Creates a session object. */
export function makeSession(options: SessionOptions | undefined): Session {
  return {
    id: options?.id ?? `session-${nodeCrypto().randomBytes(8).toString("hex")}`,
    workspace: options?.workspace ?? createMemoryWorkspace(),
    state: options?.state ?? {},
  };
}

/**
 * Creates a sandbox for running agent code in QuickJS/WebAssembly with hard limits. The WebAssembly module is
 * compiled once per process; each execution gets a fresh runtime and context in an instance of its own whose memory
 * is capped at 2 × `maxMemoryMb` + 32 MiB (idle instances are kept and reused, not one per sandbox).
 *
 * @param options - limits, tools, globals, output filter, security event sink
 * @returns the sandbox
 * @throws {@link SandboxError} `INVALID_OPTIONS` with what to fix; `INTERNAL` when QuickJS cannot be loaded.
 *
 * @example
 * ```ts
 * const sandbox = await createWasmSandbox({ timeoutMs: 1000 });
 * const result = await sandbox.execute("const n: number = input.n; return n * 2;", { n: 21 });
 * console.log(result.success, result.output); // true 42
 * sandbox.dispose();
 * ```
 */
export async function createWasmSandbox(options: WasmSandboxOptions = {}): Promise<WasmSandbox> {
  return createSandboxWithVariant(options, undefined);
}

/** @internal Same as {@link createWasmSandbox} with another QuickJS build (the debug build in leak tests). */
export async function createSandboxWithVariant(
  options: WasmSandboxOptions,
  variant: QuickJSSyncVariant | undefined,
): Promise<WasmSandbox> {
  // Start compiling WebAssembly first, then validate options (zod loads on first use).
  preloadQuickJS(variant);
  const core = createCore(options, "createWasmSandbox");
  // An idle instance with this sandbox's memory cap, ready for the first execution (shared with other sandboxes).
  await prepareQuickJS(core.options.maxMemoryMb, variant);
  let disposed = false;
  const assertAlive = (): void => {
    if (disposed)
      throw new SandboxError("DISPOSED", "This sandbox was disposed; create a new one with createWasmSandbox().");
  };
  const dispose = (): void => {
    disposed = true;
  };
  return {
    get tools() {
      return core.tools;
    },
    get disposed() {
      return disposed;
    },
    async execute(code, input, executeOptions) {
      assertAlive();
      const { request, session } = prepareExecution(core, code, input, executeOptions);
      // An instance of its own for this execution, with its memory capped; given back (or dropped if the program
      // may have corrupted it or grew it) when it is over.
      const lease = await acquireQuickJS(core.options.maxMemoryMb, variant);
      let raw: RawResult | undefined;
      try {
        raw = await runProgram(lease.module, core.options, request, lease);
      } finally {
        lease.release(raw === undefined || raw.moduleSuspect === true);
      }
      return finishResult(core, raw, request.executionId, session);
    },
    createSession(sessionOptions) {
      assertAlive();
      return makeSession(sessionOptions);
    },
    dispose,
    [Symbol.dispose]: dispose,
    [Symbol.asyncDispose]: async () => dispose(),
  };
}
