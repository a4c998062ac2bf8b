/**
 * Prints the README's benchmark table: every number next to a baseline measured in the same run, as a ratio.
 * Run: `npm run bench:report -w @athena/sandbox-wasm` (builds nothing; the startup row needs dist/: `npx tsup`).
 * Rows by name: `npm run bench:report -w @athena/sandbox-wasm -- tiny tools startup memory pool overshoot`.
 * Noisy machines: rounds are interleaved and the median of per-round values is reported.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createSandboxPool, createWasmSandbox, type SandboxPool } from "../src/index.js";
import {
  CALLS,
  oursAwaitOnly,
  oursAwaitOnlyObject,
  oursTiny,
  oursTools,
  oursToolsObject,
  peerTiny,
  poolBatch,
  rawPool,
  rawTiny,
  rawTools,
  rawToolsObject,
  type Subjects,
  setup,
  vmTiny,
} from "./workloads.js";

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

// `npm run bench:report -- pool startup` runs only those rows (e.g. to rerun one when the machine is quiet).
const only = process.argv.slice(2);
const wanted = (name: string): boolean => only.length === 0 || only.includes(name);

const rows: string[][] = [];
const add = (what: string, ours: string, baseline: string, ratio: string, target: string): void => {
  rows.push([what, ours, baseline, ratio, target]);
};

const s: Subjects = await setup();

// 1. Tiny program: create + execute + dispose. Ours and raw alternate every iteration so load swings hit both.
if (wanted("tiny")) {
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

// 2. Awaited tool calls (interleaved per iteration): numbers, then a small object in and out.
if (wanted("tools")) {
  const perCall = (ms: number): number => (ms / CALLS) * 1000;
  const measure = async (
    label: string,
    ours: (s: Subjects) => Promise<void>,
    awaitOnly: (s: Subjects) => Promise<void>,
    raw: (s: Subjects) => Promise<void>,
    target: string,
  ): Promise<void> => {
    const o: number[] = [];
    const a: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < 5; i++) {
      await ours(s);
      await awaitOnly(s);
      await raw(s);
    }
    for (let i = 0; i < 25; i++) {
      let t0 = performance.now();
      await ours(s);
      o.push(performance.now() - t0);
      t0 = performance.now();
      await awaitOnly(s);
      a.push(performance.now() - t0);
      t0 = performance.now();
      await raw(s);
      r.push(performance.now() - t0);
    }
    const per = perCall(median(o));
    add(
      label,
      `${per.toFixed(1)} µs (bridge overhead ${perCall(median(o) - median(a)).toFixed(1)} µs)`,
      `raw newFunction+newPromise ${perCall(median(r)).toFixed(1)} µs`,
      `${(per / perCall(median(r))).toFixed(2)}×`,
      target,
    );
  };
  await measure(
    `awaited tool call, number in and out (${CALLS} in a loop, per call)`,
    oursTools,
    oursAwaitOnly,
    rawTools,
    "overhead ≤ 5 µs",
  );
  await measure(
    "awaited tool call, small object in and out (JSON both ways)",
    oursToolsObject,
    oursAwaitOnlyObject,
    rawToolsObject,
    "",
  );
}

// 3. First execution in a fresh process (plain node, the built package), ours and raw alternating.
if (wanted("startup")) {
  const child = fileURLToPath(new URL("./startup-child.mjs", import.meta.url));
  if (!existsSync(fileURLToPath(new URL("../dist/index.js", import.meta.url)))) {
    throw new Error("Build first (npx tsup in packages/sandbox-wasm): the startup row measures dist/.");
  }
  const run = (which: string): number =>
    Number(execFileSync(process.execPath, [child, which], { encoding: "utf8" }).trim());
  const ours: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < 21; i++) {
    ours.push(run("ours"));
    raw.push(run("raw"));
  }
  const min = (xs: number[]): number => Math.min(...xs);
  add(
    "first execution in a fresh process (import → result, dist/; median of 21, fastest in brackets)",
    `${median(ours).toFixed(1)} ms (${min(ours).toFixed(1)})`,
    `raw quickjs-emscripten ${median(raw).toFixed(1)} ms (${min(raw).toFixed(1)})`,
    `${(median(ours) / median(raw)).toFixed(2)}×`,
    "≤ 60 ms",
  );
}

// 4. Memory: an idle sandbox, and the QuickJS heap of one execution.
if (wanted("memory")) {
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

// 5. Pool scaling: 8 CPU-bound programs on 1 and on 2 workers, next to raw quickjs-emscripten on 1 and 2 plain
// worker threads in the same rounds. Other jobs share this machine's two cores, so how much parallelism there is
// changes from second to second: the raw pair shows what was available in each round, and ours is compared with it
// round by round (same work, same moment).
if (wanted("pool")) {
  const options = { maxInstructions: Number.MAX_SAFE_INTEGER, timeoutMs: 60_000 };
  const one: SandboxPool = await createSandboxPool({ size: 1, ...options });
  const two: SandboxPool = await createSandboxPool({ size: 2, ...options });
  const raw1 = await rawPool(1);
  const raw2 = await rawPool(2);
  await Promise.all([poolBatch(one), poolBatch(two), raw1.batch(), raw2.batch()]);
  const timed = async (work: () => Promise<void>): Promise<{ ms: number; cpu: number }> => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await work();
    const cpu = process.cpuUsage(cpu0);
    return { ms: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000 };
  };
  const rounds: Array<{ oursUp: number; rawUp: number; vsRaw: number; cpu: number; o1: number; o2: number }> = [];
  for (let round = 0; round < 10; round++) {
    const r1 = await timed(() => raw1.batch());
    const o1 = await timed(() => poolBatch(one));
    const r2 = await timed(() => raw2.batch());
    const o2 = await timed(() => poolBatch(two));
    rounds.push({
      oursUp: o1.ms / o2.ms,
      rawUp: r1.ms / r2.ms,
      vsRaw: o2.ms / r2.ms,
      cpu: o2.cpu / o1.cpu,
      o1: o1.ms,
      o2: o2.ms,
    });
  }
  const free = rounds.filter((r) => r.rawUp >= 1.8);
  const freeText =
    free.length === 0
      ? "no round had two free cores"
      : `in the ${free.length} rounds where raw reached ≥ 1.8×: ours ${median(free.map((r) => r.oursUp)).toFixed(2)}× (raw ${median(free.map((r) => r.rawUp)).toFixed(2)}×)`;
  add(
    "pool throughput, 8 CPU-bound programs, size 2 vs size 1 (median of 10 rounds)",
    `${median(rounds.map((r) => r.o2)).toFixed(0)} ms vs ${median(rounds.map((r) => r.o1)).toFixed(0)} ms = ${median(rounds.map((r) => r.oursUp)).toFixed(2)}× speed-up; ${freeText}; CPU per batch ${median(rounds.map((r) => r.cpu)).toFixed(2)}× of size 1`,
    `raw quickjs-emscripten, 2 vs 1 plain worker threads, same rounds: ${median(rounds.map((r) => r.rawUp)).toFixed(2)}×`,
    `${median(rounds.map((r) => r.vsRaw)).toFixed(2)}× raw's 2-thread batch time`,
    "~2× on 2 cores",
  );
  await Promise.all([one.dispose(), two.dispose(), raw1.close(), raw2.close()]);
}

// 6. Deadline overshoot for a program stuck in builtins (one big JSON.stringify after another).
if (wanted("overshoot")) {
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
