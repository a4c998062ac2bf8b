import { tmpdir } from "node:os";
import { join } from "node:path";
import { createToolRegistry, mcpAdapter } from "@athena/adapters";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const client = new Client({ name: "my-host", version: "1.0.0" });
const env = { MEMORY_FILE_PATH: join(tmpdir(), "athena-quickstart.jsonl") };
await client.connect(
  new StdioClientTransport({ command: "npx", args: ["-y", "@modelcontextprotocol/server-memory"], env }),
);

const registry = createToolRegistry({ policy: { allow: ["memory/*"] } }); // delete_* stay hidden: destructive
registry.register(await mcpAdapter("memory", client));
console.log(registry.manifest()); // memory (6 tools): memory-server
console.log(registry.signature("memory/search_nodes")); // function search_nodes(args: { query: string }): Promise<…>
const run = { executionId: "run-1" };
await registry.call(
  "memory/create_entities",
  { entities: [{ name: "Ada", entityType: "person", observations: [] }] },
  run,
);
console.log(await registry.call("memory/search_nodes", { query: "Ada" }, run)); // { entities: [ … ], relations: [] }
await client.close();
