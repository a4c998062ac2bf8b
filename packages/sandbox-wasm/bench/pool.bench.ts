import { afterAll, beforeAll, bench, describe } from "vitest";
import { createSandboxPool, type SandboxPool } from "../src/index.js";
import { CPU_PROGRAM } from "./workloads.js";

let one: SandboxPool;
let two: SandboxPool;
beforeAll(async () => {
  one = await createSandboxPool({ size: 1, maxInstructions: Number.MAX_SAFE_INTEGER, timeoutMs: 60_000 });
  two = await createSandboxPool({ size: 2, maxInstructions: Number.MAX_SAFE_INTEGER, timeoutMs: 60_000 });
}, 60_000);
afterAll(async () => {
  await one.dispose();
  await two.dispose();
});

const batch = async (pool: SandboxPool): Promise<void> => {
  const results = await Promise.all(Array.from({ length: 8 }, () => pool.execute(CPU_PROGRAM)));
  if (results.some((r) => !r.success)) throw new Error("failed");
};

describe("8 CPU-bound programs through the pool", () => {
  bench("pool size 1 (baseline)", async () => batch(one), { time: 5000, iterations: 3 });
  bench("pool size 2", async () => batch(two), { time: 5000, iterations: 3 });
});
