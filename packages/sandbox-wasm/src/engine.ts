import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from "quickjs-emscripten-core";
import { JsonDepthError, parseGuestJson, toJson, utf8Bytes } from "./json.js";
import type { ResolvedOptions } from "./options.js";
import { buildPrelude, FS_OP, HOOK } from "./prelude.js";
import { type Native, nativeOf, newRawFunction, readU32, writeU32 } from "./quickjs.js";
import { exposedTools } from "./tools.js";
import {
  ensureStripper,
  isStripError,
  looksLikeTypeScript,
  type PreparedSource,
  prepareSource,
  isStripperLoaded as strippersReady,
  stripTypes,
} from "./transpile.js";
import type {
  ExecutionError,
  ExecutionErrorKind,
  ExecutionMetrics,
  LogEntry,
  LogLevel,
  ToolHost,
  ToolInfo,
} from "./types.js";
import type { Workspace } from "./workspace.js";

/**
 * Interpreter steps between two interrupt checks in QuickJS (its `JS_INTERRUPT_COUNTER_INIT`): `maxInstructions` is
 * enforced, and `metrics.instructions` counted, in multiples of this.
 *
 * @example
 * ```ts
 * const budget = 25 * INSTRUCTION_GRANULARITY; // 250,000 steps
 * ```
 */
export const INSTRUCTION_GRANULARITY: number = 10_000;
const JOB_BATCH = 1024;
/** Tool and workspace calls recorded but not yet settled, at most (each holds a guest promise and its resolvers). */
const MAX_IN_FLIGHT = 100_000;
// Scratch memory layout (bytes): [0] job-context out-pointer, [4..15] argv for calls into the guest, [16..23] the
// resolve/reject out-pointers of a new promise capability.
const SCRATCH_BYTES = 32;
const SCRATCH_ARGV = 4;
const SCRATCH_CAPABILITY = 16;
const MAX_ERROR_TEXT = 4096;
const MAIN_FILE = "main.ts";
const LEVELS: readonly LogLevel[] = ["log", "info", "warn", "error", "debug"];
const SERVERS_PREFIX = "servers/";

/** A limit or policy the program ran into, reported to the host as a security event. */
export interface Violation {
  type: "SANDBOX_VIOLATION" | "RESOURCE_EXHAUSTION";
  severity: "low" | "medium" | "high";
  kind: string;
  detail: string;
}

/** What the engine produces; the sandbox then filters output and logs and emits events. */
export interface RawResult {
  success: boolean;
  output: unknown;
  errors: ExecutionError[];
  logs: LogEntry[];
  logsTruncated: boolean;
  metrics: ExecutionMetrics;
  sessionState?: unknown;
  hasSessionState: boolean;
  violations: Violation[];
  /** Set when the QuickJS module may be unusable after this run (a failed dispose). */
  moduleSuspect?: boolean;
}

/** One execution's inputs. */
export interface RunRequest {
  code: string;
  input: unknown;
  executionId: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  tools?: ToolHost | undefined;
  workspace?: Workspace | undefined;
  hasSessionState: boolean;
  sessionState?: unknown;
  /** Tool and workspace calls in flight at most (tests lower it); default 100,000. */
  maxInFlight?: number;
}

type StopReason = "timeout" | "instructions" | "aborted" | "jobs" | "memory";

/** What the engine can see of the memory of the instance a program runs in. */
export interface InstanceMemory {
  /** Bytes of WebAssembly memory the instance has now (0 when unknown). */
  memoryBytes(): number;
}

/** A guest call recorded by the bridge function, dispatched after the guest yields. */
interface GuestCall {
  n: number;
  index: number;
  /** 0: `payload` is the number argument itself; 1: `payload` is JSON text (`""` for no argument). */
  kind: number;
  payload: number | string;
}

interface Completed {
  n: number;
  /** 1: payload is JSON text; 2: payload is the value itself (a number or string); else an error code. */
  status: 1 | 2 | string;
  payload: string | number;
}

const mentions = (code: string, word: string): boolean => code.includes(word);

/** Module instances whose memory usage was computed once before any program ran (see `Run.execute`). */
const memoryUsageWarmed = new WeakSet<QuickJSWASMModule>();

/** Runs one program in a fresh QuickJS runtime and context, then disposes both. Never throws. */
export async function runProgram(
  module: QuickJSWASMModule,
  options: ResolvedOptions,
  request: RunRequest,
  memory?: InstanceMemory,
): Promise<RawResult> {
  const run = new Run(module, options, request, memory);
  try {
    return await run.execute();
  } catch (error) {
    return run.internalFailure(error);
  }
}

class Run {
  private readonly started = performance.now();
  private deadline: number;
  private readonly maxPolls: number;
  private polls = 0;
  private stop: StopReason | undefined;
  private cpuMs = 0;
  private jobs = 0;
  private toolCalls = 0;
  private inflight = 0;
  private readonly completed: Completed[] = [];
  private wake: (() => void) | undefined;
  private readonly violations: Violation[] = [];
  private readonly errors: ExecutionError[] = [];
  private abortController: AbortController | undefined;
  private rt: QuickJSRuntime | undefined;
  private ctx: QuickJSContext | undefined;
  private native: Native | undefined;
  private readonly handles: QuickJSHandle[] = [];
  private hooks: QuickJSHandle[] = [];
  private scratch = 0;
  private callSeq = 0;
  private readonly calls: GuestCall[] = [];
  /** Resolve and reject function pointers of each guest promise not settled yet, by call number. */
  private readonly settlers = new Map<number, readonly [number, number]>();
  private tools: ToolInfo[] = [];
  private readonly skills = new Map<string, string>();
  private moduleSuspect = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Instance memory size when the program started, and how far the program may grow it. */
  private memoryBase = 0;
  private readonly memoryBudget: number;

  constructor(
    private readonly module: QuickJSWASMModule,
    private readonly options: ResolvedOptions,
    private readonly request: RunRequest,
    private readonly memory: InstanceMemory | undefined,
  ) {
    this.deadline = this.started + request.timeoutMs;
    this.maxPolls = Math.ceil(options.maxInstructions / INSTRUCTION_GRANULARITY);
    this.memoryBudget = Math.floor(options.maxMemoryMb * 1024 * 1024);
  }

