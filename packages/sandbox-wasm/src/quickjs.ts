import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { QuickJSContext, QuickJSHandle, QuickJSSyncVariant, QuickJSWASMModule } from "quickjs-emscripten-core";
import { SandboxError } from "./errors.js";

/**
 * The variant packages ship CommonJS typings next to an ES module build: depending on the resolver, the default import
 * is the variant or a namespace holding it as `default`. Accept both.
 */
export function unwrapVariant(imported: unknown): QuickJSSyncVariant {
  const inner = (imported as { default?: unknown }).default;
  const candidate = typeof inner === "object" && inner !== null && "importFFI" in inner ? inner : imported;
  return candidate as QuickJSSyncVariant;
}

type Core = typeof import("quickjs-emscripten-core");

// quickjs-emscripten is imported on first use, not by this package's entry point: importing the package stays cheap,
// and createWasmSandbox starts reading and compiling the WebAssembly file before it loads the JavaScript around it.
let corePromise: Promise<Core> | undefined;
function loadCore(): Promise<Core> {
  corePromise ??= import("quickjs-emscripten-core").catch((error: unknown) => {
    corePromise = undefined;
    throw error;
  });
  return corePromise;
}

/**
 * A compiled WebAssembly module (V8's `WebAssembly.Module`; this package compiles against ES2023 + Node types, which do
 * not declare the `WebAssembly` namespace). It can be sent to worker threads.
 */
export type CompiledWasm = object;

interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<CompiledWasm>;
  Memory: new (descriptor: { initial: number; maximum: number }) => object;
}

