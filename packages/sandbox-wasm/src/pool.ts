import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import type { Worker } from "node:worker_threads";
import { workerThreads } from "./builtins.js";
import { describeHostError, type RawResult } from "./engine.js";
import { SandboxError } from "./errors.js";
import type { ExecuteOptions, Session, WasmSandboxOptions } from "./options.js";
import { compileReleaseWasm } from "./quickjs.js";
import {
  createCore,
  finishResult,
  makeSession,
  prepareExecution,
  type SandboxCore,
  type SessionOptions,
} from "./sandbox.js";
import type { ExecutionResult, ToolHost } from "./types.js";
import { createValidator, numberField, type Validator } from "./validate.js";
import type { FromWorker, ToWorker, WorkerInit, WorkerOptions } from "./worker-protocol.js";
import type { Workspace } from "./workspace.js";

/**
 * Options of {@link createSandboxPool}: the sandbox options plus the pool's own.
 *
 * @example
 * ```ts
 * const options: SandboxPoolOptions = { size: 2, timeoutMs: 1000, graceMs: 50 };
 * ```
 */
export interface SandboxPoolOptions extends WasmSandboxOptions {
  /**
   * Worker threads; each runs one execution at a time, further executions queue.
   * @defaultValue the number of available CPUs, at most 4
   */
  size?: number;
  /**
   * How long past its deadline an execution may run before its worker is terminated and replaced.
   * @defaultValue 50
   */
  graceMs?: number;
  /**
   * Most executions waiting for a free worker; the next one is rejected with kind `internal` ("pool is full").
   * @defaultValue 1000
   */
  maxQueue?: number;
}

/**
 * A pool of sandboxes on worker threads: the same `execute` as {@link WasmSandbox}, but a program can neither block
 * the host's event loop nor outlive its deadline (the worker is terminated and replaced).
 *
 * @example
 * ```ts
 * const pool = await createSandboxPool({ size: 2, timeoutMs: 500 });
 * const results = await Promise.all([pool.execute("return 1"), pool.execute("for (;;) {}")]);
 * console.log(results.map((r) => r.success)); // [true, false]
 * await pool.dispose();
 * ```
 */
