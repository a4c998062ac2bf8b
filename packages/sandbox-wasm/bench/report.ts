/**
 * Prints the README's benchmark table: every number next to a baseline measured in the same run, as a ratio.
 * Run: `npm run bench:report -w @athena/sandbox-wasm` (builds nothing; the startup row uses dist/ when built).
 * Noisy machines: rounds are interleaved and the median of per-round values is reported.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createSandboxPool, createWasmSandbox, type SandboxPool } from "../src/index.js";
import {
  CALLS,
  CPU_PROGRAM,
  oursAwaitOnly,
  oursTiny,
  oursTools,
  peerTiny,
  rawTiny,
  rawTools,
  type Subjects,
  setup,
  vmTiny,
} from "./workloads.js";

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function timeEach(fn: () => unknown, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const rows: string[][] = [];
const add = (what: string, ours: string, baseline: string, ratio: string, target: string): void => {
  rows.push([what, ours, baseline, ratio, target]);
};

const s: Subjects = await setup();

// 1. Tiny program: create + execute + dispose. Ours and raw alternate every iteration so load swings hit both.
{
  const ours: number[] = [];
  const raw: number[] = [];
  const vm: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < 300; i++) await oursTiny(s);
  for (let i = 0; i < 300; i++) rawTiny(s);
  for (let i = 0; i < 4000; i++) {
    let t0 = performance.now();
    await oursTiny(s);
    ours.push(performance.now() - t0);
    t0 = performance.now();
    rawTiny(s);
    raw.push(performance.now() - t0);
    if (i % 20 === 0) {
      t0 = performance.now();
      vmTiny();
      vm.push(performance.now() - t0);
    }
    if (i % 200 === 0 && s.peer) {
      t0 = performance.now();
      await peerTiny(s);
      peer.push(performance.now() - t0);
    }
  }
  const o = median(ours);
  const r = median(raw);
  add(
    "tiny program: create+execute+dispose (median of 4,000)",
    `${(o * 1000).toFixed(0)} µs`,
    `raw quickjs-emscripten ${(r * 1000).toFixed(0)} µs`,
    `${(o / r).toFixed(2)}×`,
    "≤ 500 µs",
  );
  add("", "", `node:vm new context ${(median(vm) * 1000).toFixed(0)} µs`, `${(o / median(vm)).toFixed(2)}×`, "");
  if (peer.length > 0) {
    add(
      "",
      "",
      `@sebastianwessel/quickjs ${(median(peer) * 1000).toFixed(0)} µs`,
      `${(o / median(peer)).toFixed(3)}×`,
      "",
    );
  }
}

// 2. Awaited tool calls (interleaved per iteration).
{
  const ours: number[] = [];
  const awaitOnly: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < 5; i++) {
    await oursTools(s);
    await oursAwaitOnly(s);
    await rawTools(s);
  }
  for (let i = 0; i < 25; i++) {
    let t0 = performance.now();
    await oursTools(s);
    ours.push(performance.now() - t0);
    t0 = performance.now();
    await oursAwaitOnly(s);
    awaitOnly.push(performance.now() - t0);
    t0 = performance.now();
    await rawTools(s);
    raw.push(performance.now() - t0);
  }
  const perCall = (ms: number): number => (ms / CALLS) * 1000;
  const o = perCall(median(ours));
  const overhead = perCall(median(ours) - median(awaitOnly));
  const r = perCall(median(raw));
  add(
    `awaited tool call (${CALLS} in a loop, per call)`,
    `${o.toFixed(1)} µs (bridge overhead ${overhead.toFixed(1)} µs)`,
    `raw newFunction+newPromise ${r.toFixed(1)} µs`,
    `${(o / r).toFixed(2)}×`,
    "overhead ≤ 5 µs",
  );
}

// 3. First execution in a fresh process (plain node, the built package).
{
  const child = fileURLToPath(new URL("./startup-child.mjs", import.meta.url));
  if (!existsSync(fileURLToPath(new URL("../dist/index.js", import.meta.url)))) {
    throw new Error("Build first (npx tsup in packages/sandbox-wasm): the startup row measures dist/.");
  }
  const run = (which: string): number =>
    Number(execFileSync(process.execPath, [child, which], { encoding: "utf8" }).trim());
  const ours: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < 7; i++) {
    ours.push(run("ours"));
    raw.push(run("raw"));
  }
  add(
    "first execution in a fresh process (import → result, dist/)",
    `${median(ours).toFixed(1)} ms`,
    `raw quickjs-emscripten ${median(raw).toFixed(1)} ms`,
    `${(median(ours) / median(raw)).toFixed(2)}×`,
    "≤ 60 ms",
  );
}

// 4. Memory: an idle sandbox, and the QuickJS heap of one execution.
{
  const gc = (globalThis as { gc?: () => void }).gc;
  const N = 2000;
  const keep: unknown[] = [];
  gc?.();
  const before = process.memoryUsage();
  for (let i = 0; i < N; i++) keep.push(await createWasmSandbox({ tools: { t: { a: async () => 1 } } }));
  gc?.();
  const after = process.memoryUsage();
  const perSandbox = (after.heapUsed + after.external - before.heapUsed - before.external) / N;
  const result = await s.sandbox.execute("return 1;");

  add(
    "idle sandbox (host heap per createWasmSandbox, 2,000 kept)",
    `${(perSandbox / 1024).toFixed(1)} KB`,
    "—",
    "—",
    "≤ 100 KB",
  );
  add(
    "QuickJS heap while a tiny program runs (freed after)",
    `${(result.metrics.memoryPeakBytes / 1024).toFixed(0)} KB`,
    "—",
    "—",
    "",
  );
  keep.length = 0;
}

// 5. Pool scaling.
{
  const one: SandboxPool = await createSandboxPool({
    size: 1,
    maxInstructions: Number.MAX_SAFE_INTEGER,
    timeoutMs: 60_000,
  });
  const two: SandboxPool = await createSandboxPool({
    size: 2,
    maxInstructions: Number.MAX_SAFE_INTEGER,
    timeoutMs: 60_000,
  });
  const batch = async (pool: SandboxPool): Promise<void> => {
    await Promise.all(Array.from({ length: 8 }, () => pool.execute(CPU_PROGRAM)));
  };
  await batch(one);
  await batch(two);
  const t1: number[] = [];
  const t2: number[] = [];
  for (let round = 0; round < 3; round++) {
    t1.push(await timeEach(() => batch(one), 1));
    t2.push(await timeEach(() => batch(two), 1));
  }
  add(
    "pool throughput, 8 CPU-bound programs",
    `size 2: ${median(t2).toFixed(0)} ms`,
    `size 1: ${median(t1).toFixed(0)} ms`,
    `${(median(t1) / median(t2)).toFixed(2)}× speed-up`,
    "~2× on 2 cores",
  );
  await one.dispose();
  await two.dispose();
}

// 6. Deadline overshoot for a program stuck in builtins (one big JSON.stringify after another).
{
  // QuickJS polls its interrupt handler every 10,000 steps; each loop iteration here is one step plus one builtin call
  // that cannot be interrupted, so in-process the deadline is only seen after 10,000 whole JSON.stringify calls.
  const stuck =
    "const a = []; for (let i = 0; i < 300; i++) a.push({ i, s: 'x'.repeat(20) }); for (;;) JSON.stringify(a);";
  const timeoutMs = 200;
  const pool: SandboxPool = await createSandboxPool({ size: 1, timeoutMs, graceMs: 50 });
  const inProcess = await createWasmSandbox({ timeoutMs, maxInstructions: Number.MAX_SAFE_INTEGER });
  const poolOver: number[] = [];
  const procOver: number[] = [];
  for (let i = 0; i < 3; i++) {
    let t0 = performance.now();
    await pool.execute(stuck);
    poolOver.push(performance.now() - t0 - timeoutMs);
    t0 = performance.now();
    await inProcess.execute(stuck);
    procOver.push(performance.now() - t0 - timeoutMs);
  }
  add(
    "deadline overshoot, loop of uninterruptible JSON.stringify calls (timeoutMs 200)",
    `pool: +${median(poolOver).toFixed(0)} ms`,
    `in-process sandbox: +${median(procOver).toFixed(0)} ms`,
    `${(median(poolOver) / median(procOver)).toFixed(2)}×`,
    "≤ 100 ms past the deadline",
  );
  await pool.dispose();
  inProcess.dispose();
}

s.sandbox.dispose();
const header = ["measure", "@athena/sandbox-wasm", "baseline (same run)", "ratio", "target"];
const lines = [header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`);
process.stdout.write(`${lines.join("\n")}\n`);
