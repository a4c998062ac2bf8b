/**
 * Per-call latency percentiles of analyzeRequest (hot, and spread over 1,000,000 users) next to a bare EWMA update
 * timed by the same harness in the same run, plus memory per profile. Prints the README's table.
 * `npm run bench -w @athena/anomaly` runs it after the Vitest benchmarks.
 */
import { quantileSorted } from "simple-statistics";
import { ewmaBench, hotBench, spreadBench, USERS } from "./setup.js";

const CALLS = 1_000_000;
const now = process.hrtime.bigint;

function measure(run: () => void): { p50: number; p99: number } {
  for (let i = 0; i < 50_000; i++) run(); // warm up the JIT
  const samples = new Float64Array(CALLS);
  for (let i = 0; i < CALLS; i++) {
    const start = now();
    run();
    samples[i] = Number(now() - start);
  }
  samples.sort();
  const sorted = Array.from(samples);
  return { p50: quantileSorted(sorted, 0.5), p99: quantileSorted(sorted, 0.99) };
}

const memoryBefore = process.memoryUsage();
const spread = spreadBench();
globalThis.gc?.();
const memoryAfter = process.memoryUsage();
const bytesPerUser =
  (memoryAfter.heapUsed - memoryBefore.heapUsed + memoryAfter.arrayBuffers - memoryBefore.arrayBuffers) / USERS;

const ewma = ewmaBench();
const hot = hotBench();
let x = 0;
let cursor = 0;
const rows: [string, { p50: number; p99: number }][] = [];
rows.push([
  "bare EWMA update (baseline)",
  measure(() => {
    x = (x + 1) & 15;
    ewma.update(x);
  }),
]);
rows.push([
  "analyzeRequest, hot (one user)",
  measure(() => {
    hot.advance();
    hot.detector.analyzeRequest("hot-user", hot.request);
  }),
]);
rows.push([
  "analyzeRequest, spread over 1,000,000 users",
  measure(() => {
    spread.advance();
    cursor = cursor + 1 === spread.ids.length ? 0 : cursor + 1;
    spread.detector.analyzeRequest(spread.ids[cursor] as string, spread.request);
  }),
]);

const base = rows[0]?.[1] as { p50: number; p99: number };
console.log(
  `\nPer-call latency, ${CALLS.toLocaleString("en-US")} timed calls each (process.hrtime.bigint around every call; the`,
);
console.log("timer's own cost is inside every number, including the baseline's).\n");
console.log("| operation | p50 | p99 | p50 ÷ baseline | p99 ÷ baseline |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, r] of rows)
  console.log(
    `| ${name} | ${Math.round(r.p50)} ns | ${Math.round(r.p99)} ns | ${(r.p50 / base.p50).toFixed(1)}× | ${(r.p99 / base.p99).toFixed(1)}× |`,
  );
console.log(
  `\nMemory for ${USERS.toLocaleString("en-US")} profiles in the memory store: ${((bytesPerUser * USERS) / 2 ** 20).toFixed(0)} MiB, ${bytesPerUser.toFixed(0)} bytes per user (512-byte record + LRU index + id string)${globalThis.gc ? "" : " (run with --expose-gc for a tighter figure)"}.`,
);
