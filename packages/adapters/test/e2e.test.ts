/**
 * End to end: a TypeScript program running in @athena/sandbox-wasm calls the real memory and filesystem servers
 * through the registry (policy, validation, audit), and returns a summary the test checks against the servers' state.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createWasmSandbox, type WasmSandbox } from "@athena/sandbox-wasm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createToolRegistry,
  mcpAdapter,
  type SecurityEvent,
  type ToolCallRecord,
  type ToolRegistry,
} from "../src/index.js";
import { type RunningServer, startServer } from "./helpers/servers.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let memory: RunningServer;
let filesystem: RunningServer;
let registry: ToolRegistry;
let sandbox: WasmSandbox;
const records: ToolCallRecord[] = [];
const events: SecurityEvent[] = [];

beforeAll(async () => {
  [memory, filesystem] = await Promise.all([startServer("memory"), startServer("filesystem")]);
  registry = createToolRegistry({
    policy: {
      allow: [
        "memory/create_entities",
        "memory/create_relations",
        "memory/search_nodes",
        "memory/read_graph",
        "filesystem/*",
        "filesystem/write_file",
      ],
      maxCallsPerExecution: 5,
    },
    adapters: await Promise.all([mcpAdapter("memory", memory.client), mcpAdapter("filesystem", filesystem.client)]),
    onCall: (record) => records.push(record),
    onSecurityEvent: (event) => events.push(event),
  });
  sandbox = await createWasmSandbox({ tools: registry, timeoutMs: 30_000 });
});

afterAll(async () => {
  sandbox?.dispose();
  await Promise.all([memory?.close(), filesystem?.close()]);
});

const program = `
interface Person { name: string; role: string }
const people: Person[] = input.people;
await tools.memory.create_entities({
  entities: people.map((p) => ({ name: p.name, entityType: "person", observations: [p.role] })),
});
await tools.memory.create_relations({
  relations: [
    { from: "Ada", to: "Charles", relationType: "corresponds_with" },
    { from: "Grace", to: "Ada", relationType: "admires" },
  ],
});
const found = await tools.memory.search_nodes({ query: "Ada" });
const names: string[] = found.entities.map((e: { name: string }) => e.name).sort();
const report = [
  "# People",
  ...people.map((p) => "- " + p.name + ": " + p.role),
  "relations about Ada: " + found.relations.length,
].join("\\n");
const path = input.dir + "/report.md";
await tools.filesystem.write_file({ path, content: report });
const back = await tools.filesystem.read_text_file({ path });
// Destructive tools the policy does not name are not even visible to the program.
const canDelete = typeof (tools.memory as Record<string, unknown>).delete_entities === "function";
// The sixth call goes over this execution's budget of five.
let sixth = "";
try {
  await tools.memory.read_graph({});
} catch (error) {
  sixth = (error as { code?: string }).code ?? "no code";
}
return {
  created: people.length,
  matched: names,
  relationsAboutAda: found.relations.length,
  reportLines: back.content.split("\\n").length,
  roundTrip: back.content === report,
  canDelete,
  sixth,
};
`;

describe("a sandboxed TypeScript program using the memory and filesystem servers", () => {
  it("creates entities and relations, searches them, writes and reads a file, and returns a correct summary", async () => {
    const people = [
      { name: "Ada", role: "analyst" },
      { name: "Charles", role: "engineer" },
      { name: "Grace", role: "admiral" },
    ];
    const result = await sandbox.execute(program, { people, dir: filesystem.dir }, { executionId: "e2e-1" });
    expect(result.errors).toEqual([]);
    expect(result.success).toBe(true);
    expect(result.output).toEqual({
      created: 3,
      matched: ["Ada"],
      relationsAboutAda: 2,
      reportLines: 5,
      roundTrip: true,
      canDelete: false,
      sixth: "BUDGET_EXCEEDED",
    });

    // The servers' own state agrees with what the program reported.
    const graph = (await memory.client.callTool({ name: "read_graph", arguments: {} })).structuredContent as {
      entities: { name: string }[];
      relations: unknown[];
    };
    expect(graph.entities.map((e) => e.name).sort()).toEqual(["Ada", "Charles", "Grace"]);
    expect(graph.relations).toHaveLength(2);
    expect(readFileSync(join(filesystem.dir, "report.md"), "utf8")).toBe(
      "# People\n- Ada: analyst\n- Charles: engineer\n- Grace: admiral\nrelations about Ada: 2",
    );

    // One audit record per call, keyed on the sandbox's execution id; going over budget raised an event.
    const mine = records.filter((record) => record.executionId === "e2e-1");
    expect(mine.map((record) => [record.tool, record.outcome])).toEqual([
      ["memory/create_entities", "ok"],
      ["memory/create_relations", "ok"],
      ["memory/search_nodes", "ok"],
      ["filesystem/write_file", "ok"],
      ["filesystem/read_text_file", "ok"],
      ["memory/read_graph", "error"],
    ]);
    expect(events).toEqual([
      expect.objectContaining({
        type: "TOOL_BUDGET_EXCEEDED",
        data: expect.objectContaining({ tool: "memory/read_graph", executionId: "e2e-1", limit: 5 }),
      }),
    ]);
    expect(registry.usage("e2e-1").calls).toBe(5);
  });

  it("surfaces invalid arguments to the program as INVALID_PARAMETERS naming the bad path", async () => {
    const result = await sandbox.execute(
      `try { await tools.memory.search_nodes({ query: 42 }); return "no error"; }
       catch (error) { return { code: (error as { code?: string }).code, message: String((error as Error).message) }; }`,
      undefined,
      { executionId: "e2e-2" },
    );
    expect(result.success).toBe(true);
    expect(result.output).toMatchObject({ code: "INVALID_PARAMETERS" });
    expect((result.output as { message: string }).message).toContain(
      "query: Invalid input: expected string, received number",
    );
  });

  it("works as an ES module importing from servers/<server>", async () => {
    const result = await sandbox.execute(
      `import { search_nodes } from "servers/memory";
       const found = await search_nodes({ query: "engineer" });
       export default found.entities.map((e: { name: string }) => e.name);`,
      undefined,
      { executionId: "e2e-3" },
    );
    expect(result.errors).toEqual([]);
    expect(result.output).toEqual(["Charles"]);
  });
});
