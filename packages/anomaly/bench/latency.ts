/**
 * Per-call latency percentiles of analyzeRequest (hot, and spread over 1,000,000 users) next to a bare EWMA update
 * timed by the same harness in the same process, for the current implementation and for the one from before the
 * performance pass (`test/reference/`), plus memory per profile. Prints the README's table.
 *
 * Each implementation runs in its own child process (so one's 600 MB of profiles does not crowd the other's out of
 * the CPU caches); `LATENCY_ROUNDS` (default 5) rounds alternate the two. The table gives, per row, the median over
 * the rounds of each percentile and of each ratio to the baseline measured in the same process, so a burst of load
 * from other processes moves one round, not the result. `npm run bench -w @athena/anomaly` runs it after the Vitest
 * benchmarks.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { quantileSorted } from "simple-statistics";
import { ewmaBench, hotBench, type Implementation, spreadBench, USERS } from "./setup.js";

const CALLS = 1_000_000;
const ROUNDS = Number(process.env.LATENCY_ROUNDS ?? 5);
const ROWS = [
  "bare EWMA update (baseline)",
  "analyzeRequest, hot (one user)",
  "analyzeRequest, spread over 1,000,000 users",
];

interface Percentiles {
  p50: number;
  p99: number;
}

interface ChildReport {
  rows: Percentiles[];
  bytesPerUser: number;
}

function measure(run: () => void): Percentiles {
  const now = process.hrtime.bigint;
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

/** One implementation in this process: memory of the spread set-up, then the three rows. */
function child(which: Implementation): ChildReport {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const spread = spreadBench(which);
  globalThis.gc?.();
  const after = process.memoryUsage();
  const bytesPerUser = (after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers) / USERS;
  const ewma = ewmaBench();
  const hot = hotBench(which);
  let x = 0;
  let cursor = 0;
  const rows = [
    measure(() => {
      x = (x + 1) & 15;
      ewma.update(x);
    }),
    measure(() => {
      hot.advance();
      hot.detector.analyzeRequest("hot-user", hot.request);
    }),
    measure(() => {
      spread.advance();
      cursor = cursor + 1 === spread.ids.length ? 0 : cursor + 1;
      spread.detector.analyzeRequest(spread.ids[cursor] as string, spread.request);
    }),
  ];
  return { rows, bytesPerUser };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

if (process.argv[2] === "--child") {
  process.stdout.write(JSON.stringify(child(process.argv[3] === "before" ? "before" : "current")));
} else {
  const reports: Record<Implementation, ChildReport[]> = { current: [], before: [] };
  for (let round = 0; round < ROUNDS; round++)
    for (const which of ["current", "before"] as const) {
      const out = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--child", which], {
        encoding: "utf8",
        maxBuffer: 1 << 20,
      });
      if (out.status !== 0) throw new Error(`latency child (${which}) failed: ${out.stderr}`);
      reports[which].push(JSON.parse(out.stdout) as ChildReport);
      process.stderr.write(".");
    }

  const cell = (which: Implementation, row: number, key: keyof Percentiles): number =>
    median(reports[which].map((r) => (r.rows[row] as Percentiles)[key]));
  const toBase = (which: Implementation, row: number, key: keyof Percentiles): number =>
    median(reports[which].map((r) => (r.rows[row] as Percentiles)[key] / (r.rows[0] as Percentiles)[key]));
  console.log(
    `\nPer-call latency: ${ROUNDS} rounds, each implementation in its own process, ${CALLS.toLocaleString("en-US")} timed calls per row`,
  );
  console.log(
    "(process.hrtime.bigint around every call, so the timer's own cost is inside every number, the baseline's",
  );
  console.log("too); medians over the rounds of each percentile and of each ratio to the same process's baseline.\n");
  console.log("| operation | p50 | p99 | p50 ÷ baseline | p99 ÷ baseline |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const which of ["current", "before"] as const)
    for (let row = 0; row < ROWS.length; row++) {
      if (which === "before" && row === 0) continue;
      const name = `${ROWS[row]}${which === "before" ? ", before this pass" : ""}`;
      console.log(
        `| ${name} | ${Math.round(cell(which, row, "p50"))} ns | ${Math.round(cell(which, row, "p99"))} ns | ${toBase(which, row, "p50").toFixed(1)}× | ${toBase(which, row, "p99").toFixed(1)}× |`,
      );
    }
  const spreadP50 = (which: Implementation): string =>
    reports[which].map((r) => Math.round((r.rows[2] as Percentiles).p50)).join(", ");
  const versus = (row: number): string =>
    median(
      reports.current.map(
        (r, i) => (r.rows[row] as Percentiles).p50 / ((reports.before[i] as ChildReport).rows[row] as Percentiles).p50,
      ),
    ).toFixed(2);
  console.log(
    `\nSpread p50 per round: ${spreadP50("current")} ns (before this pass: ${spreadP50("before")} ns). Current ÷ before, p50 of`,
  );
  console.log(`adjacent processes, median over the rounds: hot ${versus(1)}, spread ${versus(2)}.`);
  const bytes = median(reports.current.map((r) => r.bytesPerUser));
  const bytesBefore = median(reports.before.map((r) => r.bytesPerUser));
  console.log(
    `\nMemory for ${USERS.toLocaleString("en-US")} profiles in the memory store (records, key index, LRU bookkeeping, id strings and the benchmark's id list): ${((bytes * USERS) / 2 ** 20).toFixed(0)} MiB, ${bytes.toFixed(0)} bytes per user (before this pass: ${bytesBefore.toFixed(0)} bytes)${globalThis.gc ? "" : " (run with --expose-gc for a tighter figure)"}.`,
  );
}