  /**
   * Whether the program grew the instance's WebAssembly memory by more than `maxMemoryMb`. QuickJS's own heap limit
   * counts allocations rather than bytes on this build (quickjs-emscripten#271); the growth of the memory is what the
   * program really took from the host. Reading it costs one property access.
   */
  private grewTooMuch(): boolean {
    return this.memory !== undefined && this.memory.memoryBytes() - this.memoryBase > this.memoryBudget;
  }

  private get abort(): AbortController {
    this.abortController ??= new AbortController();
    return this.abortController;
  }

  private readonly onInterrupt = (): boolean => {
    if (this.stop !== undefined) return true;
    this.polls++;
    if (this.polls >= this.maxPolls) this.stop = "instructions";
    else if (this.grewTooMuch()) this.stop = "memory";
    else if (performance.now() > this.deadline) this.stop = "timeout";
    else if (this.request.signal?.aborted === true) this.stop = "aborted";
    return this.stop !== undefined;
  };

  async execute(): Promise<RawResult> {
    const { request, options } = this;
    if (request.signal?.aborted === true) {
      this.stop = "aborted";
      return this.finish(undefined, false);
    }
    if (options.language === "typescript" || (options.language === "auto" && looksLikeTypeScript(request.code))) {
      if (!strippersReady()) {
        await ensureStripper();
        // Loading the stripper once per process is the host's cost, not the program's.
        this.deadline = performance.now() + request.timeoutMs;
      }
    }
    let prepared = prepareSource(request.code, options.language);
    if (isStripError(prepared)) {
      this.errors.push({ kind: "syntax", name: "SyntaxError", ...prepared });
      return this.finish(undefined, false);
    }
    const code = request.code;
    const needsWorkspace = mentions(code, "fs") || mentions(code, "skills/");
    const workspace = needsWorkspace ? request.workspace : undefined;
    if (workspace !== undefined && mentions(code, "skills/")) await this.prefetchSkills(workspace);
    const wantsTools = mentions(code, "tools") || mentions(code, SERVERS_PREFIX);
    this.tools = wantsTools ? this.listTools() : [];

    const rt = this.module.newRuntime();
    this.rt = rt;
    try {
      rt.setMemoryLimit(Math.floor(options.maxMemoryMb * 1024 * 1024));
      rt.setMaxStackSize(options.maxStackKb * 1024);
      rt.setInterruptHandler(this.onInterrupt);
      const ctx = rt.newContext();
      this.ctx = ctx;
      this.native = nativeOf(ctx);
      this.scratch = this.native.module._malloc(SCRATCH_BYTES);
      if (this.scratch === 0) throw new Error("out of memory allocating scratch space");
      this.memoryBase = this.memory?.memoryBytes() ?? 0;
      if (!memoryUsageWarmed.has(this.module)) {
        // The first memory-usage computation of a module instance after an out-of-memory error was seen to corrupt
        // it: do one on each instance before any program code runs (here, not in a throwaway runtime and context at
        // load time, which cost a second context creation on the startup path).
        memoryUsageWarmed.add(this.module);
        this.memoryUsed();
      }
      if (prepared.isModule || mentions(code, "import")) this.installModuleLoader(rt);

      const usesConsole = mentions(code, "console");
      const usesBridge = wantsTools || workspace !== undefined;
      const needsPrelude =
        usesConsole ||
        usesBridge ||
        (request.input !== undefined && mentions(code, "input")) ||
        request.hasSessionState ||
        options.globals !== undefined;
      if (needsPrelude && !this.installPrelude(ctx, usesConsole, usesBridge, workspace !== undefined)) {
        return this.finish(undefined, false);
      }

      if (!needsPrelude) {
        // Capture JSON.stringify before the program can replace it (the prelude does this when it is installed).
        const json = ctx.getProp(ctx.global, "JSON");
        this.stringify = ctx.getProp(json, "stringify");
        json.dispose();
        this.handles.push(this.stringify);
      }
      let main = this.evaluate(ctx, prepared);
      if (main === "retry" && options.language === "auto" && !prepared.stripped) {
        await ensureStripper();
        const stripped = stripTypes(code);
        if (isStripError(stripped)) {
          this.errors.length = 0;
          this.errors.push({ kind: "syntax", name: "SyntaxError", ...stripped });
          return this.finish(undefined, false);
        }
        this.errors.length = 0;
        prepared = stripped;
        if (prepared.isModule) this.installModuleLoader(rt);
        main = this.evaluate(ctx, prepared);
      }
      if (main === undefined || main === "retry") return this.finish(undefined, false);
      return await this.drive(ctx, main, workspace);
    } catch (error) {
      // A host stack overflow inside WebAssembly leaves the module's own stack pointer and heap in an unknown state:
      // never touch this instance again.
      if (isHostStackOverflow(error)) this.moduleSuspect = true;
      throw error;
    } finally {
      this.dispose();
    }
  }

  /** Result for an error thrown by the engine itself (a bug or a broken module), never by the program. */
  internalFailure(error: unknown): RawResult {
    if (isHostStackOverflow(error)) {
      this.moduleSuspect = true;
      this.dispose();
      this.errors.push({
        kind: "stack",
        message:
          "The program's data or recursion went deeper than the host stack allows (e.g. serialising very deeply nested values); it was stopped and the engine instance replaced.",
      });
    } else {
      this.dispose();
      this.errors.push({ kind: "internal", message: `Sandbox internal error: ${describeHostError(error)}` });
    }
    return this.result(undefined, false, 0);
  }

  private listTools(): ToolInfo[] {
    const host = this.request.tools;
    if (host === undefined) return [];
    return exposedTools(host);
  }

