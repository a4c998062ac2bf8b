/**
 * Prints the per-type precision/recall table of the evaluation corpus; with `--write`, puts it into README.md between
 * the evaluation markers. Run: `npm run evaluate -w @athena/filter`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { evaluationMarkdown, withTable } from "../test/fixtures/report.js";

const table = evaluationMarkdown();
if (process.argv.includes("--write")) {
  const path = fileURLToPath(new URL("../README.md", import.meta.url));
  writeFileSync(path, withTable(readFileSync(path, "utf8"), table));
  console.log(`README.md updated (${table.split("\n").length} lines)`);
} else {
  console.log(table);
}
