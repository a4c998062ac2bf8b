import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createToolRegistry, defineAdapter, mcpAdapter, type ToolAdapter, type ToolRegistry } from "../src/index.js";
import { type RunningServer, startRealServers, startServer } from "./helpers/servers.js";
import { typeCheck } from "./helpers/typescript.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let servers: Record<"memory" | "filesystem" | "everything", RunningServer>;
let edge: RunningServer;
let adapters: ToolAdapter[];
let edgeAdapter: ToolAdapter;
let all: ToolRegistry;

beforeAll(async () => {
  [servers, edge] = await Promise.all([startRealServers(), startServer("edge")]);
  adapters = await Promise.all([
    mcpAdapter("memory", servers.memory.client, {
      description: "Knowledge graph memory: entities, relations, observations",
    }),
    mcpAdapter("filesystem", servers.filesystem.client, {
      description: "Files and directories under one allowed directory",
    }),
    mcpAdapter("everything", servers.everything.client),
  ]);
  edgeAdapter = await mcpAdapter("edge", edge.client);
  // Every tool visible: allowDestructive also allows the destructive ones.
  all = createToolRegistry({ policy: { allowDestructive: ["**"] }, adapters });
});

afterAll(async () => {
  await Promise.all([...Object.values(servers ?? {}).map((server) => server.close()), edge?.close()]);
});

describe("manifest and describe", () => {
  it("gives one line per server", () => {
    expect(all.manifest()).toBe(
      [
        "memory (9 tools): Knowledge graph memory: entities, relations, observations",
        "filesystem (14 tools): Files and directories under one allowed directory",
        "everything (13 tools): Everything Reference Server",
      ].join("\n"),
    );
  });

  it("lists one server's tools with one-line summaries and flags", () => {
    const text = all.describe("memory");
    const lines = text.split("\n");
    expect(lines[0]).toBe("memory: Knowledge graph memory: entities, relations, observations");
    expect(lines).toHaveLength(10);
    expect(lines).toContain("- search_nodes: Search for nodes in the knowledge graph based on a query");
    expect(lines).toContain(
      "- delete_entities: Delete multiple entities and their associated relations from the knowledge graph [destructive]",
    );
    expect(all.describe("everything")).toContain(
      "- simulate_research_query: Simulates a deep research operation that gathers, analyzes, and synthesizes information. [task-only]",
    );
    expect(all.describe("filesystem")).toContain(
      "- read_file: Read the complete contents of a file as text. [deprecated]",
    );
    expect(() => all.describe("nope")).toThrow(/no server "nope"/);
  });

  it("shows only what the policy allows", () => {
    const narrow = createToolRegistry({ policy: { allow: ["memory/read_graph", "memory/search_nodes"] }, adapters });
    expect(narrow.manifest()).toBe("memory (2 tools): Knowledge graph memory: entities, relations, observations");
    expect(narrow.describe("memory").split("\n")).toHaveLength(3);
    expect(() => narrow.describe("filesystem")).toThrow(/no server/);
    expect(() => narrow.signature("memory/create_entities")).toThrow(/no allowed tool/);
    expect(narrow.search("write a file").map((hit) => hit.id)).toEqual([]);
    expect(narrow.declarations()).not.toContain("filesystem");
    expect(Object.keys(narrow.fileTree())).toEqual([
      "servers/memory/read_graph.ts",
      "servers/memory/search_nodes.ts",
      "servers/memory/index.ts",
    ]);
  });
});

