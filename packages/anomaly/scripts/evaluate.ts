/**
 * Prints the evaluation of the detector on the labelled synthetic workload as the README's table.
 * `npm run evaluate -w @athena/anomaly` (add `-- --json` for the raw report).
 */
import { DEFAULT_WORKLOAD, evaluate } from "../test/evaluation.js";

const report = evaluate(DEFAULT_WORKLOAD);
if (process.argv.includes("--json")) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  const secs = (x: number): string => (Number.isNaN(x) ? "–" : `${x.toFixed(0)} s`);
  console.log(
    `Workload: ${report.users} users, ${report.days} days, ${report.requests.toLocaleString("en-US")} requests, ${report.episodes} anomalous episodes (seed ${DEFAULT_WORKLOAD.seed}).\n`,
  );
  console.log("| episode kind | episodes | detected | median time to detect | p90 time to detect | first flagged as |");
  console.log("| --- | ---: | ---: | ---: | ---: | --- |");
  for (const k of report.byKind) {
    const types = Object.entries(k.firstTypes)
      .sort((a, b) => b[1] - a[1])
      .map(([t, n]) => `${t} ${n}`)
      .join(", ");
    console.log(
      `| ${k.kind} | ${k.episodes} | ${pct(k.detectionRate)} | ${secs(k.medianSecondsToDetect)} | ${secs(k.p90SecondsToDetect)} | ${types} |`,
    );
  }
  console.log(
    `| **all** | ${report.episodes} | **${pct(report.detectionRate)}** | ${secs(report.medianSecondsToDetect)} | | |\n`,
  );
  console.log(
    `False positives: ${report.falsePositives.toLocaleString("en-US")} of ${report.normalJudged.toLocaleString("en-US")} normal requests judged after warm-up were not allowed: **${pct(report.falsePositiveRate)}**.`,
  );
  console.log(
    `Normal user-days with at least one request not allowed: ${report.userDaysFlagged} of ${report.userDays} (${pct(report.userDaysFlagged / report.userDays)}).`,
  );
  console.log(
    `In the 30 minutes after an episode (risk still decaying), ${report.recoveryNotAllowed} of ${report.recoveryJudged} normal requests were not allowed (${pct(report.recoveryNotAllowed / Math.max(1, report.recoveryJudged))}); they are not counted above.`,
  );
  console.log(`\n(${report.analyzeSeconds.toFixed(1)} s of analysis on this machine.)`);
}
