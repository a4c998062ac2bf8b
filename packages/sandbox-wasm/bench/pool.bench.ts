import { afterAll, beforeAll, bench, describe } from "vitest";
import { createSandboxPool, type SandboxPool } from "../src/index.js";
import { poolBatch, type RawPool, rawPool } from "./workloads.js";

let one: SandboxPool;
let two: SandboxPool;
let raw1: RawPool;
let raw2: RawPool;
beforeAll(async () => {
  const options = { maxInstructions: Number.MAX_SAFE_INTEGER, timeoutMs: 60_000 };
  one = await createSandboxPool({ size: 1, ...options });
  two = await createSandboxPool({ size: 2, ...options });
  raw1 = await rawPool(1);
  raw2 = await rawPool(2);
}, 60_000);
afterAll(async () => {
  await Promise.all([one.dispose(), two.dispose(), raw1.close(), raw2.close()]);
});

// The raw rows show how much parallelism the machine offers: compare ours' 1 → 2 ratio with raw's.
describe("8 CPU-bound programs", () => {
  bench("pool size 1", async () => poolBatch(one), { time: 5000, iterations: 3 });
  bench("pool size 2", async () => poolBatch(two), { time: 5000, iterations: 3 });
  bench("raw quickjs-emscripten, 1 worker thread (baseline)", async () => raw1.batch(), { time: 5000, iterations: 3 });
  bench("raw quickjs-emscripten, 2 worker threads (baseline)", async () => raw2.batch(), { time: 5000, iterations: 3 });
});
