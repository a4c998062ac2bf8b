import { describe, expect, it } from "vitest";
import { buildLedger, countTokens } from "../src/flagship/ledger.js";
import { runFlagship } from "../src/flagship/run.js";
import { generateTranscript } from "../src/flagship/transcript.js";

describe("transcript", () => {
  it("is deterministic, ~50k tokens, with every planted action item in the text", () => {
    const a = generateTranscript();
    expect(generateTranscript().text).toBe(a.text);
    const tokens = countTokens(a.text);
    expect(tokens).toBeGreaterThan(40_000);
    expect(tokens).toBeLessThan(65_000);
    expect(a.actionItems).toHaveLength(12);
    for (const item of a.actionItems)
      expect(a.text).toContain(`ACTION ITEM: ${item.owner.name} (${item.owner.email}) will ${item.task}`);
    expect(generateTranscript({ seed: 7 }).text).not.toBe(a.text);
  });
});

describe("token ledger", () => {
  it("sums what it is given and computes the reduction from the sums", () => {
    const ledger = buildLedger({
      toolDefinitions: [{ name: "t", description: "d".repeat(400) }],
      calls: [
        { tool: "s/t", arguments: { q: "x" }, result: { content: [{ type: "text", text: "word ".repeat(1000) }] } },
      ],
      manifest: "s: a server",
      signatures: ["t(args: { q: string }): Promise<string>"],
      program: "return 1",
      output: { output: 1 },
    });
    expect(ledger.classicTotal).toBe(ledger.classic.reduce((s, l) => s + l.tokens, 0));
    expect(ledger.codeModeTotal).toBe(ledger.codeMode.reduce((s, l) => s + l.tokens, 0));
    expect(ledger.classicTotal).toBeGreaterThan(1000);
    expect(ledger.reduction).toBeCloseTo(1 - ledger.codeModeTotal / ledger.classicTotal, 10);
  });
});

describe("flagship run (real MCP servers, registry, vault, sandbox pool)", () => {
  it("extracts, stores and summarises every action item while the model sees only placeholders", async () => {
    const progress: string[] = [];
    const report = await runFlagship((line) => progress.push(line));
    for (const check of report.checks) expect(check.ok, `${check.name}: ${check.detail}`).toBe(true);
    expect(report.ok).toBe(true);
    // The ledger is computed from what was recorded: the classic column carries the whole transcript.
    const readLine = report.ledger.classic.find((line) => line.item.startsWith("filesystem/read_text_file"));
    expect(readLine?.tokens).toBeGreaterThan(report.transcript.tokens * 0.95);
    expect(report.ledger.codeModeTotal).toBeLessThan(report.transcript.tokens / 10);
    expect(report.ledger.reduction).toBeCloseTo(1 - report.ledger.codeModeTotal / report.ledger.classicTotal, 10);
    // The vault tokenized the e-mail addresses in the transcript before the program saw them.
    expect(report.tokenizedInResults.email).toBe(
      new Set(report.transcript.planted.map((item) => item.owner.email)).size,
    );
    expect(report.result.metrics.toolCalls).toBe(5);
    expect(progress.length).toBeGreaterThanOrEqual(4);
  }, 120_000);
});
