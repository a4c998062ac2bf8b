/**
 * Replays the benchmark workloads without per-call timers, for profiling:
 * `node --cpu-prof --cpu-prof-dir=/tmp/prof --conditions=@athena/source --import tsx bench/replay.ts spread`
 * (or `hot`). Prints the mean time per call.
 */
import { hotBench, spreadBench } from "./setup.js";

const mode = process.argv[2] === "hot" ? "hot" : "spread";
const calls = Number(process.argv[3] ?? 3_000_000);
const started = process.hrtime.bigint();
if (mode === "hot") {
  const hot = hotBench();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    hot.advance();
    hot.detector.analyzeRequest("hot-user", hot.request);
  }
  console.log(`hot: ${(Number(process.hrtime.bigint() - t0) / calls).toFixed(0)} ns/call`);
} else {
  const spread = spreadBench();
  let cursor = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    spread.advance();
    cursor = cursor + 1 === spread.ids.length ? 0 : cursor + 1;
    spread.detector.analyzeRequest(spread.ids[cursor] as string, spread.request);
  }
  console.log(`spread: ${(Number(process.hrtime.bigint() - t0) / calls).toFixed(0)} ns/call`);
}
console.log(`total ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
