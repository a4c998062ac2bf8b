/**
 * Registry overhead per call (policy, budget, validation, audit, result mapping) next to the same call without the
 * registry, in the same run. Run: `npm run bench -w @athena/adapters` (prints the ratios at the end).
 *
 * - "mcp round trip": an MCP tool over the SDK's in-memory transport, `client.callTool` directly vs `registry.call`
 *   through `mcpAdapter` (the registry's share is the difference);
 * - "registry alone": the same registry path on an operation that returns at once vs calling that operation
 *   directly, so the overhead is measured without the round trip's noise;
 * - "mcpAdapter alone": the adapter's argument and result mapping against a client that answers at once.
 *
 * The overhead added to an MCP call is "registry alone" + "mcpAdapter alone"; `ratios.mjs` reports it as a share of
 * the in-memory round trip's median.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { bench, describe } from "vitest";
import { z } from "zod";
import {
  createToolRegistry,
  type McpClientLike,
  mcpAdapter,
  type ToolCallRecord,
  type ToolOperation,
} from "../src/index.js";

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

let audited = 0;
const onCall = (_record: ToolCallRecord): void => {
  audited++;
};
const policy = { allow: ["bench/*", "local/*"], maxCallsPerExecution: Number.MAX_SAFE_INTEGER };
const registry = createToolRegistry({ policy, onCall, adapters: [await mcpAdapter("bench", client)] });

// The same operation shape mcpAdapter builds, minus the client: parameters from the same JSON Schema.
const local: ToolOperation = {
  id: "local/add",
  name: "add",
  description: "Add two numbers.",
  parameters: z.fromJSONSchema({
    type: "object",
    properties: { a: { type: "number" }, b: { type: "number" } },
    required: ["a", "b"],
  }),
  mutating: false,
  destructive: false,
  readsSensitive: false,
  writesSensitive: false,
  cost: 1,
  tags: [],
  examples: [],
  taskRequired: false,
  deprecated: false,
  execute: async (args) => {
    const { a, b } = args as { a: number; b: number };
    return a + b;
  },
};
registry.register({ name: "local", category: "bench", version: "1", description: "local", operations: [local] });

// mcpAdapter's own work (argument passing, error and result mapping) against a client that answers at once.
const answer = { content: [{ type: "text", text: "3" }] };
const instant: McpClientLike = {
  listTools: async () => ({
    tools: [
      {
        name: "add",
        inputSchema: { type: "object", properties: { a: { type: "number" } } },
        annotations: { readOnlyHint: true },
      },
    ],
  }),
  callTool: async () => answer,
};
const instantOp = (await mcpAdapter("instant", instant)).operations[0] as ToolOperation;

// Long enough, with warm-up, that JIT and GC settle before the samples that count (2 shared, noisy cores).
const options = { time: 3_000, warmupTime: 1_000, warmupIterations: 200 };
const args = { a: 1, b: 2 };
const context = { executionId: "bench" };
const opContext = { executionId: "bench", timeoutMs: 30_000 };

describe("mcp round trip (in-memory transport)", () => {
  bench(
    "baseline: client.callTool",
    async () => {
      await client.callTool({ name: "add", arguments: args });
    },
    options,
  );
  bench(
    "registry.call via mcpAdapter",
    async () => {
      await registry.call("bench/add", args, context);
    },
    options,
  );
});

describe("registry alone", () => {
  bench(
    "baseline: operation.execute",
    async () => {
      await local.execute(args, opContext);
    },
    options,
  );
  bench(
    "registry.call (policy, budget, validation, audit)",
    async () => {
      await registry.call("local/add", args, context);
    },
    options,
  );
});

describe("mcpAdapter alone (a client that answers at once)", () => {
  bench(
    "baseline: client.callTool",
    async () => {
      await instant.callTool({ name: "add", arguments: args });
    },
    options,
  );
  bench(
    "adapter operation.execute (mapping)",
    async () => {
      await instantOp.execute(args, opContext);
    },
    options,
  );
});

if (audited < 0) throw new Error("unreachable");
