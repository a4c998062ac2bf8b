/**
 * Token accounting for progressive disclosure, computed against the three real servers with gpt-tokenizer
 * (o200k_base). The README's table is generated from these numbers: run `npm run tokens -w @athena/adapters` to
 * rewrite it; this test fails when the README and the measurement disagree.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createToolRegistry, mcpAdapter, type ToolRegistry } from "../src/index.js";
import { type RunningServer, startRealServers } from "./helpers/servers.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const readmeUrl = new URL("../README.md", import.meta.url);
const start = "<!-- token-table:start -->";
const end = "<!-- token-table:end -->";

let servers: Record<"memory" | "filesystem" | "everything", RunningServer>;
let registry: ToolRegistry;
let definitions: { name: string; description?: string | undefined; inputSchema: unknown }[];
let listed: unknown[];

beforeAll(async () => {
  servers = await startRealServers();
  const lists = await Promise.all(
    Object.values(servers).map(async (server) => (await server.client.listTools()).tools),
  );
  listed = lists.flat();
  definitions = lists
    .flat()
    .map((tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema }));
  registry = createToolRegistry({
    policy: { allowDestructive: ["**"] },
    adapters: await Promise.all([
      mcpAdapter("memory", servers.memory.client, {
        description: "Knowledge graph memory: entities, relations, observations",
      }),
      mcpAdapter("filesystem", servers.filesystem.client, {
        description: "Files and directories under one allowed directory",
      }),
      mcpAdapter("everything", servers.everything.client, {
        description: "MCP feature demo: echo, sums, images, resources",
      }),
    ]),
  });
});

afterAll(async () => {
  await Promise.all(Object.values(servers ?? {}).map((server) => server.close()));
});

interface Row {
  what: string;
  call: string;
  tokens: number;
}

function measure(): Row[] {
  const tool = "memory/search_nodes";
  return [
    {
      what: `every tool definition up front (${definitions.length} tools: name, description, inputSchema)`,
      call: "`tools/list` of all three servers",
      tokens: countTokens(JSON.stringify(definitions)),
    },
    {
      what: "the same, as listed (with outputSchema, annotations, execution)",
      call: "`tools/list` of all three servers",
      tokens: countTokens(JSON.stringify(listed)),
    },
    { what: "manifest: one line per server", call: "`registry.manifest()`", tokens: countTokens(registry.manifest()) },
    {
      what: "one server's tool names with one-line summaries",
      call: '`registry.describe("memory")`',
      tokens: countTokens(registry.describe("memory")),
    },
    {
      what: "one TypeScript signature",
      call: `\`registry.signature("${tool}")\``,
      tokens: countTokens(registry.signature(tool)),
    },
    {
      what: "one full document (description, typed params, example)",
      call: `\`registry.source("${tool}")\``,
      tokens: countTokens(registry.source(tool)),
    },
    {
      what: `a .d.ts for every callable tool (${registry.list().length})`,
      call: "`registry.declarations()`",
      tokens: countTokens(registry.declarations()),
    },
  ];
}

function table(rows: Row[]): string {
  const base = rows[0]?.tokens ?? 1;
  const lines = [
    "| what the model is given | call | tokens (o200k_base) | vs. all definitions |",
    "| --- | --- | ---: | ---: |",
    ...rows.map(
      (row) =>
        `| ${row.what} | ${row.call} | ${row.tokens.toLocaleString("en-US")} | ${((100 * row.tokens) / base).toFixed(1)} % |`,
    ),
  ];
  return lines.join("\n");
}

describe("token accounting (README table)", () => {
  it("discloses progressively: manifest and one signature are a small fraction of every definition", () => {
    const rows = measure();
    const [all, , manifest, names, signature, doc] = rows.map((row) => row.tokens) as number[];
    expect(definitions).toHaveLength(36);
    expect(manifest).toBeLessThan((all as number) * 0.05);
    expect(signature).toBeLessThan((all as number) * 0.05);
    expect(manifest).toBeLessThan(names as number);
    expect(signature).toBeLessThan(doc as number);
  });

  it("matches the table in the README", () => {
    const generated = `${start}\n${table(measure())}\n${end}`;
    const readme = readFileSync(readmeUrl, "utf8");
    const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
    expect(readme).toMatch(pattern);
    if (process.env.UPDATE_TOKEN_TABLE === "1") {
      writeFileSync(readmeUrl, readme.replace(pattern, generated));
      return;
    }
    expect(readme.match(pattern)?.[0], "run `npm run tokens -w @athena/adapters` to regenerate the README table").toBe(
      generated,
    );
  });
});
