import { runFlagship } from "../flagship/run.js";
import type { Scene } from "../scene.js";

const n = (value: number): string => value.toLocaleString("en-US");

/** The flagship: code mode over real MCP servers, with the token ledger. */
export const scene: Scene = {
  name: "code mode: an agent program over real MCP servers",
  async run(progress) {
    const report = await runFlagship(progress);
    const lines: string[] = [
      `transcript: ${n(report.transcript.characters)} characters, ${n(report.transcript.tokens)} tokens, ${report.transcript.planted.length} action items planted`,
    ];
    lines.push("program output (what the model reads):");
    const { owners, ...rest } = (report.result.output ?? {}) as { owners?: unknown[] };
    lines.push(`  ${JSON.stringify(rest)}`);
    for (const owner of owners ?? []) lines.push(`  owner ${JSON.stringify(owner)}`);
    for (const entry of report.result.logs) lines.push(`  console.${entry.level}: ${entry.message}`);
    const tokenized = Object.entries(report.tokenizedInResults).map(([type, count]) => `${count} ${type}`);
    lines.push(
      `filtered: distinct values tokenized in tool results before the program saw them: ${tokenized.join(", ") || "nothing"}`,
    );
    const found = Object.entries(report.outputFindings).map(([type, count]) => `${count} ${type}`);
    lines.push(`          output filter findings: ${found.join(", ") || "none (placeholders only)"}`);
    lines.push("", "token ledger (o200k_base):");
    const width = Math.max(...[...report.ledger.classic, ...report.ledger.codeMode].map((line) => line.item.length));
    lines.push("  classic: every definition up front, every result through the context");
    for (const line of report.ledger.classic)
      lines.push(`    ${line.item.padEnd(width)} ${n(line.tokens).padStart(8)}`);
    lines.push(`    ${"total".padEnd(width)} ${n(report.ledger.classicTotal).padStart(8)}`);
    lines.push("  code mode: manifest, signatures used, the program, its output");
    for (const line of report.ledger.codeMode)
      lines.push(`    ${line.item.padEnd(width)} ${n(line.tokens).padStart(8)}`);
    lines.push(`    ${"total".padEnd(width)} ${n(report.ledger.codeModeTotal).padStart(8)}`);
    lines.push(
      `  reduction: ${(report.ledger.reduction * 100).toFixed(1)} % (${n(report.ledger.classicTotal)} → ${n(report.ledger.codeModeTotal)} tokens)`,
      "",
    );
    for (const check of report.checks) lines.push(`${check.ok ? "✔" : "✘"} ${check.name}: ${check.detail}`);
    return { ok: report.ok, lines };
  },
};
