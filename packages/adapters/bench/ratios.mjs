// Reads the JSON vitest bench wrote and prints each benchmark's median next to its group's baseline. Medians, not
// means: on two shared cores a few descheduled samples (up to 100 ms) dominate a mean.
// With `--readme`, also writes the table between the bench-table markers of the package README.
import { readFileSync, writeFileSync } from "node:fs";

const writeReadme = process.argv.includes("--readme");
const file =
  process.argv.slice(2).find((arg) => !arg.startsWith("--")) ?? new URL("./results.json", import.meta.url).pathname;
const results = JSON.parse(readFileSync(file, "utf8"));
const rows = [];
for (const suite of results.files ?? []) {
  for (const group of suite.groups ?? []) {
    const benches = group.benchmarks ?? [];
    const baseline = benches.find((b) => b.name.startsWith("baseline"));
    if (baseline === undefined) continue;
    for (const b of benches) {
      if (b === baseline) continue;
      const extraUs = (b.median - baseline.median) * 1000;
      rows.push({
        group: group.fullName,
        bench: b.name,
        medianUs: b.median * 1000,
        baselineUs: baseline.median * 1000,
        extraUs,
      });
    }
  }
}
const round = rows.find((r) => r.group.includes("mcp round trip"));
const alone = rows.find((r) => r.group.includes("registry alone"));
const adapter = rows.find((r) => r.group.includes("mcpAdapter alone"));
for (const r of rows) {
  console.log(
    `${r.group} :: ${r.bench}: ${r.medianUs.toFixed(2)} µs vs baseline ${r.baselineUs.toFixed(2)} µs (+${r.extraUs.toFixed(2)} µs, ×${(r.medianUs / r.baselineUs).toFixed(3)})`,
  );
}
if (round && alone && adapter) {
  const share = (us) => `${((100 * us) / round.baselineUs).toFixed(1)} %`;
  console.log(`in-memory MCP round trip (median): ${round.baselineUs.toFixed(2)} µs`);
  console.log(
    `registry overhead (policy, budget, validation, audit): +${alone.extraUs.toFixed(2)} µs = ${share(alone.extraUs)}`,
  );
  console.log(`mcpAdapter mapping: +${adapter.extraUs.toFixed(2)} µs = ${share(adapter.extraUs)}`);
  console.log(
    `total added to an MCP call: +${(alone.extraUs + adapter.extraUs).toFixed(2)} µs = ${share(alone.extraUs + adapter.extraUs)} (target ≤ 5 %)`,
  );
  console.log(
    `end to end (difference of the two round trips, noisy): ${round.extraUs.toFixed(2)} µs = ${share(round.extraUs)}`,
  );
}

let interleaved = [];
try {
  interleaved = JSON.parse(readFileSync(new URL("./interleaved.json", import.meta.url), "utf8")).rows;
} catch {
  // Only the vitest results are there.
}

if (writeReadme && round && alone && adapter) {
  const us = (x) => `${x.toFixed(2)} µs`;
  const pct = (x) => `${((100 * x) / round.baselineUs).toFixed(1)} %`;
  const table = [
    "| what | median | added | share of the MCP round trip |",
    "| --- | ---: | ---: | ---: |",
    `| baseline: \`client.callTool\` over the in-memory transport | ${us(round.baselineUs)} | | 100 % |`,
    `| registry alone: \`registry.call\` vs the operation called directly (policy, budget, validation, audit) | ${us(alone.medianUs)} vs ${us(alone.baselineUs)} | +${us(alone.extraUs)} | ${pct(alone.extraUs)} |`,
    `| mcpAdapter alone: argument and result mapping vs a client that answers at once | ${us(adapter.medianUs)} vs ${us(adapter.baselineUs)} | +${us(adapter.extraUs)} | ${pct(adapter.extraUs)} |`,
    `| **total added to an MCP call** (target ≤ 5 %) | | **+${us(alone.extraUs + adapter.extraUs)}** | **${pct(alone.extraUs + adapter.extraUs)}** |`,
    `| end to end: \`registry.call\` via mcpAdapter vs \`client.callTool\` (difference of two sequential, noisy benchmarks) | ${us(round.medianUs)} vs ${us(round.baselineUs)} | ${round.extraUs >= 0 ? "+" : ""}${us(round.extraUs)} | ${pct(round.extraUs)} |`,
    ...interleaved.map(
      (row) =>
        `| end to end, interleaved call by call: ${row.name} | ${us(row.medianUs)} | ${row.extraUs >= 0 ? "+" : ""}${us(row.extraUs)} | ${row.sharePct.toFixed(1)} % |`,
    ),
  ].join("\n");
  const readmeUrl = new URL("../README.md", import.meta.url);
  const readme = readFileSync(readmeUrl, "utf8");
  const pattern = /<!-- bench-table:start -->[\s\S]*?<!-- bench-table:end -->/;
  writeFileSync(readmeUrl, readme.replace(pattern, `<!-- bench-table:start -->\n${table}\n<!-- bench-table:end -->`));
  console.log("README bench table updated");
}