const webAssembly = (): WebAssemblyApi => (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** WebAssembly pages of 64 KiB; Emscripten's own default memory starts at 16 MiB and may grow to 2 GiB. */
const PAGE = 65_536;
const INITIAL_PAGES = 256;
const MAX_PAGES = 32_768;
const MIB = 1024 * 1024;

/** Memory an instance may use beyond twice the heap limit: Emscripten starts at 16 MiB (static data, C stack). */
const MEMORY_HEADROOM = 32 * MIB;

/**
 * An instance whose memory grew past this while running a program is dropped afterwards instead of kept for the next
 * one: WebAssembly memory never shrinks, so dropping it is how the memory goes back to the host (at its next GC).
 */
const KEEP_GROWN_BYTES = 2 * INITIAL_PAGES * PAGE;

/** Idle instances kept per variant and cap (one is enough for sequential use; more serve concurrent executions). */
const MAX_IDLE = 4;

/** Idle instances kept in all (hosts may give each sandbox another `maxMemoryMb`); the least recently used go first. */
const MAX_IDLE_TOTAL = 8;

/**
 * The WebAssembly memory cap of an instance that runs one program with heap limit `maxMemoryMb`: twice the limit plus
 * 32 MiB, at most 2 GiB. QuickJS's heap limit cannot bound memory alone: its Emscripten build does not see allocation
 * sizes (it counts 8 bytes per allocation, quickjs-emscripten#271), so many medium allocations could otherwise grow
 * the memory to 2 GiB. At the cap, allocation fails and QuickJS reports out of memory.
 *
 * @param maxMemoryMb - the sandbox's heap limit
 * @returns the cap in bytes, a whole number of 64 KiB pages
 */
export function memoryCapBytes(maxMemoryMb: number): number {
  return capPages(maxMemoryMb) * PAGE;
}

function capPages(maxMemoryMb: number): number {
  const bytes = maxMemoryMb * 2 * MIB + MEMORY_HEADROOM;
  return Math.max(INITIAL_PAGES, Math.min(MAX_PAGES, Math.ceil(bytes / PAGE)));
}

let wasmPromise: Promise<CompiledWasm | undefined> | undefined;

/**
 * The release build's WebAssembly, compiled once per process: the file is read (synchronously: ~1 ms, and an
 * asynchronous read would wait behind the module loading it is meant to overlap) and compiled by V8's background
 * compiler while the main thread loads the JavaScript. Every instance is made from it, in this thread and in the
 * pool's workers, which get it from the main thread. `undefined` when the file cannot be found next to the package
 * (a bundled host): quickjs-emscripten then loads it itself.
 */
export function compileReleaseWasm(): Promise<CompiledWasm | undefined> {
  wasmPromise ??= (async () => {
    try {
      const path = createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-sync/wasm");
      return await webAssembly().compile(readFileSync(path));
    } catch {
      return undefined;
    }
  })();
  return wasmPromise;
}

/** Uses an already compiled release module (a pool worker gets it from the main thread). */
export function useReleaseWasm(module: CompiledWasm): void {
  wasmPromise = Promise.resolve(module);
}

let glue: Promise<[Core, QuickJSSyncVariant]> | undefined;

/**
 * Starts everything an instance needs (the WebAssembly compile and quickjs-emscripten's JavaScript, loaded in one go
 * while V8 compiles) without waiting for it. Never rejects: a failure surfaces from {@link prepareQuickJS}.
 */
export function preloadQuickJS(variant?: QuickJSSyncVariant): void {
  if (variant === undefined) void releaseGlue().catch(() => undefined);
}

function releaseGlue(): Promise<[Core, QuickJSSyncVariant]> {
  void compileReleaseWasm();
  glue ??= (async () => {
    // The variant's FFI bindings and Emscripten glue are what newQuickJSWASMModuleFromVariant imports next; loading
    // them now only warms the module cache.
    const warm = Promise.all([
      import("@jitl/quickjs-wasmfile-release-sync/ffi"),
      import("@jitl/quickjs-wasmfile-release-sync/emscripten-module"),
    ]).catch(() => undefined);
    const [core, imported] = await Promise.all([loadCore(), import("@jitl/quickjs-wasmfile-release-sync")]);
    const base = unwrapVariant(imported);
    await Promise.all([warm, base.importFFI(), base.importModuleLoader()]);
    return [core, base] as [Core, QuickJSSyncVariant];
  })().catch((error: unknown) => {
    glue = undefined;
    throw error;
  });
  return glue;
}

/** Memory of each release instance (to see how far a program grew it). */
const memories = new WeakMap<QuickJSWASMModule, { buffer: ArrayBuffer }>();

async function instantiate(variant: QuickJSSyncVariant | undefined, pages: number): Promise<QuickJSWASMModule> {
  try {
    if (variant !== undefined) return await (await loadCore()).newQuickJSWASMModuleFromVariant(variant);
    const [[core, base], compiled] = await Promise.all([releaseGlue(), compileReleaseWasm()]);
    const memory = new (webAssembly().Memory)({ initial: INITIAL_PAGES, maximum: pages }) as { buffer: ArrayBuffer };
    const module = await core.newQuickJSWASMModuleFromVariant(
      core.newVariant(base, {
        ...(compiled === undefined ? {} : { wasmModule: compiled as never }),
        wasmMemory: memory as never,
      }),
    );
    memories.set(module, memory);
    return module;
  } catch (error) {
    throw new SandboxError("INTERNAL", `Could not load the QuickJS WebAssembly module: ${String(error)}`, {
      cause: error,
    });
  }
}

/** Idle instances of one variant and memory cap. */
interface Shelf {
  readonly variant: QuickJSSyncVariant | undefined;
  readonly pages: number;
  readonly idle: QuickJSWASMModule[];
  pending: Promise<void> | undefined;
}

const shelves = new Map<QuickJSSyncVariant | undefined, Map<number, Shelf>>();

function shelfFor(maxMemoryMb: number, variant: QuickJSSyncVariant | undefined): Shelf {
  // Other builds (the debug build in leak tests) keep quickjs-emscripten's own memory: one shelf for all caps.
  const pages = variant === undefined ? capPages(maxMemoryMb) : 0;
  let byCap = shelves.get(variant);
  if (byCap === undefined) {
    byCap = new Map();
    shelves.set(variant, byCap);
  }
  let shelf = byCap.get(pages);
  if (shelf === undefined) {
    shelf = { variant, pages, idle: [], pending: undefined };
    byCap.set(pages, shelf);
  }
  return shelf;
}

/**
 * One QuickJS instance, lent to one execution at a time: its WebAssembly memory is capped (see
 * {@link memoryCapBytes}) and nothing else runs in it meanwhile, so a program that exhausts it affects no other.
 */
export interface QuickJSLease {
  /** The instance to run the program in. */
  readonly module: QuickJSWASMModule;
  /** Bytes of WebAssembly memory the instance has now (0 for builds whose memory this package does not make). */
  memoryBytes(): number;
  /**
   * Gives the instance back. It is kept for the next execution unless `suspect` (a program may have corrupted it),
   * it grew past 32 MiB (dropping it returns the memory), or enough idle instances are kept already (4 per heap limit,
   * 8 in all: the least recently used go first).
   */
  release(suspect: boolean): void;
}

/** Every idle instance with its shelf, least recently given back first. */
const idleOrder: QuickJSWASMModule[] = [];
const shelfOf = new WeakMap<QuickJSWASMModule, Shelf>();

/** Keeps an idle instance, within {@link MAX_IDLE} per shelf and {@link MAX_IDLE_TOTAL} in all. */
function shelve(shelf: Shelf, module: QuickJSWASMModule): void {
  if (shelf.idle.length >= MAX_IDLE) return;
  shelf.idle.push(module);
  shelfOf.set(module, shelf);
  idleOrder.push(module);
  if (idleOrder.length > MAX_IDLE_TOTAL) {
    const oldest = idleOrder.shift() as QuickJSWASMModule;
    const from = shelfOf.get(oldest)?.idle;
    from?.splice(from.indexOf(oldest), 1);
  }
}

/** @internal How many idle instances are kept now (for tests). */
export function idleInstances(): number {
  return idleOrder.length;
}

function lease(shelf: Shelf, module: QuickJSWASMModule): QuickJSLease {
  let released = false;
  const memory = memories.get(module);
  return {
    module,
    memoryBytes: () => memory?.buffer.byteLength ?? 0,
    release(suspect) {
      if (released) return;
      released = true;
      const grown = memory !== undefined && memory.buffer.byteLength > KEEP_GROWN_BYTES;
      if (!suspect && !grown) shelve(shelf, module);
    },
  };
}

/**
 * Makes sure an idle instance for this heap limit is ready (instantiated from the WebAssembly compiled once per
 * process), so the next {@link acquireQuickJS} does not wait. Concurrent calls share one instantiation.
 *
 * @param maxMemoryMb - the heap limit the instance's memory cap is derived from
 * @param variant - another QuickJS build (the debug build in leak tests); omit for the release build
 * @throws {@link SandboxError} `INTERNAL` when QuickJS cannot be loaded (the next call tries again)
 */
export function prepareQuickJS(maxMemoryMb: number, variant?: QuickJSSyncVariant): Promise<void> {
  const shelf = shelfFor(maxMemoryMb, variant);
  if (shelf.idle.length > 0) return Promise.resolve();
  if (shelf.pending !== undefined) return shelf.pending;
  const pending = instantiate(variant, shelf.pages).then(
    (module) => {
      shelf.pending = undefined;
      shelve(shelf, module);
    },
    (error: unknown) => {
      shelf.pending = undefined;
      throw error;
    },
  );
  shelf.pending = pending;
  return pending;
}

/**
 * Lends an instance for one execution: an idle one if there is one, else a new one. Give it back with
 * {@link QuickJSLease.release} when the execution is over.
 *
 * @param maxMemoryMb - the heap limit the instance's memory cap is derived from
 * @param variant - another QuickJS build (the debug build in leak tests); omit for the release build
 * @throws {@link SandboxError} `INTERNAL` when QuickJS cannot be loaded
 */
export async function acquireQuickJS(maxMemoryMb: number, variant?: QuickJSSyncVariant): Promise<QuickJSLease> {
  const shelf = shelfFor(maxMemoryMb, variant);
  for (;;) {
    const idle = shelf.idle.pop();
    if (idle !== undefined) {
      idleOrder.splice(idleOrder.indexOf(idle), 1);
      return lease(shelf, idle);
    }
    if (shelf.pending === undefined) break;
    await shelf.pending.catch(() => undefined);
  }
  return lease(shelf, await instantiate(variant, shelf.pages));
}

/** The slice of the low-level QuickJS FFI the hot paths use (pointers are plain numbers). */
export interface NativeFFI {
  QTS_NewFloat64(ctx: number, num: number): number;
  QTS_NewString(ctx: number, str: number): number;
  QTS_GetString(ctx: number, value: number): number;
  QTS_FreeCString(ctx: number, str: number): void;
  QTS_GetFloat64(ctx: number, value: number): number;
  QTS_FreeValuePointer(ctx: number, value: number): void;
  QTS_Call(ctx: number, fn: number, thisVal: number, argc: number, argv: number): number;
  QTS_ResolveException(ctx: number, maybeException: number): number;
  QTS_ExecutePendingJob(rt: number, maxJobs: number, ctxOut: number): number;
  QTS_IsJobPending(rt: number): number;
  QTS_GetUndefined(): number;
  QTS_Typeof(ctx: number, value: number): number;
  QTS_GetProp(ctx: number, thisVal: number, prop: number): number;
  QTS_PromiseState(ctx: number, promise: number): number;
  QTS_RuntimeComputeMemoryUsage(rt: number, ctx: number): number;
  QTS_ArgvGetJSValueConstPointer(argv: number, index: number): number;
  QTS_NewPromiseCapability(ctx: number, resolveFuncsOut: number): number;
}

/** The slice of the Emscripten module the hot paths use. */
export interface NativeModule {
  _malloc(size: number): number;
  _free(ptr: number): void;
  HEAPU8: Uint8Array;
  lengthBytesUTF8(text: string): number;
  stringToUTF8(text: string, ptr: number, maxBytes: number): void;
  UTF8ToString(ptr: number): string;
}

/** Direct access to one context's pointers, for the tool bridge's single dispatcher. */
export interface Native {
  ffi: NativeFFI;
  module: NativeModule;
  ctx: number;
  rt: number;
}

const FFI_NAMES = [
  "QTS_NewFloat64",
  "QTS_NewString",
  "QTS_GetString",
  "QTS_FreeCString",
  "QTS_GetFloat64",
  "QTS_FreeValuePointer",
  "QTS_Call",
  "QTS_ResolveException",
  "QTS_ExecutePendingJob",
  "QTS_IsJobPending",
  "QTS_GetUndefined",
  "QTS_Typeof",
  "QTS_GetProp",
  "QTS_PromiseState",
  "QTS_RuntimeComputeMemoryUsage",
  "QTS_ArgvGetJSValueConstPointer",
  "QTS_NewPromiseCapability",
] as const;

const directCache = new WeakMap<object, NativeFFI>();

// The Emscripten module exports every FFI function directly as `_QTS_*`; calling those skips the per-call argument
// conversion of the `cwrap` wrappers (all of these take and return plain numbers). Falls back to the wrappers.
function directFFI(module: NativeModule, wrapped: NativeFFI): NativeFFI {
  const cached = directCache.get(module);
  if (cached !== undefined) return cached;
  const raw = module as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of FFI_NAMES) {
    const direct = raw[`_${name}`];
    out[name] = typeof direct === "function" ? direct : wrapped[name].bind(wrapped);
  }
  const ffi = out as unknown as NativeFFI;
  directCache.set(module, ffi);
  return ffi;
}