describe("signature and source", () => {
  it("renders a one-line TypeScript signature from the server's schemas", () => {
    expect(all.signature("memory/search_nodes")).toBe(
      "function search_nodes(args: { query: string }): Promise<{ entities: { name: string; entityType: string; observations: string[] }[]; relations: { from: string; to: string; relationType: string }[] }>",
    );
    expect(all.signature("everything/get_sum")).toBe(
      "function get_sum(args: { a: number; b: number }): Promise<AthenaTools.McpResult>",
    );
    expect(all.signature("everything/get_env")).toBe(
      "function get_env(args?: Record<string, unknown>): Promise<AthenaTools.McpResult>",
    );
    expect(all.signature("filesystem/list_directory_with_sizes")).toBe(
      'function list_directory_with_sizes(args: { path: string; sortBy?: "name" | "size" }): Promise<{ content: string }>',
    );
  });

  it("renders the full document: description, flags, typed parameters with docs, an example", () => {
    const source = all.source("filesystem/edit_file");
    expect(source).toContain("Make line-based edits to a text file.");
    expect(source).toContain("Tool `filesystem/edit_file`: destructive; cost 1.");
    expect(source).toContain(
      "   * Preview changes using git-style diff format\n   * @defaultValue false\n   */\n  dryRun?: boolean;",
    );
    expect(source).toContain(
      'const result = await tools.filesystem.edit_file({"path":"path","edits":[{"oldText":"oldText","newText":"newText"}]});',
    );
    expect(source).toContain("export function edit_file(args: {");
    expect(all.source("everything/get_tiny_image")).toContain('(named "get-tiny-image" by its server)');
  });

  it("documents hand-written operations from their zod schemas", () => {
    const registry = createToolRegistry({
      policy: { allow: ["notes/*"] },
      adapters: [
        defineAdapter({
          name: "notes",
          operations: {
            find: {
              description: "Find notes by text.",
              parameters: z.object({
                text: z.string().describe("words to look for"),
                limit: z.number().int().default(10),
              }),
              returns: z.array(z.object({ id: z.string(), body: z.string() })),
              examples: [
                { description: "notes about Ada", args: { text: "Ada" }, result: [{ id: "n1", body: "Ada…" }] },
              ],
              execute: () => [],
            },
          },
        }),
      ],
    });
    expect(registry.signature("notes/find")).toBe(
      "function find(args: { text: string; limit?: number }): Promise<{ id: string; body: string }[]>",
    );
    const source = registry.source("notes/find");
    expect(source).toContain("/** words to look for */");
    expect(source).toContain("// notes about Ada");
    expect(source).toContain('const result = await tools.notes.find({"text":"Ada"});');
    expect(source).toContain('// → [{"id":"n1","body":"Ada…"}]');
    expect(registry.typeSpec("notes/find").parameters).toMatchObject({ type: "object", required: ["text"] });
  });
});

describe("search", () => {
  const expectations: [string, string][] = [
    ["write file", "filesystem/write_file"],
    ["delete relation", "memory/delete_relations"],
    ["search knowledge graph nodes", "memory/search_nodes"],
    ["sum two numbers", "everything/get_sum"],
    ["image", "everything/get_tiny_image"],
    ["list directory", "filesystem/list_directory"],
    ["add observations to an entity", "memory/add_observations"],
    ["compress a file", "everything/gzip_file_as_resource"],
    ["environment variables", "everything/get_env"],
    ["move or rename", "filesystem/move_file"],
    ["file metadata", "filesystem/get_file_info"],
    ["long running operation with progress", "everything/trigger_long_running_operation"],
    ["memory/open_nodes", "memory/open_nodes"],
  ];
  it.each(expectations)("ranks %j → %s first", (query, expected) => {
    expect(all.search(query, { detail: "name", limit: 3 })[0]?.id).toBe(expected);
  });

  it("ranks the deprecated read_file below the current read tools", () => {
    const ids = all.search("read file", { detail: "name", limit: 20 }).map((hit) => hit.id);
    expect(ids.slice(0, 3).sort()).toEqual([
      "filesystem/read_media_file",
      "filesystem/read_multiple_files",
      "filesystem/read_text_file",
    ]);
    expect(ids).toContain("filesystem/read_file");
    expect(ids.indexOf("filesystem/read_file")).toBeGreaterThan(2);
  });

  it("returns the detail level asked for, best first, within the limit", () => {
    const named = all.search("entities", { detail: "name", limit: 2 });
    expect(named).toHaveLength(2);
    expect(Object.keys(named[0] ?? {}).sort()).toEqual(["id", "name", "score", "server"]);
    expect((named[0]?.score ?? 0) >= (named[1]?.score ?? 0)).toBe(true);
    const summary = all.search("entities", { limit: 1 })[0];
    expect(summary?.summary).toMatch(/entities/i);
    expect(summary?.signature).toBeUndefined();
    const full = all.search("get sum", { detail: "full", limit: 1 })[0];
    expect(full?.signature).toBe(all.signature("everything/get_sum"));
    expect(full?.source).toBe(all.source("everything/get_sum"));
    expect(() => all.search("x", { detail: "huge" as "full" })).toThrow(/detail/);
    expect(() => all.search("x", { limit: 0 })).toThrow(/limit/);
  });
});