  private async prefetchSkills(workspace: Workspace): Promise<void> {
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (depth > 4) return;
      for (const name of await workspace.readdir(dir, this.abort.signal)) {
        if (name.endsWith("/")) await walk(`${dir}/${name.slice(0, -1)}`, depth + 1);
        else if (/\.(?:ts|js|mjs|mts)$/.test(name)) {
          const text = await workspace.readFile(`${dir}/${name}`, this.abort.signal);
          if (text !== undefined) this.skills.set(`${dir}/${name}`, text);
        }
      }
    };
    try {
      await walk("skills", 0);
      if (this.skills.size > 0) await ensureStripper();
    } catch {
      // No skills directory, or an unreadable one: imports of skills then fail with "module not found".
    }
  }

  /**
   * Checks every static import of a module up front (QuickJS swallows loader errors for static imports), recursing
   * into skills. Returns an error naming the first import that cannot be resolved.
   */
  private checkImports(code: string, base: string, seen = new Set<string>()): ExecutionError | undefined {
    const re = /(?:^|[\n;])\s*(?:import|export)\s*(?:[\w$*{][^'"]*?from\s*)?(['"])([^'"\n]+)\1/g;
    for (let m = re.exec(code); m !== null; m = re.exec(code)) {
      const spec = m[2] as string;
      const name = normalizeModuleName(base, spec);
      const line = code.slice(0, m.index + 1).split("\n").length + (code[m.index] === "\n" ? 1 : 0);
      const where = base === MAIN_FILE ? { line } : {};
      if (name === undefined) {
        return {
          kind: "runtime",
          name: "Error",
          message: `Cannot find module '${spec}': it leaves the workspace`,
          ...where,
        };
      }
      try {
        const source = this.loadModule(name);
        if (!name.startsWith(SERVERS_PREFIX) && !seen.has(name)) {
          seen.add(name);
          const inner = this.checkImports(source, name, seen);
          if (inner !== undefined) return inner;
        }
      } catch (error) {
        const kind = error instanceof SyntaxError ? "syntax" : "runtime";
        return { kind, name: kind === "syntax" ? "SyntaxError" : "Error", message: describeHostError(error), ...where };
      }
    }
    return undefined;
  }

  private installModuleLoader(rt: QuickJSRuntime): void {
    rt.setModuleLoader((name) => this.loadModule(name));
  }

  private loadModule(name: string): string {
    if (name === MAIN_FILE && this.mainIsModule) return this.mainSource;
    if (name.startsWith(SERVERS_PREFIX)) {
      const server = name.slice(SERVERS_PREFIX.length).replace(/\.(?:ts|js)$/, "");
      const names = this.tools.filter((t) => t.server === server).map((t) => t.name);
      if (names.length === 0)
        throw new Error(`Cannot find module '${name}': no tools of server '${server}' are allowed`);
      const exportsList = names.map((n) => `export const ${n} = t.${n};`).join("\n");
      return `const t = globalThis.tools[${JSON.stringify(server)}];\n${exportsList}\nexport default t;`;
    }
    const skill = this.skills.get(name) ?? this.skills.get(`${name}.ts`);
    if (skill !== undefined) {
      if (!/\.(?:ts|mts)$/.test(name) && !this.skills.has(`${name}.ts`)) return skill;
      const stripped = stripTypes(skill);
      if (isStripError(stripped))
        throw new SyntaxError(`${stripped.message} in ${name}:${stripped.line}:${stripped.column}`);
      return stripped.code;
    }
    throw new Error(`Cannot find module '${name}': only servers/<server> and ./skills/<name>.ts can be imported`);
  }

  private installPrelude(ctx: QuickJSContext, usesConsole: boolean, usesBridge: boolean, usesFs: boolean): boolean {
    const { options, request } = this;
    const source = buildPrelude({
      console: usesConsole,
      bridge: usesBridge,
      fs: usesFs,
      tools: this.tools.map((t, i) => [i, t.server, t.name] as const),
      maxLogChars: options.maxLogBytes,
      maxPayloadChars: options.maxToolPayloadBytes,
      maxToolCalls: options.maxToolCalls,
    });
    const result = ctx.evalCode(source, "prelude.js", { type: "global", strict: true });
    if (result.error) {
      this.recordGuestError(ctx, result.error, "internal");
      result.error.dispose();
      return false;
    }
    const init = result.value;
    this.handles.push(init);
    const args: QuickJSHandle[] = [];
    if (usesBridge) {
      const bridge = newRawFunction(ctx, "", this.onGuestCall);
      this.handles.push(bridge);
      args.push(bridge);
    }
    const made = ctx.callFunction(init, ctx.undefined, ...args);
    if (made.error) {
      this.recordGuestError(ctx, made.error, "internal");
      made.error.dispose();
      return false;
    }
    const table = made.value;
    this.handles.push(table);
    const hookCount = usesBridge ? 5 : 3;
    for (let i = 0; i < hookCount; i++) {
      const h = ctx.getProp(table, i);
      this.handles.push(h);
      this.hooks.push(h);
    }
    const define = (key: string, value: unknown, readonly: boolean): boolean => {
      const json = toJson(value);
      if (!json.ok) {
        this.errors.push({ kind: "internal", message: `${key} ${json.message}` });
        return false;
      }
      const args = [ctx.newString(key), ctx.newString(json.text ?? ""), readonly ? ctx.true : ctx.false];
      const r = ctx.callFunction(this.hook(HOOK.define), ctx.undefined, args);
      for (const a of args) a.dispose();
      if (r.error) {
        this.recordGuestError(ctx, r.error, "internal");
        r.error.dispose();
        return false;
      }
      r.value.dispose();
      return true;
    };
    for (const [key, value] of Object.entries(options.globals ?? {})) {
      if (!define(key, value, true)) return false;
    }
    if (request.input !== undefined && !define("input", request.input, false)) return false;
    if (request.hasSessionState && !define("state", request.sessionState, false)) return false;
    return true;
  }

  private hook(index: number): QuickJSHandle {
    const h = this.hooks[index];
    if (h === undefined) throw new Error("prelude hook missing");
    return h;
  }

  /** Evaluates the program; returns the handle of its completion promise, `retry` for a JS syntax error in auto mode. */
  private evaluate(ctx: QuickJSContext, prepared: PreparedSource): QuickJSHandle | "retry" | undefined {
    const t0 = performance.now();
    let result: ReturnType<QuickJSContext["evalCode"]>;
    if (prepared.isModule) {
      const missing = this.checkImports(prepared.code, MAIN_FILE);
      if (missing !== undefined) {
        this.errors.push(missing);
        return undefined;
      }
      // Load the program through the module loader so a default export can be awaited as the output.
      this.mainSource = prepared.code;
      this.mainIsModule = true;
      result = ctx.evalCode(`import(${JSON.stringify(`./${MAIN_FILE}`)}).then((m) => m.default)`, "athena:entry.js", {
        type: "global",
      });
    } else {
      result = ctx.evalCode(`(async () => {${prepared.code}\n})()`, MAIN_FILE, { type: "global" });
    }
    this.cpuMs += performance.now() - t0;
    if (result.error) {
      const error = this.readError(ctx, result.error);
      result.error.dispose();
      if (
        error.name === "SyntaxError" &&
        !prepared.stripped &&
        !prepared.isModule &&
        this.options.language === "auto"
      ) {
        return "retry";
      }
      this.errors.push(this.classify(error, error.name === "SyntaxError" ? "syntax" : undefined));
      return undefined;
    }
    this.handles.push(result.value);
    return result.value;
  }

  private mainIsModule = false;
  private stringify: QuickJSHandle | undefined;
  private mainSource = "";

  /**
   * Runs jobs, serves tool calls and waits for the program's promise to settle. Event-driven: a finished tool call
   * schedules one synchronous step (flush results → run jobs → drain the outbox), so a round trip costs no extra
   * host promise hops.
   */
  private drive(ctx: QuickJSContext, main: QuickJSHandle, workspace: Workspace | undefined): Promise<RawResult> {
    const native = this.native as Native;
    return new Promise<RawResult>((resolve, reject) => {
      let done = false;
      const finishWith = (result: () => RawResult): void => {
        done = true;
        this.wake = undefined;
        try {
          resolve(result());
        } catch (error) {
          reject(error);
        }
      };
      const step = (): void => {
        this.stepScheduled = false;
        if (done) return;
        this.inStep = true;
        try {
          for (;;) {
            if (this.stop !== undefined) {
              finishWith(() => this.finish(undefined, false));
              return;
            }
            if (this.completed.length > 0) this.flushCompleted(native);
            this.pump(native);
            if (this.stop !== undefined) {
              finishWith(() => this.finish(undefined, false));
              return;
            }
            if (this.errors.length > 0) {
              finishWith(() => this.finish(undefined, false));
              return;
            }
            if (this.calls.length > 0) this.dispatchCalls(workspace);
            if (native.ffi.QTS_PromiseState(native.ctx, main.value) !== 0 /* pending */) {
              finishWith(() => this.settle(ctx, main));
              return;
            }
            if (this.completed.length > 0 || native.ffi.QTS_IsJobPending(native.rt) !== 0) continue;
            if (this.inflight === 0) {
              this.errors.push({
                kind: "runtime",
                message:
                  "The program is waiting for a promise that can never settle (no tool call or job is pending). Timers are not available in the sandbox.",
              });
              finishWith(() => this.finish(undefined, false));
              return;
            }
            this.armDeadline();
            return;
          }
        } catch (error) {
          done = true;
          reject(error);
        } finally {
          this.inStep = false;
        }
      };
      this.wake = step;
      step();
    });
  }

  private inStep = false;
  private stepScheduled = false;

  /** Reads the settled program promise. */
  private settle(ctx: QuickJSContext, main: QuickJSHandle): RawResult {
    const settled = ctx.getPromiseState(main);
    if (settled.type === "fulfilled") {
      if (settled.notAPromise === true) {
        settled.value.dispose();
        return this.finish(undefined, true);
      }
      this.handles.push(settled.value);
      return this.finish(settled.value, true);
    }
    if (settled.type === "rejected") {
      const error = this.readError(ctx, settled.error);
      settled.error.dispose();
      const syntaxInModule = this.mainIsModule && error.name === "SyntaxError";
      this.errors.push(this.classify(error, syntaxInModule ? "syntax" : undefined));
    }
    return this.finish(undefined, false);
  }

  /** Starts the deadline timer and abort listener the first time the program waits for the host. */
  private armDeadline(): void {
    if (this.timer !== undefined) return;
    const remaining = Math.max(0, this.deadline - performance.now());
    this.timer = setTimeout(() => {
      this.stop ??= "timeout";
      this.abort.abort(new Error("execution timed out"));
      this.schedule();
    }, remaining + 1);
    const signal = this.request.signal;
    signal?.addEventListener(
      "abort",
      () => {
        this.stop ??= "aborted";
        this.abort.abort(signal.reason);
        this.schedule();
      },
      { once: true, signal: this.abort.signal },
    );
  }

  /** Schedules one step (coalescing completions that arrive in the same tick). */
  private schedule(): void {
    if (this.inStep || this.stepScheduled || this.wake === undefined) return;
    this.stepScheduled = true;
    queueMicrotask(this.wake);
  }

  private pump(native: Native): void {
    const { ffi, module } = native;
    const t0 = performance.now();
    try {
      for (;;) {
        if (this.stop !== undefined) return;
        const out = this.scratch;
        writeU32(module, out, 0);
        const resultPtr = ffi.QTS_ExecutePendingJob(native.rt, JOB_BATCH, out);
        const jobCtx = readU32(module, out);
        if (jobCtx === 0) {
          ffi.QTS_FreeValuePointer(native.ctx, resultPtr);
          return;
        }
        // A count of executed jobs, or the uncatchable error that stopped them. Catchable errors never come out of
        // here (they reject promises), and the only uncatchable one is our interrupt, which sets \`stop\`.
        const count = this.stop === undefined ? ffi.QTS_GetFloat64(native.ctx, resultPtr) : Number.NaN;
        if (count >= 0) {
          ffi.QTS_FreeValuePointer(native.ctx, resultPtr);
          this.jobs += count;
          if (this.jobs > this.options.maxPromiseJobs) {
            this.stop = "jobs";
            return;
          }
          if (count < JOB_BATCH) return;
        } else {
          const ctx = this.ctx as QuickJSContext;
          const handle = (ctx as unknown as ContextMemoryAccess).memory.heapValueHandle(resultPtr);
          if (this.stop === undefined) this.errors.push(this.classify(this.readError(ctx, handle)));
          handle.dispose();
          return;
        }
      }
    } finally {
      this.cpuMs += performance.now() - t0;
    }
  }

  /**
   * The bridge function `H(index, kind, payload)`, called synchronously by the guest's tool wrappers: copies the
   * argument out (a number as itself, JSON text length-checked by the prelude), records the call and returns a new
   * promise whose resolve and reject functions the host keeps until the call completes. Nothing is dispatched here:
   * host tools run after the guest yields, never inside a WebAssembly call.
   */
  private readonly onGuestCall = (argc: number, argv: number): number => {
    const native = this.native;
    if (native === undefined || argc < 3 || this.settlers.size >= (this.request.maxInFlight ?? MAX_IN_FLIGHT)) return 0;
    const { ffi, module } = native;
    const index = ffi.QTS_GetFloat64(native.ctx, ffi.QTS_ArgvGetJSValueConstPointer(argv, 0));
    const kind = ffi.QTS_GetFloat64(native.ctx, ffi.QTS_ArgvGetJSValueConstPointer(argv, 1));
    const value = ffi.QTS_ArgvGetJSValueConstPointer(argv, 2);
    let payload: number | string;
    if (kind === 0) payload = ffi.QTS_GetFloat64(native.ctx, value);
    else {
      const str = ffi.QTS_GetString(native.ctx, value);
      if (str === 0) return 0;
      payload = module.UTF8ToString(str);
      ffi.QTS_FreeCString(native.ctx, str);
    }
    const out = this.scratch + SCRATCH_CAPABILITY;
    const promise = ffi.QTS_NewPromiseCapability(native.ctx, out);
    const resolve = readU32(module, out);
    const reject = readU32(module, out + 4);
    const failed = ffi.QTS_ResolveException(native.ctx, promise);
    if (failed !== 0) {
      // Out of memory: the resolving functions were never made; free their holders only and throw the error.
      ffi.QTS_FreeValuePointer(native.ctx, failed);
      module._free(resolve);
      module._free(reject);
      return promise;
    }
    const n = ++this.callSeq;
    this.settlers.set(n, [resolve, reject]);
    this.calls.push({ n, index, kind, payload });
    return promise;
  };

  /** Starts the calls the guest made since the last step. */
  private dispatchCalls(workspace: Workspace | undefined): void {
    const calls = this.calls.splice(0);
    for (const call of calls) {
      if (call.index < 0) this.dispatchFs(call, workspace);
      else this.dispatch(call);
    }
  }

  /** The argument of a guest call as host data; throws for JSON that is malformed or nested deeper than `depth`. */
  private argumentOf(call: GuestCall, depth: number): unknown {
    if (call.kind === 0) {
      const n = call.payload as number;
      // As JSON would carry it: no -0, no NaN or infinities.
      return Number.isFinite(n) ? n + 0 : null;
    }
    const text = String(call.payload);
    return text === "" ? undefined : parseGuestJson(text, depth);
  }

  private dispatch(call: GuestCall): void {
    const { n, index } = call;
    const info = this.tools[index];
    if (info === undefined || this.request.tools === undefined) {
      this.violation("SANDBOX_VIOLATION", "high", "tool_denied", `call to unknown tool index ${index}`);
      this.complete(n, "TOOL_DENIED", "This tool is not available to the program.");
      return;
    }
    if (this.toolCalls >= this.options.maxToolCalls) {
      this.violation(
        "RESOURCE_EXHAUSTION",
        "medium",
        "tool_limit",
        `more than ${this.options.maxToolCalls} tool calls`,
      );
      this.complete(n, "TOOL_LIMIT", `tool call limit of ${this.options.maxToolCalls} reached`);
      return;
    }
    this.toolCalls++;
    let args: unknown;
    try {
      args = this.argumentOf(call, this.options.maxDepth);
    } catch (error) {
      this.complete(n, "INVALID_ARGUMENTS", `Tool arguments rejected: ${describeHostError(error)}`);
      return;
    }
    this.inflight++;
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(
        this.request.tools.call(info.id, args, { signal: this.abort.signal, executionId: this.request.executionId }),
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => this.toolDone(n, value),
      (error: unknown) => this.toolFailed(n, error),
    );
  }

  private toolDone(n: number, value: unknown): void {
    this.inflight--;
    // Numbers and short strings cross as themselves: no JSON on either side.
    if (typeof value === "number" && Number.isFinite(value)) {
      this.complete(n, 2, value);
      return;
    }
    if (typeof value === "string" && value.length <= this.options.maxToolPayloadBytes / 3) {
      this.complete(n, 2, value);
      return;
    }
    const json = toJson(value);
    if (!json.ok) {
      this.complete(n, "TOOL_FAILED", `The tool returned something that is not JSON data: ${json.message}`);
      return;
    }
    const text = json.text ?? "";
    if (text.length > this.options.maxToolPayloadBytes) {
      this.complete(n, "RESULT_TOO_LARGE", `The tool result is larger than ${this.options.maxToolPayloadBytes} bytes.`);
      return;
    }
    this.complete(n, 1, text);
  }

  private toolFailed(n: number, error: unknown): void {
    this.inflight--;
    const code =
      typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string"
        ? (error as { code: string }).code
        : "TOOL_FAILED";
    if (code === "TOOL_DENIED") this.violation("SANDBOX_VIOLATION", "high", "tool_denied", describeHostError(error));
    this.complete(n, code, describeHostError(error));
  }

  private dispatchFs(call: GuestCall, workspace: Workspace | undefined): void {
    const { n, index: op } = call;
    if (workspace === undefined) {
      this.complete(n, "NO_WORKSPACE", "No workspace is attached to this execution.");
      return;
    }
    let args: unknown;
    try {
      args = this.argumentOf(call, 4);
    } catch (error) {
      this.complete(n, "INVALID_ARGUMENTS", describeHostError(error));
      return;
    }
    const signal = this.abort.signal;
    const path = (v: unknown): string => {
      if (typeof v !== "string") throw new TypeError("the path must be a string");
      return v;
    };
    const run = async (): Promise<unknown> => {
      switch (op) {
        case FS_OP.readFile: {
          const text = await workspace.readFile(path(args), signal);
          if (text === undefined)
            throw Object.assign(new Error(`ENOENT: no such file ${String(args)}`), { code: "ENOENT" });
          return text;
        }
        case FS_OP.writeFile: {
          const [p, data] = Array.isArray(args) ? args : [];
          await workspace.writeFile(path(p), String(data), signal);
          return undefined;
        }
        case FS_OP.readdir:
          return workspace.readdir(path(args), signal);
        case FS_OP.unlink:
          return workspace.remove(path(args), signal);
        case FS_OP.exists:
          return (await workspace.readFile(path(args), signal)) !== undefined;
        default:
          throw new Error("unknown workspace operation");
      }
    };
    this.inflight++;
    run().then(
      (value) => this.toolDone(n, value),
      (error: unknown) => {
        if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "WORKSPACE_PATH") {
          this.violation("SANDBOX_VIOLATION", "medium", "workspace_path", describeHostError(error));
        }
        this.toolFailed(n, error);
      },
    );
  }

  private violation(type: Violation["type"], severity: Violation["severity"], kind: string, detail: string): void {
    if (this.violations.length < 16) this.violations.push({ type, severity, kind, detail });
  }

  private complete(n: number, status: 1 | 2 | string, payload: string | number): void {
    this.completed.push({ n, status, payload });
    this.schedule();
  }

  /**
   * Settles finished calls: each guest promise through the resolve or reject function kept for it (numbers and
   * strings as themselves, JSON parsed by the captured `JSON.parse`, failures as `ToolError`s made by the prelude).
   */
  private flushCompleted(native: Native): void {
    const { ffi } = native;
    const c = native.ctx;
    const undef = ffi.QTS_GetUndefined();
    try {
      for (let i = 0; i < this.completed.length; i++) {
        if (this.stop !== undefined) break;
        const done = this.completed[i] as Completed;
        const settler = this.settlers.get(done.n);
        if (settler === undefined) continue;
        this.settlers.delete(done.n);
        const [resolve, reject] = settler;
        if (typeof done.status === "number") {
          let value = undef;
          if (done.status === 2) {
            value =
              typeof done.payload === "number" ? ffi.QTS_NewFloat64(c, done.payload) : newString(native, done.payload);
          } else if (done.payload !== "") {
            const text = newString(native, String(done.payload));
            value = this.callGuest(native, this.hook(HOOK.parse).value, text, undef);
            ffi.QTS_FreeValuePointer(c, text);
          }
          if (value < 0) {
            // JSON.parse threw (e.g. the guest ran out of stack or memory): the promise rejects with that error.
            this.settleWith(native, reject, -value);
            ffi.QTS_FreeValuePointer(c, -value);
          } else {
            this.settleWith(native, resolve, value);
            if (value !== undef) ffi.QTS_FreeValuePointer(c, value);
          }
        } else {
          const message = newString(native, String(done.payload));
          const code = newString(native, done.status);
          const made = this.callGuest(native, this.hook(HOOK.error).value, message, code);
          const error = made < 0 ? -made : made;
          this.settleWith(native, reject, error);
          ffi.QTS_FreeValuePointer(c, error);
          ffi.QTS_FreeValuePointer(c, message);
          ffi.QTS_FreeValuePointer(c, code);
        }
        ffi.QTS_FreeValuePointer(c, resolve);
        ffi.QTS_FreeValuePointer(c, reject);
      }
    } finally {
      this.completed.length = 0;
    }
  }

  /**
   * Calls a prelude function with one or two arguments; returns the result pointer, or the negated pointer of the
   * error it threw (both owned by the caller).
   */
  private callGuest(native: Native, fn: number, a: number, b: number): number {
    const { ffi, module } = native;
    const argv = this.scratch + SCRATCH_ARGV;
    writeU32(module, argv, a);
    writeU32(module, argv + 4, b);
    const r = ffi.QTS_Call(native.ctx, fn, ffi.QTS_GetUndefined(), 2, argv);
    const e = ffi.QTS_ResolveException(native.ctx, r);
    if (e === 0) return r;
    ffi.QTS_FreeValuePointer(native.ctx, r);
    return -e;
  }

  /** Calls a promise's resolve or reject function with `value`; whatever it throws (an interrupt) is dropped. */
  private settleWith(native: Native, fn: number, value: number): void {
    const { ffi, module } = native;
    const argv = this.scratch + SCRATCH_ARGV;
    writeU32(module, argv, value);
    const r = ffi.QTS_Call(native.ctx, fn, ffi.QTS_GetUndefined(), 1, argv);
    const e = ffi.QTS_ResolveException(native.ctx, r);
    if (e !== 0) ffi.QTS_FreeValuePointer(native.ctx, e);
    ffi.QTS_FreeValuePointer(native.ctx, r);
  }

  /** Copies the output and logs out (length-checked first), builds the result. */
  private finish(value: QuickJSHandle | undefined, ok: boolean): RawResult {
    // A builtin (one big allocation) can grow the memory between two interrupts: the same rule applies at the end.
    if (this.stop === undefined && this.grewTooMuch()) this.stop = "memory";
    let success = ok && this.errors.length === 0 && this.stop === undefined;
    let output: unknown;
    let outputBytes = 0;
    if (this.stop !== undefined) this.errors.unshift(this.stopError(this.stop));
    const ctx = this.ctx;
    if (success && value !== undefined && ctx !== undefined) {
      const read = this.readJson(ctx, value, this.options.maxOutputBytes, "output");
      if (read.ok) {
        output = read.value;
        outputBytes = read.bytes;
      } else {
        success = false;
        this.errors.push(read.error);
      }
    }
    const { logs, truncated } =
      ctx !== undefined && this.hooks.length > 0 ? this.readLogs(ctx) : { logs: [], truncated: false };
    let sessionState: unknown = this.request.sessionState;
    if (this.request.hasSessionState && ctx !== undefined && this.hooks.length > 0 && this.stop === undefined) {
      const handle = ctx.getProp(ctx.global, "state");
      const read = this.readJson(ctx, handle, this.options.maxOutputBytes, "state");
      handle.dispose();
      if (read.ok) sessionState = read.value;
      else this.errors.push(read.error);
      success = success && read.ok;
    }
    const memory = this.memoryUsed();
    return this.result(output, success, outputBytes, logs, truncated, sessionState, memory);
  }

  private result(
    output: unknown,
    success: boolean,
    outputBytes: number,
    logs: LogEntry[] = [],
    logsTruncated = false,
    sessionState?: unknown,
    memory = 0,
  ): RawResult {
    for (const e of this.errors) {
      if (e.kind === "memory" || e.kind === "stack" || e.kind === "timeout" || e.kind === "instructions") {
        this.violation("RESOURCE_EXHAUSTION", "medium", e.kind, e.message);
      } else if (e.kind === "output_too_large") {
        this.violation("RESOURCE_EXHAUSTION", "low", e.kind, e.message);
      }
    }
    const raw: RawResult = {
      success,
      output: success ? output : undefined,
      errors: this.errors,
      logs,
      logsTruncated,
      metrics: {
        wallMs: performance.now() - this.started,
        cpuMs: this.cpuMs,
        instructions: this.polls * INSTRUCTION_GRANULARITY,
        memoryPeakBytes: memory,
        toolCalls: this.toolCalls,
        outputBytes,
      },
      hasSessionState: this.request.hasSessionState,
      violations: this.violations,
    };
    if (this.request.hasSessionState) raw.sessionState = sessionState;
    if (this.moduleSuspect) raw.moduleSuspect = true;
    return raw;
  }

  private memoryUsed(): number {
    if (this.errors.some((e) => e.kind === "memory")) return Math.floor(this.options.maxMemoryMb * 1024 * 1024);
    const rt = this.rt;
    const ctx = this.ctx;
    if (rt === undefined || ctx === undefined) return 0;
    const native = this.native;
    if (native === undefined) return 0;
    try {
      const ptr = native.ffi.QTS_RuntimeComputeMemoryUsage(native.rt, native.ctx);
      const usage = (ctx as unknown as ContextMemoryAccess).memory.heapValueHandle(ptr);
      const used = ctx.getProp(usage, "memory_used_size");
      const bytes = ctx.getNumber(used);
      used.dispose();
      usage.dispose();
      return bytes;
    } catch {
      return 0;
    }
  }

  /** Serialises a guest value with the captured JSON.stringify, checking the length before copying it out. */
  private readJson(
    ctx: QuickJSContext,
    value: QuickJSHandle,
    maxBytes: number,
    what: "output" | "state",
  ): { ok: true; value: unknown; bytes: number } | { ok: false; error: ExecutionError } {
    const type = ctx.typeof(value);
    if (type === "undefined") return { ok: true, value: undefined, bytes: 0 };
    if (type === "number") {
      const n = ctx.getNumber(value);
      return { ok: true, value: Number.isFinite(n) ? n : null, bytes: String(n).length };
    }
    if (type === "boolean") {
      const b = ctx.dump(value) === true;
      return { ok: true, value: b, bytes: b ? 4 : 5 };
    }
    const stringify = this.hooks.length > 0 ? this.hook(HOOK.stringify) : this.stringify;
    if (stringify === undefined)
      return { ok: false, error: { kind: "internal", message: "JSON.stringify was not captured" } };
    const t0 = performance.now();
    const r = ctx.callFunction(stringify, ctx.undefined, value);
    this.cpuMs += performance.now() - t0;
    if (r.error) {
      const error = this.readError(ctx, r.error);
      r.error.dispose();
      const classified = this.classify(error);
      if (classified.kind === "runtime") {
        classified.message = `The ${what} could not be serialised as JSON: ${classified.message}`;
      }
      return { ok: false, error: classified };
    }
    const str = r.value;
    try {
      if (ctx.typeof(str) !== "string") {
        return { ok: true, value: undefined, bytes: 0 };
      }
      const length = ctx.getProp(str, "length").consume((h) => ctx.getNumber(h));
      if (length > maxBytes) {
        return { ok: false, error: this.tooLarge(what, `at least ${length}`, maxBytes) };
      }
      const text = ctx.getString(str);
      const bytes = utf8Bytes(text);
      if (bytes > maxBytes) return { ok: false, error: this.tooLarge(what, String(bytes), maxBytes) };
      try {
        return { ok: true, value: parseGuestJson(text, this.options.maxDepth), bytes };
      } catch (error) {
        const message =
          error instanceof JsonDepthError
            ? `The ${what} is ${error.message}; return flatter data.`
            : `The ${what} is not valid JSON.`;
        return { ok: false, error: { kind: "output_too_large", message } };
      }
    } finally {
      str.dispose();
    }
  }

  private tooLarge(what: string, size: string, max: number): ExecutionError {
    return {
      kind: "output_too_large",
      message: `The ${what} is ${size} bytes as JSON, above the limit of ${max}. Return a summary, or raise maxOutputBytes.`,
    };
  }

  private readLogs(ctx: QuickJSContext): { logs: LogEntry[]; truncated: boolean } {
    const r = ctx.callFunction(this.hook(HOOK.logs), ctx.undefined);
    if (r.error) {
      r.error.dispose();
      return { logs: [], truncated: true };
    }
    const handle = r.value;
    try {
      if (ctx.typeof(handle) !== "string") return { logs: [], truncated: true };
      const length = ctx.getProp(handle, "length").consume((h) => ctx.getNumber(h));
      if (length > this.options.maxLogBytes * 6 + 64 * 1024) return { logs: [], truncated: true };
      const parsed = parseGuestJson(ctx.getString(handle), 3);
      if (!Array.isArray(parsed) || !Array.isArray(parsed[1])) return { logs: [], truncated: true };
      const flat = parsed[1] as unknown[];
      const logs: LogEntry[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const level = LEVELS[Number(flat[i])] ?? "log";
        const message = flat[i + 1];
        if (typeof message === "string") logs.push({ level, message });
      }
      return { logs, truncated: parsed[0] === true };
    } catch {
      return { logs: [], truncated: true };
    } finally {
      handle.dispose();
    }
  }

  private stopError(stop: StopReason): ExecutionError {
    switch (stop) {
      case "timeout":
        return {
          kind: "timeout",
          message: `The program ran longer than ${this.request.timeoutMs} ms and was stopped.`,
        };
      case "instructions":
        return {
          kind: "instructions",
          message: `The program used its budget of ${this.options.maxInstructions} instructions and was stopped.`,
        };
      case "jobs":
        return {
          kind: "instructions",
          message: `The program ran more than ${this.options.maxPromiseJobs} promise jobs and was stopped.`,
        };
      case "aborted":
        return { kind: "aborted", message: "The host aborted the execution." };
      case "memory":
        return {
          kind: "memory",
          message: `The program used more than its ${this.options.maxMemoryMb} MB of memory and was stopped.`,
        };
    }
  }

  /** Reads name, message, stack and code of a thrown guest value, each length-capped. */
  private readError(ctx: QuickJSContext, handle: QuickJSHandle): GuestError {
    const type = ctx.typeof(handle);
    // QuickJS throws null when it runs out of memory while creating the error object itself.
    if (type === "object" && this.native !== undefined && handle.value !== 0 && isNull(ctx, handle)) {
      return { name: "InternalError", message: "out of memory" };
    }
    if (type !== "object") {
      let text: string;
      try {
        text = type === "string" ? cap(ctx.getString(handle)) : cap(String(JSON.stringify(ctx.dump(handle)) ?? type));
      } catch {
        text = type;
      }
      return { name: type, message: text };
    }
    const prop = (key: string): string | undefined => {
      try {
        const h = ctx.getProp(handle, key);
        try {
          if (ctx.typeof(h) !== "string") return undefined;
          const length = ctx.getProp(h, "length").consume((l) => ctx.getNumber(l));
          if (length > 64 * MAX_ERROR_TEXT) return "(message too long)";
          return cap(ctx.getString(h));
        } finally {
          h.dispose();
        }
      } catch {
        return undefined;
      }
    };
    const out: GuestError = { name: prop("name") ?? "Error", message: prop("message") ?? "" };
    const stack = prop("stack");
    if (stack !== undefined) out.stack = stack;
    const code = prop("code");
    if (code !== undefined) out.code = code;
    return out;
  }

  private recordGuestError(ctx: QuickJSContext, handle: QuickJSHandle, kind?: ExecutionErrorKind): void {
    this.errors.push(this.classify(this.readError(ctx, handle), kind));
  }

  private classify(error: GuestError, forced?: ExecutionErrorKind): ExecutionError {
    let kind: ExecutionErrorKind = forced ?? "runtime";
    const message = error.message;
    if (forced === undefined) {
      if (error.name === "InternalError" && /out of memory|string too long/i.test(message)) kind = "memory";
      else if (/stack overflow|call stack size/i.test(message)) kind = "stack";
      else if (error.name === "InternalError" && message === "interrupted") kind = "timeout";
      else if (error.name === "SyntaxError") kind = "syntax";
      else if (error.name === "ToolError") {
        kind = error.code === "TOOL_DENIED" ? "tool_denied" : error.code === "TOOL_LIMIT" ? "tool_limit" : "tool";
      }
    }
    const out: ExecutionError = { kind, message, name: error.name };
    if (error.code !== undefined) out.code = error.code;
    if (error.stack !== undefined) {
      out.stack = error.stack;
      const where = locate(error.stack, error.message);
      if (where !== undefined) {
        out.line = where.line;
        out.column = where.line === 1 && !this.mainIsModule ? Math.max(1, where.column - 14) : where.column;
      }
    }
    return out;
  }

  private dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const controller = this.abortController;
    if (controller !== undefined && !controller.signal.aborted) controller.abort(new Error("execution finished"));
    if (this.moduleSuspect) {
      // Abandon the runtime with its module instance: freeing it could fail an assertion or corrupt the heap.
      this.ctx = undefined;
      this.rt = undefined;
      this.native = undefined;
      return;
    }
    try {
      const native = this.native;
      if (native !== undefined) {
        for (const [resolve, reject] of this.settlers.values()) {
          native.ffi.QTS_FreeValuePointer(native.ctx, resolve);
          native.ffi.QTS_FreeValuePointer(native.ctx, reject);
        }
      }
      this.settlers.clear();
      this.calls.length = 0;
      for (const h of this.handles.splice(0)) if (h.alive) h.dispose();
      this.hooks = [];
      if (this.scratch !== 0 && this.native !== undefined) this.native.module._free(this.scratch);
      this.scratch = 0;
      if (this.ctx?.alive === true) this.ctx.dispose();
      if (this.rt?.alive === true) this.rt.dispose();
    } catch {
      this.moduleSuspect = true;
    }
    this.ctx = undefined;
    this.rt = undefined;
    this.native = undefined;
  }
}

function isHostStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function isNull(ctx: QuickJSContext, handle: QuickJSHandle): boolean {
  return ctx.sameValue(handle, ctx.null);
}

interface ContextMemoryAccess {
  memory: { heapValueHandle(ptr: number): QuickJSHandle };
}

interface GuestError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

/** Resolves a module specifier like QuickJS's default normaliser; `undefined` when it climbs above the root. */
function normalizeModuleName(base: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return spec;
  const parts = base.split("/").slice(0, -1);
  for (const segment of spec.split("/")) {
    if (segment === "." || segment === "") continue;
    if (segment === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(segment);
  }
  return parts.join("/");
}

function cap(text: string): string {
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}

function newString(native: Native, text: string): number {
  const { module, ffi } = native;
  const size = module.lengthBytesUTF8(text) + 1;
  const ptr = module._malloc(size);
  module.stringToUTF8(text, ptr, size);
  const value = ffi.QTS_NewString(native.ctx, ptr);
  module._free(ptr);
  return value;
}

/** Finds `main.ts:line:col` (the agent's own file) in a QuickJS stack. */
function locate(stack: string, message: string): { line: number; column: number } | undefined {
  const re = new RegExp(`${MAIN_FILE.replace(".", "\\.")}:(\\d+)(?::(\\d+))?`);
  const m = re.exec(stack) ?? re.exec(message);
  if (m === null) return undefined;
  return { line: Number(m[1]), column: m[2] === undefined ? 1 : Number(m[2]) };
}

/** A host error's message only: never its stack. */
export function describeHostError(error: unknown): string {
  if (error instanceof Error) return cap(error.message);
  if (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string") {
    return cap((error as { message: string }).message);
  }
  return cap(String(error));
}