export interface SandboxPool {
  /**
   * Runs a program on a free worker (or queues it).
   *
   * @throws {@link SandboxError} `DISPOSED` after dispose; `INVALID_OPTIONS` for bad options.
   */
  execute(code: string, input?: unknown, options?: ExecuteOptions): Promise<ExecutionResult>;
  /** Makes a session (its workspace stays on the main thread). */
  createSession(options?: SessionOptions): Session;
  /** Number of worker threads. */
  readonly size: number;
  /** Workers terminated and replaced so far because a program overran its deadline or was aborted. */
  readonly restarts: number;
  /** The tool host programs call, or `undefined`. */
  readonly tools: ToolHost | undefined;
  /** True after dispose. */
  readonly disposed: boolean;
  /**
   * Terminates every worker; queued and running executions resolve with kind `aborted`. Idempotent. Nothing of the
   * pool keeps running afterwards.
   */
  dispose(): Promise<void>;
  /** Same as {@link SandboxPool.dispose}, without waiting. */
  [Symbol.dispose](): void;
  /** Same as {@link SandboxPool.dispose}. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The pool's own options (the rest are the sandbox's). */
export const poolValidator: Validator<{ size?: number | undefined; graceMs: number; maxQueue: number }> =
  createValidator(
    {
      size: numberField({ int: true, min: 1, max: 64 }),
      graceMs: numberField({ int: true, min: 0, max: 60_000 }, 50),
      maxQueue: numberField({ int: true, min: 0 }, 1000),
    },
    false,
    "createSandboxPool",
  );

interface Job {
  code: string;
  input: unknown;
  options: ExecuteOptions | undefined;
  resolve(result: ExecutionResult): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
  run?: ActiveRun | undefined;
  dead: boolean;
}

interface ActiveRun {
  runId: number;
  started: number;
  executionId: string;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Aborted when the execution ends; made on first use (most executions call no tool). */
  readonly signal: AbortSignal;
  finish(raw: RawResult): void;
  workspace: Workspace | undefined;
  tools: ToolHost | undefined;
}

interface WorkerSpec {
  entry: URL | string;
  eval: boolean;
}

function workerSpec(): WorkerSpec {
  const here = import.meta.url;
  if (here.endsWith(".ts")) {
    // Source mode (this repository's tests and demo): the worker is TypeScript. A tiny CommonJS bootstrap registers
    // tsx's loader in the worker, then imports the TypeScript entry. Published builds never take this path.
    // `require.resolve` picks tsx's CommonJS build of the API; the ES module build sits next to it.
    const tsxApi = pathToFileURL(
      createRequire(here)
        .resolve("tsx/esm/api")
        .replace(/\.cjs$/, ".mjs"),
    ).href;
    const entry = new URL("./worker.ts", here).href;
    return {
      entry: `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`,
      eval: true,
    };
  }
  return { entry: new URL("./worker.js", here), eval: false };
}

/**
 * Creates a pool of sandboxes on worker threads. Tool calls from workers are served on the main thread by the
 * host's `ToolHost`; the output filter and security events also run on the main thread.
 *
 * @param options - sandbox options plus `size`, `graceMs`, `maxQueue`
 * @returns the pool, once every worker has loaded QuickJS
 * @throws {@link SandboxError} `INVALID_OPTIONS` with what to fix; `WORKER_FAILED` when a worker cannot start.
 *
 * @example
 * ```ts
 * const pool = await createSandboxPool({ size: 2, tools: { kv: { get: async (k) => `value of ${String(k)}` } } });
 * const result = await pool.execute("return await tools.kv.get('a')");
 * console.log(result.output); // "value of a"
 * await pool.dispose();
 * ```
 */
export async function createSandboxPool(options: SandboxPoolOptions = {}): Promise<SandboxPool> {
  const { size: sizeOption, graceMs: graceOption, maxQueue: queueOption, ...sandboxOptions } = options;
  const poolParsed = poolValidator.parse({ size: sizeOption, graceMs: graceOption, maxQueue: queueOption });
  const core: SandboxCore = createCore(sandboxOptions, "createSandboxPool");
  const size = poolParsed.size ?? Math.max(1, Math.min(4, availableParallelism()));
  const { graceMs, maxQueue } = poolParsed;
  const {
    tools: _tools,
    outputFilter: _filter,
    onSecurityEvent: _sink,
    createExecutionId: _ids,
    clock: _clock,
    ...workerOptions
  } = core.options;
  // Compile the WebAssembly once here; every worker (and every replacement) only instantiates it.
  const init: WorkerInit = { options: workerOptions satisfies WorkerOptions, wasm: await compileReleaseWasm() };
  const spec = workerSpec();
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let disposed = false;
  let restarts = 0;
  let nextRunId = 0;

  const spawn = (): Slot => {
    const worker = new (workerThreads().Worker)(spec.entry, { workerData: init, eval: spec.eval });
    worker.unref();
    const slot: Slot = { worker, busy: false, dead: false, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromWorker): void => {
        if (message.type === "ready") resolve();
        else if (message.type === "failed")
          reject(new SandboxError("WORKER_FAILED", `A sandbox worker failed to start: ${message.message}`));
        else handle(slot, message);
      };
      worker.on("message", onMessage);
      worker.on("error", (error) => {
        reject(new SandboxError("WORKER_FAILED", `A sandbox worker failed: ${String(error)}`, { cause: error }));
        lost(slot, `the worker failed: ${describeHostError(error)}`);
      });
      worker.on("exit", () => {
        reject(new SandboxError("WORKER_FAILED", "A sandbox worker exited while starting."));
        lost(slot, "the worker exited");
      });
    });
    slot.ready.catch(() => undefined);
    return slot;
  };

  // A worker died outside our control: fail its run and replace it.
  const lost = (slot: Slot, why: string): void => {
    if (slot.dead) return;
    slot.dead = true;
    const run = slot.run;
    if (run !== undefined) run.finish(failedRaw(run, "internal", `The sandbox worker stopped: ${why}.`));
    replace(slot);
  };

  const replace = (slot: Slot): void => {
    const index = slots.indexOf(slot);
    if (index === -1 || disposed) return;
    const fresh = spawn();
    slots[index] = fresh;
    fresh.ready.then(pump, () => undefined);
  };

  const kill = (slot: Slot, kind: "timeout" | "aborted", message: string): void => {
    const run = slot.run;
    if (slot.dead || run === undefined) return;
    slot.dead = true;
    restarts++;
    void slot.worker.terminate();
    run.finish(failedRaw(run, kind, message));
    replace(slot);
  };

  const handle = (slot: Slot, message: FromWorker): void => {
    const run = slot.run;
    if (run === undefined || !("runId" in message) || message.runId !== run.runId) return;
    if (message.type === "done") {
      run.finish(message.raw);
      return;
    }
    const reply = (promise: Promise<unknown>, callId: number): void => {
      promise.then(
        (value) => {
          if (slot.run === run && !slot.dead) post(slot, { type: "reply", runId: run.runId, callId, ok: true, value });
        },
        (error: unknown) => {
          if (slot.run !== run || slot.dead) return;
          const code =
            typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string"
              ? (error as { code: string }).code
              : undefined;
          post(slot, { type: "reply", runId: run.runId, callId, ok: false, message: describeHostError(error), code });
        },
      );
    };
    if (message.type === "tool") {
      const host = run.tools;
      const call =
        host === undefined
          ? Promise.reject(Object.assign(new Error("No tools are available."), { code: "TOOL_DENIED" }))
          : (async () => host.call(message.id, message.args, { signal: run.signal, executionId: run.executionId }))();
      reply(call, message.callId);
    } else if (message.type === "fs") {
      const ws = run.workspace;
      const [a, b] = message.args as [string, string];
      const op = async (): Promise<unknown> => {
        if (ws === undefined) throw Object.assign(new Error("No workspace."), { code: "NO_WORKSPACE" });
        switch (message.op) {
          case "readFile":
            return ws.readFile(a, run.signal);
          case "writeFile":
            return ws.writeFile(a, b, run.signal);
          case "readdir":
            return ws.readdir(a, run.signal);
          case "remove":
            return ws.remove(a, run.signal);
          case "usage":
            return ws.usage(run.signal);
        }
      };
      reply(op(), message.callId);
    }
  };

  const post = (slot: Slot, message: ToWorker): void => {
    try {
      slot.worker.postMessage(message);
    } catch {
      // The worker is gone; its exit handler settles the run.
    }
  };

  const start = (slot: Slot, job: Job): void => {
    if (disposed || slot.dead) {
      slot.busy = false;
      if (disposed) job.resolve(abortedResult(core, "The pool was disposed before the execution started."));
      else {
        queue.unshift(job);
        queueMicrotask(pump);
      }
      return;
    }
    let prepared: ReturnType<typeof prepareExecution>;
    try {
      prepared = prepareExecution(core, job.code, job.input, job.options);
    } catch (error) {
      slot.busy = false;
      job.reject(error);
      queueMicrotask(pump);
      return;
    }
    const { request, session } = prepared;
    slot.busy = true;
    const runId = ++nextRunId;
    let controller: AbortController | undefined;
    const started = performance.now();
    let settled = false;
    const run: ActiveRun = {
      runId,
      started,
      executionId: request.executionId,
      get signal() {
        controller ??= new AbortController();
        return controller.signal;
      },
      timer: undefined,
      workspace: request.workspace,
      tools: request.tools,
      finish: (raw) => {
        if (settled) return;
        settled = true;
        if (run.timer !== undefined) clearTimeout(run.timer);
        request.signal?.removeEventListener("abort", onAbort);
        controller?.abort(new Error("execution finished"));
        raw.metrics.wallMs = performance.now() - started;
        if (slot.run === run) {
          slot.run = undefined;
          slot.busy = false;
          // An idle worker does not keep the host process alive; a busy one does (see start()).
          slot.worker.unref();
        }
        finishResult(core, raw, request.executionId, session).then(job.resolve, job.reject);
        queueMicrotask(pump);
      },
    };
    slot.run = run;
    slot.worker.ref();
    const onAbort = (): void => {
      post(slot, { type: "abort", runId });
      // A program stuck in a builtin cannot see the abort: terminate after the grace period.
      setTimeout(() => kill(slot, "aborted", "The host aborted the execution."), graceMs).unref();
    };
    if (request.signal?.aborted === true) {
      run.finish(failedRaw(run, "aborted", "The host aborted the execution."));
      return;
    }
    request.signal?.addEventListener("abort", onAbort, { once: true });
    run.timer = setTimeout(
      () => kill(slot, "timeout", `The program ran longer than ${request.timeoutMs} ms; its worker was terminated.`),
      request.timeoutMs + graceMs,
    );
    run.timer.unref();
    post(slot, {
      type: "run",
      runId,
      code: request.code,
      input: request.input,
      executionId: request.executionId,
      timeoutMs: request.timeoutMs,
      tools:
        request.code.includes("tools") || request.code.includes("servers/")
          ? (request.tools?.list().slice() ?? undefined)
          : undefined,
      hasWorkspace: request.workspace !== undefined,
      hasSessionState: request.hasSessionState,
      sessionState: request.sessionState,
    });
  };

  const pump = (): void => {
    if (disposed) return;
    for (const slot of slots) {
      if (queue.length === 0) return;
      if (slot.busy || slot.dead) continue;
      const job = queue.shift() as Job;
      slot.busy = true;
      slot.ready.then(
        () => start(slot, job),
        () => {
          slot.busy = false;
          queue.unshift(job);
        },
      );
    }
  };

  for (let i = 0; i < size; i++) slots.push(spawn());
  try {
    await Promise.all(slots.map((s) => s.ready));
  } catch (error) {
    disposed = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw error;
  }

  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    for (const job of queue.splice(0)) {
      job.resolve(abortedResult(core, "The pool was disposed before the execution started."));
    }
    for (const slot of slots) {
      const run = slot.run;
      slot.dead = true;
      if (run !== undefined) run.finish(failedRaw(run, "aborted", "The pool was disposed."));
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  };

  return {
    get size() {
      return size;
    },
    get restarts() {
      return restarts;
    },
    get tools() {
      return core.tools;
    },
    get disposed() {
      return disposed;
    },
    execute(code, input, executeOptions) {
      if (disposed) {
        return Promise.reject(
          new SandboxError("DISPOSED", "This pool was disposed; create a new one with createSandboxPool()."),
        );
      }
      if (queue.length >= maxQueue) {
        return Promise.resolve(
          abortedResult(core, `The pool is full (${maxQueue} executions waiting); try again later.`, "internal"),
        );
      }
      return new Promise<ExecutionResult>((resolve, reject) => {
        queue.push({ code, input, options: executeOptions, resolve, reject });
        pump();
      });
    },
    createSession(sessionOptions) {
      if (disposed) throw new SandboxError("DISPOSED", "This pool was disposed.");
      return makeSession(sessionOptions);
    },
    dispose,
    [Symbol.dispose]: () => {
      void dispose();
    },
    [Symbol.asyncDispose]: dispose,
  };
}

function failedRaw(run: ActiveRun, kind: "timeout" | "aborted" | "internal", message: string): RawResult {
  const wallMs = performance.now() - run.started;
  return {
    success: false,
    output: undefined,
    errors: [{ kind, message }],
    logs: [],
    logsTruncated: false,
    metrics: { wallMs, cpuMs: wallMs, instructions: 0, memoryPeakBytes: 0, toolCalls: 0, outputBytes: 0 },
    hasSessionState: false,
    violations:
      kind === "timeout"
        ? [{ type: "RESOURCE_EXHAUSTION", severity: "high", kind: "timeout", detail: `${message} (worker terminated)` }]
        : [],
  };
}

function abortedResult(core: SandboxCore, message: string, kind: "aborted" | "internal" = "aborted"): ExecutionResult {
  return {
    success: false,
    output: undefined,
    errors: [{ kind, message }],
    logs: [],
    logsTruncated: false,
    metrics: { wallMs: 0, cpuMs: 0, instructions: 0, memoryPeakBytes: 0, toolCalls: 0, outputBytes: 0 },
    wasFiltered: false,
    originalSizeBytes: 0,
    filteredSizeBytes: 0,
    executionId: core.nextId(),
  };
}
