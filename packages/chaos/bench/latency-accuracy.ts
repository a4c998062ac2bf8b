/**
 * Accuracy of injected latency: for each requested delay, 300 calls to an awaited no-op (10 at a time) through a
 * LATENCY_INJECTION fault, each paired with a plain setTimeout of the same delay started at the same instant.
 * Prints p50/p99 of |measured − requested| for both, and p99 of |fault − timer| per pair, so the fault's own error
 * can be told from the machine's.
 *
 * npm run bench:latency -w @athena/chaos
 */
import { createChaosEngine } from "../src/index.js";

function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

const rows: string[] = [];
for (const latencyMs of [5, 20, 100]) {
  const engine = createChaosEngine({ seed: latencyMs });
  const call = engine.wrap("svc", async () => 1);
  engine.inject({ target: "svc", failureType: "LATENCY_INJECTION", parameters: { latencyMs } });
  const injected: number[] = [];
  const plain: number[] = [];
  const paired: number[] = [];
  for (let round = 0; round < 30; round++) {
    const pairs = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const t0 = performance.now();
        return Promise.all([
          call().then(() => performance.now() - t0),
          new Promise<number>((resolve) => setTimeout(() => resolve(performance.now() - t0), latencyMs)),
        ]);
      }),
    );
    for (const [a, b] of pairs) {
      injected.push(Math.abs(a - latencyMs));
      plain.push(Math.abs(b - latencyMs));
      paired.push(Math.abs(a - b));
    }
  }
  await engine.dispose();
  rows.push(
    `| ${latencyMs} ms | ${quantile(injected, 0.5).toFixed(2)} | ${quantile(injected, 0.99).toFixed(2)} | ${quantile(plain, 0.5).toFixed(2)} | ${quantile(plain, 0.99).toFixed(2)} | ${quantile(paired, 0.99).toFixed(2)} |`,
  );
}
console.log(
  "| requested | fault: p50 error (ms) | fault: p99 error (ms) | plain timer: p50 error (ms) | plain timer: p99 error (ms) | p99 of (fault − timer), absolute (ms) |",
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const row of rows) console.log(row);