/** Writes a 32-bit value into the WebAssembly heap (little-endian, as wasm is). */
export function writeU32(module: NativeModule, ptr: number, value: number): void {
  const heap = module.HEAPU8;
  heap[ptr] = value & 0xff;
  heap[ptr + 1] = (value >>> 8) & 0xff;
  heap[ptr + 2] = (value >>> 16) & 0xff;
  heap[ptr + 3] = (value >>> 24) & 0xff;
}

/** Reads a 32-bit value from the WebAssembly heap. */
export function readU32(module: NativeModule, ptr: number): number {
  const heap = module.HEAPU8;
  return (
    ((heap[ptr] ?? 0) | ((heap[ptr + 1] ?? 0) << 8) | ((heap[ptr + 2] ?? 0) << 16) | ((heap[ptr + 3] ?? 0) << 24)) >>> 0
  );
}

interface ContextInternals {
  ffi?: NativeFFI;
  module?: NativeModule;
  ctx?: { value?: number };
  rt?: { value?: number };
}

/**
 * Reaches the low-level FFI behind a context. quickjs-emscripten keeps these members `protected`; the package pins
 * `^0.32` and checks the shape here so a future change fails loudly instead of corrupting memory.
 */
export function nativeOf(context: QuickJSContext): Native {
  const c = context as unknown as ContextInternals;
  const ffi = c.ffi;
  const module = c.module;
  const ctx = c.ctx?.value;
  const rt = c.rt?.value;
  if (
    ffi === undefined ||
    module === undefined ||
    typeof ctx !== "number" ||
    typeof rt !== "number" ||
    typeof ffi.QTS_Call !== "function" ||
    typeof module._malloc !== "function"
  ) {
    throw new SandboxError(
      "INTERNAL",
      "This version of quickjs-emscripten-core has an unexpected shape; install the version this package declares.",
    );
  }
  return { ffi: directFFI(module, ffi), module, ctx, rt };
}

