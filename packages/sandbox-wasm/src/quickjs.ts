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

/** The default build: quickjs-emscripten's release sync variant. */
const RELEASE = "release";
type VariantKey = QuickJSSyncVariant | typeof RELEASE;

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

let memoryCapBytes: number | undefined;

let wasmPromise: Promise<CompiledWasm | undefined> | undefined;

/**
 * The release build's WebAssembly, compiled once per process: the file is read (synchronously: ~1 ms, and an
 * asynchronous read would wait behind the module loading it is meant to overlap) and compiled by V8's background
 * compiler while the main thread loads the JavaScript. The pool hands the compiled module to its workers,
 * which then only instantiate it. `undefined` when the file cannot be found next to the package (a bundled host):
 * quickjs-emscripten then loads it itself.
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

/**
 * Caps the WebAssembly memory of release instances made from now on (a pool worker, which runs one execution at a
 * time, caps its instance a little above `maxMemoryMb`). QuickJS's heap limit cannot do this alone: its Emscripten
 * build does not see allocation sizes (it counts 8 bytes per allocation, quickjs-emscripten#271), so many medium
 * allocations could otherwise grow the memory to 2 GiB. At the cap, allocation fails and QuickJS reports out of
 * memory.
 */
export function capReleaseMemory(bytes: number): void {
  memoryCapBytes = bytes;
}

async function instantiate(key: VariantKey): Promise<QuickJSWASMModule> {
  if (key !== RELEASE) return (await loadCore()).newQuickJSWASMModuleFromVariant(key);
  const wasm = compileReleaseWasm();
  // Load all of quickjs-emscripten's JavaScript at once (the variant's FFI bindings and Emscripten glue are what
  // newQuickJSWASMModuleFromVariant imports next; loading them now only warms the module cache) while V8 compiles.
  const glue = Promise.all([
    import("@jitl/quickjs-wasmfile-release-sync/ffi"),
    import("@jitl/quickjs-wasmfile-release-sync/emscripten-module"),
  ]).catch(() => undefined);
  const [core, imported] = await Promise.all([loadCore(), import("@jitl/quickjs-wasmfile-release-sync")]);
  const base = unwrapVariant(imported);
  const [compiled] = await Promise.all([wasm, glue, base.importFFI(), base.importModuleLoader()]);
  const cap = memoryCapBytes;
  const wasmMemory =
    cap === undefined
      ? undefined
      : new (webAssembly().Memory)({
          initial: INITIAL_PAGES,
          maximum: Math.max(INITIAL_PAGES, Math.min(MAX_PAGES, Math.ceil(cap / PAGE))),
        });
  const variant =
    compiled === undefined && wasmMemory === undefined
      ? base
      : core.newVariant(base, {
          ...(compiled === undefined ? {} : { wasmModule: compiled as never }),
          ...(wasmMemory === undefined ? {} : { wasmMemory: wasmMemory as never }),
        });
  return core.newQuickJSWASMModuleFromVariant(variant);
}

const modules = new Map<VariantKey, Promise<QuickJSWASMModule>>();

/**
 * The QuickJS module for a variant (by default the release sync build), compiled once per process and shared by
 * every sandbox. The promise is cached (no top-level await: the package must load with `require()`); a failed load is
 * retried on the next call.
 *
 * @param variant - another QuickJS build (the debug build in leak tests); omit for the release build
 */
export function loadQuickJS(variant?: QuickJSSyncVariant): Promise<QuickJSWASMModule> {
  const key: VariantKey = variant ?? RELEASE;
  let pending = modules.get(key);
  if (pending === undefined) {
    pending = instantiate(key).then(
      (module) => module,
      (error: unknown) => {
        modules.delete(key);
        throw new SandboxError("INTERNAL", `Could not load the QuickJS WebAssembly module: ${String(error)}`, {
          cause: error,
        });
      },
    );
    modules.set(key, pending);
  }
  return pending;
}

/**
 * Forgets a module instance (after a program may have corrupted it) so the next load makes a fresh one (from the same
 * compiled WebAssembly). Only forgets `instance` if it is still the current one, so concurrent reports do not discard
 * a fresh instance.
 */
export function forgetQuickJS(variant?: QuickJSSyncVariant, instance?: QuickJSWASMModule): void {
  const key: VariantKey = variant ?? RELEASE;
  const current = modules.get(key);
  if (current === undefined) return;
  if (instance === undefined) {
    modules.delete(key);
    return;
  }
  current.then(
    (m) => {
      if (m === instance && modules.get(key) === current) modules.delete(key);
    },
    () => undefined,
  );
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
