/**
 * The work every benchmark measures, shared by the vitest bench files and `bench/report.ts` (which prints the README
 * table). Each workload has a baseline doing the same work in the same process.
 */
import { createRequire } from "node:module";
import { createContext, runInContext } from "node:vm";
import { Worker } from "node:worker_threads";
import releaseSync from "@jitl/quickjs-wasmfile-release-sync";
import { newQuickJSWASMModuleFromVariant, type QuickJSWASMModule } from "quickjs-emscripten-core";
import { createWasmSandbox, type SandboxPool, type WasmSandbox } from "../src/index.js";
import { unwrapVariant } from "../src/quickjs.js";

export const TINY = "return 1 + 1;";
export const CALLS = 1000;

export interface Subjects {
  sandbox: WasmSandbox;
  raw: QuickJSWASMModule;
  peer: ((code: string) => Promise<unknown>) | undefined;
}

export async function setup(): Promise<Subjects> {
  const sandbox = await createWasmSandbox({
    maxToolCalls: 1_000_000,
    timeoutMs: 60_000,
    maxInstructions: Number.MAX_SAFE_INTEGER,
    tools: { t: { echo: async (a: unknown) => a } },
  });
  const raw = await newQuickJSWASMModuleFromVariant(unwrapVariant(releaseSync));
  let peer: Subjects["peer"];
  try {
    const { loadQuickJs } = await import("@sebastianwessel/quickjs");
    const { runSandboxed } = await loadQuickJs(unwrapVariant(releaseSync));
    peer = (code) => runSandboxed(async ({ evalCode }) => evalCode(code));
  } catch {
    peer = undefined;
  }
  return { sandbox, raw, peer };
}

/** Ours: create a runtime and context, run a tiny program, read its output, dispose. */
export async function oursTiny(s: Subjects): Promise<void> {
  const r = await s.sandbox.execute(TINY);
  if (r.output !== 2) throw new Error("wrong result");
}

/** Raw quickjs-emscripten doing the same: newRuntime + newContext + evalCode + read + dispose. */
export function rawTiny(s: Subjects): void {
  const rt = s.raw.newRuntime();
  const ctx = rt.newContext();
  const r = ctx.evalCode("1 + 1");
  if (r.error) throw new Error("failed");
  const n = ctx.getNumber(r.value);
  r.value.dispose();
  ctx.dispose();
  rt.dispose();
  if (n !== 2) throw new Error("wrong result");
}

/** Raw quickjs-emscripten with the same limits ours sets (memory, stack, interrupt handler). */
export function rawTinyWithLimits(s: Subjects): void {
  const rt = s.raw.newRuntime();
  rt.setMemoryLimit(64 * 1024 * 1024);
  rt.setMaxStackSize(256 * 1024);
  const deadline = performance.now() + 5000;
  rt.setInterruptHandler(() => performance.now() > deadline);
  const ctx = rt.newContext();
  const r = ctx.evalCode("1 + 1");
  if (r.error) throw new Error("failed");
  const n = ctx.getNumber(r.value);
  r.value.dispose();
  ctx.dispose();
  rt.dispose();
  if (n !== 2) throw new Error("wrong result");
}

/** node:vm, what users would pick: a new context per run (no memory limit, no real isolation). */
export function vmTiny(): void {
  const context = createContext({});
  if (runInContext("1 + 1", context, { timeout: 5000 }) !== 2) throw new Error("wrong result");
}

export async function peerTiny(s: Subjects): Promise<void> {
  if (s.peer === undefined) return;
  const r = (await s.peer("export default 1 + 1")) as { ok: boolean; data: unknown };
  if (r.data !== 2) throw new Error("wrong result");
}

/** Ours: CALLS sequential awaited tool calls in one execution. */
export async function oursTools(s: Subjects): Promise<void> {
  const r = await s.sandbox.execute(
    `let s = 0; for (let i = 0; i < ${CALLS}; i++) s += await tools.t.echo(i); return s;`,
  );
  if (r.output !== (CALLS * (CALLS - 1)) / 2) throw new Error(`wrong result ${JSON.stringify(r.errors)}`);
}

/** Ours, same loop awaiting an already-resolved promise instead of a tool: subtracting it gives the bridge overhead. */
export async function oursAwaitOnly(s: Subjects): Promise<void> {
  const r = await s.sandbox.execute(
    `let s = 0; for (let i = 0; i < ${CALLS}; i++) s += await Promise.resolve(i); return s + (typeof tools);`,
  );
  if (typeof r.output !== "string") throw new Error("wrong result");
}

/** Raw quickjs-emscripten, the documented way: a host function returning a `newPromise` settled by the host. */
export async function rawTools(s: Subjects): Promise<void> {
  const rt = s.raw.newRuntime();
  const ctx = rt.newContext();
  const echo = ctx.newFunction("echo", (arg) => {
    const value = ctx.getNumber(arg);
    const deferred = ctx.newPromise();
    Promise.resolve(value).then((v) => {
      const h = ctx.newNumber(v);
      deferred.resolve(h);
      h.dispose();
      deferred.dispose();
      rt.executePendingJobs();
    });
    return deferred.handle;
  });
  ctx.setProp(ctx.global, "echo", echo);
  echo.dispose();
  const result = ctx.evalCode(
    `(async () => { let s = 0; for (let i = 0; i < ${CALLS}; i++) s += await echo(i); return s; })()`,
  );
  const promise = ctx.unwrapResult(result);
  const settled = await ctx.resolvePromise(promise);
  promise.dispose();
  const value = ctx.unwrapResult(settled);
  const n = ctx.getNumber(value);
  value.dispose();
  ctx.dispose();
  rt.dispose();
  if (n !== (CALLS * (CALLS - 1)) / 2) throw new Error("wrong result");
}