/**
 * A guest→host call handled over the raw FFI: `argv` points at `argc` JSValues (read them with
 * `QTS_ArgvGetJSValueConstPointer`); return an owned JSValue pointer (QuickJS takes it over) or 0 for `undefined`.
 * It must not throw.
 */
export type RawHostFunction = (argc: number, argv: number) => number;

type HostCallback = (ctx: number, thisPtr: number, argc: number, argv: number, fnId: number) => number;

interface CallbackInternals {
  cToHostCallbacks?: { callFunction?: HostCallback };
  getFunction?: (fnId: number) => unknown;
}

/**
 * Creates a guest function whose calls reach `handler` directly. quickjs-emscripten's own `newFunction` wraps every
 * call in a scope with a handle per argument and for `this` (several µs a call); this keeps its registration (so the
 * function is freed with the context as usual) but routes the calls of this one function around that wrapper. Like
 * {@link nativeOf}, it checks the (protected) shape it relies on and fails loudly if a future version changes it.
 */
export function newRawFunction(context: QuickJSContext, name: string, handler: RawHostFunction): QuickJSHandle {
  const c = context as unknown as CallbackInternals;
  const callbacks = c.cToHostCallbacks;
  const original = callbacks?.callFunction;
  const getFunction = c.getFunction;
  if (callbacks === undefined || typeof original !== "function" || typeof getFunction !== "function") {
    throw new SandboxError(
      "INTERNAL",
      "This version of quickjs-emscripten-core has an unexpected shape; install the version this package declares.",
    );
  }
  const marker = (): undefined => undefined;
  const fn = context.newFunction(name, marker);
  let id = -1;
  callbacks.callFunction = (ctx, thisPtr, argc, argv, fnId) => {
    if (fnId === id) return handler(argc, argv);
    if (id === -1) {
      let found = false;
      try {
        found = getFunction.call(context, fnId) === marker;
      } catch {
        found = false;
      }
      if (found) {
        id = fnId;
        return handler(argc, argv);
      }
    }
    return original(ctx, thisPtr, argc, argv, fnId);
  };
  return fn;
}
