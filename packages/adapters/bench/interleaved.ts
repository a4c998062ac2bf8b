/**
 * End to end, interleaved: the same in-memory MCP call made directly and through the registry, alternating call by
 * call so both see the same machine load, caches and GC. Prints per-call medians (µs) and the registry's share.
 * Run by `npm run bench -w @athena/adapters` after the vitest benchmarks; `--json <file>` also writes the numbers.
 */
import { writeFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { createToolRegistry, mcpAdapter, type ToolOperation } from "../src/index.js";

const server = new McpServer({ name: "bench", version: "1.0.0" });
server.registerTool(
  "add",
  {
    description: "Add two numbers.",
    inputSchema: { a: z.number(), b: z.number() },
    annotations: { readOnlyHint: true },
  },
  async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }] }),
);
const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
await server.connect(serverTransport);
const client = new Client({ name: "bench", version: "1.0.0" });
await client.connect(clientTransport);
const adapter = await mcpAdapter("bench", client);
const op = adapter.operations[0] as ToolOperation;
let audited = 0;
const policy = { allow: ["bench/*"], maxCallsPerExecution: Number.MAX_SAFE_INTEGER };
const audit = createToolRegistry({ policy, adapters: [adapter], onCall: () => audited++ });
const plain = createToolRegistry({ policy, adapters: [adapter] });

const args = { a: 1, b: 2 };
const context = { executionId: "bench" };
const variants: [string, () => Promise<unknown>][] = [
  ["client.callTool (baseline)", () => client.callTool({ name: "add", arguments: args })],
  ["mcpAdapter operation.execute", () => op.execute(args, { executionId: "bench", timeoutMs: 30_000 })],
  ["registry.call, no onCall", () => plain.call("bench/add", args, context)],
  ["registry.call with audit (onCall)", () => audit.call("bench/add", args, context)],
];
const rounds = Number(process.env.ROUNDS ?? 8_000);
const samples = variants.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  for (let v = 0; v < variants.length; v++) {
    const started = performance.now();
    await (variants[v] as [string, () => Promise<unknown>])[1]();
    (samples[v] as number[]).push((performance.now() - started) * 1000);
  }
}
const median = (values: number[]): number => {
  const sorted = values.slice(Math.floor(values.length / 10)).sort((a, b) => a - b); // drop the warm-up tenth
  return sorted[Math.floor(sorted.length / 2)] as number;
};
const medians = samples.map(median);
const base = medians[0] as number;
const rows = variants.map(([name], i) => ({
  name,
  medianUs: medians[i] as number,
  extraUs: (medians[i] as number) - base,
  sharePct: (100 * ((medians[i] as number) - base)) / base,
}));
for (const row of rows) {
  console.log(
    `interleaved :: ${row.name}: ${row.medianUs.toFixed(2)} µs (${row.extraUs >= 0 ? "+" : ""}${row.extraUs.toFixed(2)} µs, ${row.sharePct.toFixed(1)} %)`,
  );
}
const jsonAt = process.argv.indexOf("--json");
if (jsonAt > 0 && process.argv[jsonAt + 1])
  writeFileSync(process.argv[jsonAt + 1] as string, JSON.stringify({ rounds, rows }, null, 2));
await client.close();
if (audited === 0) throw new Error("the audit callback never ran");