/** Ours: CALLS sequential awaited tool calls with a small object in and out (arguments and result cross as JSON). */
export async function oursToolsObject(s: Subjects): Promise<void> {
  const r = await s.sandbox.execute(
    `let s = 0; for (let i = 0; i < ${CALLS}; i++) s += (await tools.t.echo({ city: "Oslo", n: i })).n; return s;`,
  );
  if (r.output !== (CALLS * (CALLS - 1)) / 2) throw new Error(`wrong result ${JSON.stringify(r.errors)}`);
}

/** Ours, the object loop awaiting a resolved promise of a fresh object instead of a tool (for the overhead). */
export async function oursAwaitOnlyObject(s: Subjects): Promise<void> {
  const r = await s.sandbox.execute(
    `let s = 0; for (let i = 0; i < ${CALLS}; i++) s += (await Promise.resolve({ city: "Oslo", n: i })).n; return s + (typeof tools);`,
  );
  if (typeof r.output !== "string") throw new Error("wrong result");
}

/** Raw quickjs-emscripten with objects: `dump` the argument, build the result with newObject/setProp. */
export async function rawToolsObject(s: Subjects): Promise<void> {
  const rt = s.raw.newRuntime();
  const ctx = rt.newContext();
  const echo = ctx.newFunction("echo", (arg) => {
    const value = ctx.dump(arg) as { city: string; n: number };
    const deferred = ctx.newPromise();
    Promise.resolve(value).then((v) => {
      const h = ctx.newObject();
      const city = ctx.newString(v.city);
      const n = ctx.newNumber(v.n);
      ctx.setProp(h, "city", city);
      ctx.setProp(h, "n", n);
      city.dispose();
      n.dispose();
      deferred.resolve(h);
      h.dispose();
      deferred.dispose();
      rt.executePendingJobs();
    });
    return deferred.handle;
  });
  ctx.setProp(ctx.global, "echo", echo);
  echo.dispose();
  const result = ctx.evalCode(
    `(async () => { let s = 0; for (let i = 0; i < ${CALLS}; i++) s += (await echo({ city: "Oslo", n: i })).n; return s; })()`,
  );
  const promise = ctx.unwrapResult(result);
  const settled = await ctx.resolvePromise(promise);
  promise.dispose();
  const value = ctx.unwrapResult(settled);
  const n = ctx.getNumber(value);
  value.dispose();
  ctx.dispose();
  rt.dispose();
  if (n !== (CALLS * (CALLS - 1)) / 2) throw new Error("wrong result");
}

/** A CPU-bound program for pool scaling (~tens of ms each). */
export const CPU_PROGRAM = "let s = 0; for (let i = 0; i < 3e6; i++) s = (s + i * 7) % 1000003; return s;";

/** Ours, the same CPU-bound program through a pool: a batch of `count` programs. */
export async function poolBatch(pool: SandboxPool, count = 8): Promise<void> {
  const results = await Promise.all(Array.from({ length: count }, () => pool.execute(CPU_PROGRAM)));
  if (results.some((r) => !r.success)) throw new Error("pool program failed");
}

/**
 * The pool's baseline: raw quickjs-emscripten on `size` plain worker threads (each loads the release build itself and
 * runs one program at a time with the same limits ours sets: heap, stack, an interrupt handler with a deadline).
 * Comparing its 1-thread and 2-thread batches shows how much parallelism the machine offers at that moment.
 */
export interface RawPool {
  batch(count?: number): Promise<void>;
  close(): Promise<void>;
}

export async function rawPool(size: number): Promise<RawPool> {
  const require = createRequire(import.meta.url);
  const core = require.resolve("quickjs-emscripten-core");
  const variant = require.resolve("@jitl/quickjs-wasmfile-release-sync");
  const source = `
    const { parentPort, workerData } = require("node:worker_threads");
    const core = require(workerData.core);
    const imported = require(workerData.variant);
    const variant = imported.default && imported.default.importFFI ? imported.default : imported;
    core.newQuickJSWASMModuleFromVariant(variant).then((module) => {
      parentPort.on("message", (code) => {
        const rt = module.newRuntime();
        rt.setMemoryLimit(64 * 1024 * 1024);
        rt.setMaxStackSize(256 * 1024);
        const deadline = performance.now() + 60000;
        rt.setInterruptHandler(() => performance.now() > deadline);
        const ctx = rt.newContext();
        const r = ctx.evalCode(code);
        const ok = !r.error;
        (r.error ?? r.value).dispose();
        ctx.dispose();
        rt.dispose();
        parentPort.postMessage(ok);
      });
      parentPort.postMessage("ready");
    });`;
  const workers = await Promise.all(
    Array.from(
      { length: size },
      () =>
        new Promise<Worker>((resolve) => {
          const w = new Worker(source, { eval: true, workerData: { core, variant } });
          w.once("message", () => resolve(w));
        }),
    ),
  );
  const code = `(() => { ${CPU_PROGRAM} })()`;
  const runOn = (w: Worker): Promise<boolean> =>
    new Promise((resolve) => {
      w.once("message", resolve);
      w.postMessage(code);
    });
  return {
    async batch(count = 8) {
      let next = 0;
      await Promise.all(
        workers.map(async (w) => {
          while (next < count) {
            next++;
            if (!(await runOn(w))) throw new Error("raw program failed");
          }
        }),
      );
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