describe("declarations and the file tree compile under tsc --strict", () => {
  it("the type checker used here does reject bad code", () => {
    expect(typeCheck({ "bad.ts": "export const x: string = 1;" }).errors).toHaveLength(1);
  });

  it("declares every callable tool of the three real servers and the edge server", () => {
    const registry = createToolRegistry({ policy: { allowDestructive: ["**"] }, adapters: [...adapters, edgeAdapter] });
    const declarations = registry.declarations();
    const callable = registry.list();
    expect(callable).toHaveLength(35 + edgeAdapter.operations.length - 1);
    for (const tool of callable) {
      expect(declarations).toContain(`    function ${tool.name}(`);
      expect(declarations).toContain(`  export const ${tool.name}: typeof tools.${tool.server}.${tool.name};`);
    }
    expect(declarations).not.toContain("simulate_research_query(");
    expect(declarations).toContain("Ends a comment early *\\/ and opens one /* and has a");
    const program = [
      'import { search_nodes } from "servers/memory";',
      'import { read_file_2 } from "servers/edge";',
      "export async function main(): Promise<string> {",
      "  const graph = await tools.memory.read_graph();",
      "  const names: string[] = graph.entities.map((entity) => entity.name);",
      '  const found = await search_nodes({ query: "Ada" });',
      '  const file = await tools.filesystem.read_text_file({ path: "/tmp/x", head: 3 });',
      "  const text: string = file.content;",
      "  const sum = await tools.everything.get_sum({ a: 1, b: 2 });",
      '  if (typeof sum === "string") names.push(sum);',
      '  const odd = await tools.edge.weird_docs({ "odd-key": "x", default: 2 });',
      '  await read_file_2({ path: "p" });',
      '  return [names.length, found.relations.length, text, JSON.stringify(odd)].join(" ");',
      "}",
    ].join("\n");
    expect(typeCheck({ "tools.d.ts": declarations, "program.ts": program }).errors).toEqual([]);
    // The types are real, not `any`: wrong arguments fail.
    const wrong =
      "export const p = tools.memory.search_nodes({ query: 1 });\nexport const q = tools.filesystem.write_file({ path: 'x' });";
    expect(typeCheck({ "tools.d.ts": declarations, "wrong.ts": wrong }).errors).toHaveLength(2);
  });

  it("every tool's signature compiles, task-only tools included", () => {
    const registry = createToolRegistry({ policy: { allowDestructive: ["**"] }, adapters: [...adapters, edgeAdapter] });
    const ids = [...adapters, edgeAdapter].flatMap((adapter) => adapter.operations.map((op) => op.id));
    expect(ids).toHaveLength(36 + edgeAdapter.operations.length);
    const text = ids.map((id, i) => `export declare namespace N${i} { ${registry.signature(id)}; }`).join("\n");
    const header = registry.declarations().split("declare namespace tools")[0] ?? "";
    expect(typeCheck({ "signatures.ts": `${header}\n${text}` }).errors).toEqual([]);
  });

  it("the file tree has a module per tool and an index per server, and compiles with the declarations", () => {
    const tree = all.fileTree();
    const paths = Object.keys(tree);
    expect(paths).toHaveLength(35 + 3);
    expect(paths).toContain("servers/memory/create_entities.ts");
    expect(paths).toContain("servers/everything/get_tiny_image.ts");
    expect(paths).not.toContain("servers/everything/simulate_research_query.ts");
    expect(tree["servers/memory/index.ts"]).toContain('export { create_entities } from "./create_entities";');
    expect(tree["servers/memory/search_nodes.ts"]).toBe(all.source("memory/search_nodes"));
    const files: Record<string, string> = { "tools.d.ts": all.declarations() };
    for (const [path, text] of Object.entries(tree)) files[path] = text;
    files["use.ts"] = 'import { read_graph } from "./servers/memory/index";\nexport const g = read_graph();';
    expect(typeCheck(files).errors).toEqual([]);
  });
});
