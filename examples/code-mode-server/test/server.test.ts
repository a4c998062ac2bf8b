/**
 * End to end: an MCP SDK client starts the code-mode server over stdio (a real child process), which starts the real
 * memory server over stdio; the client searches tools and runs code that calls the memory server.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const memoryServer = join(
  dirname(require.resolve("@modelcontextprotocol/server-memory/package.json")),
  "dist/index.js",
);
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const serverArgs = (config: string): string[] => [
  "--conditions=@athena/source",
  "--import",
  import.meta.resolve("tsx"),
  main,
  "--config",
  config,
];

let dir = "";
let configFile = "";
let memoryFile = "";
let client: Client;

interface TextResult {
  content: Array<{ type: string; text?: string }>;
  isError?: boolean;
}
const textOf = (result: unknown): string => ((result as TextResult).content[0]?.text ?? "") as string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "athena-code-mode-"));
  memoryFile = join(dir, "memory.jsonl");
  configFile = join(dir, "code-mode.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      mcpServers: {
        memory: { command: process.execPath, args: [memoryServer], env: { MEMORY_FILE_PATH: memoryFile } },
      },
      policy: { deny: ["memory/delete_*"] },
      sandbox: { poolSize: 1, timeoutMs: 20_000 },
    }),
  );
  client = new Client({ name: "code-mode-test", version: "1.0.0" });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: serverArgs(configFile), stderr: "pipe" }),
  );
}, 60_000);

afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("code-mode server over stdio", () => {
  it("exposes exactly search_tools and execute_code, with the servers in their descriptions", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["execute_code", "search_tools"]);
    const execute = tools.find((t) => t.name === "execute_code");
    expect(execute?.description).toContain("memory");
  });

  it("finds the memory server's entity tool by what it does", async () => {
    const result = await client.callTool({
      name: "search_tools",
      arguments: { query: "create entities in the knowledge graph", detail: "name", limit: 3 },
    });
    expect(textOf(result).split("\n")[0]).toBe("memory/create_entities");
    const full = await client.callTool({
      name: "search_tools",
      arguments: { query: "create entities", detail: "full", limit: 1 },
    });
    expect(textOf(full)).toMatch(/create_entities\s*\(/);
  });

  it("runs code that writes to and reads from the memory server; personal data comes back tokenized", async () => {
    const code = `
      interface Entity { name: string; entityType: string; observations: string[] }
      const people: Entity[] = [
        { name: "Ada Lovelace", entityType: "person", observations: ["e-mail ada.lovelace@analytical.example"] },
        { name: "Charles Babbage", entityType: "person", observations: ["designed the difference engine"] },
      ];
      await tools.memory.create_entities({ entities: people });
      await tools.memory.create_relations({ relations: [{ from: "Ada Lovelace", to: "Charles Babbage", relationType: "works_with" }] });
      const graph = await tools.memory.read_graph({});
      console.log("entities:", graph.entities.length);
      return { names: graph.entities.map((e: Entity) => e.name).sort(), ada: graph.entities.find((e: Entity) => e.name === "Ada Lovelace").observations[0], relations: graph.relations.length };
    `;
    const result = await client.callTool({ name: "execute_code", arguments: { code } });
    expect((result as TextResult).isError).toBeUndefined();
    const body = JSON.parse(textOf(result)) as {
      success: boolean;
      output: { names: string[]; ada: string; relations: number };
      logs: string[];
      toolCalls: number;
    };
    expect(body.success).toBe(true);
    expect(body.output.names).toEqual(["Ada Lovelace", "Charles Babbage"]);
    expect(body.output.relations).toBe(1);
    expect(body.toolCalls).toBe(3);
    expect(body.logs).toEqual(["log: entities: 2"]);
    // The model sees a placeholder; the downstream server got the real address.
    expect(body.output.ada).toMatch(/^e-mail \[EMAIL_\d+\]$/);
    expect(textOf(result)).not.toContain("ada.lovelace@analytical.example");
    expect(readFileSync(memoryFile, "utf8")).toContain("ada.lovelace@analytical.example");
  });

  it("reports a denied tool, a syntax error and a runtime error as errors the agent can act on", async () => {
    const denied = await client.callTool({
      name: "execute_code",
      arguments: { code: `await tools.memory.delete_entities({ entityNames: ["Ada Lovelace"] }); return "deleted";` },
    });
    expect((denied as TextResult).isError).toBe(true);
    expect(JSON.parse(textOf(denied)).hint).toBe(
      "tools.memory.delete_entities is not available (denied by policy or no such tool); find callable tools with search_tools",
    );
    const graph = JSON.parse(readFileSync(memoryFile, "utf8").split("\n")[0] ?? "{}") as { name?: string };
    expect(graph.name).toBe("Ada Lovelace");

    const syntax = await client.callTool({ name: "execute_code", arguments: { code: "const x = ;" } });
    expect((syntax as TextResult).isError).toBe(true);
    expect(JSON.parse(textOf(syntax)).errors[0].kind).toBe("syntax");

    const runtime = await client.callTool({ name: "execute_code", arguments: { code: "throw new Error('boom')" } });
    expect(JSON.parse(textOf(runtime)).errors[0]).toMatchObject({
      kind: "runtime",
      message: expect.stringContaining("boom"),
    });
  });
});

describe("stdout carries only the protocol", () => {
  it("every byte on stdout is a JSON-RPC message, even when the program and servers log", async () => {
    const child = spawn(process.execPath, serverArgs(configFile), { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const send = (message: object): void => {
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
    };
    const waitFor = async (id: number): Promise<void> => {
      const deadline = Date.now() + 45_000;
      while (!stdout.split("\n").some((line) => line.includes(`"id":${id}`))) {
        if (Date.now() > deadline) throw new Error(`no response ${id}; stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    send({
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    });
    await waitFor(1);
    send({ method: "notifications/initialized" });
    send({
      id: 2,
      method: "tools/call",
      params: { name: "execute_code", arguments: { code: "console.log('to the agent'); return 42;" } },
    });
    await waitFor(2);
    child.stdin.end();
    await new Promise((r) => child.on("exit", r));
    const lines = stdout.split("\n").filter((line) => line !== "");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect((JSON.parse(line) as { jsonrpc: string }).jsonrpc).toBe("2.0");
    expect(stderr).toContain("ready on stdio");
  }, 60_000);
});

describe("bad configuration", () => {
  it("exits non-zero with a message naming the problem", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ mcpServers: { remote: { url: "https://example.invalid/mcp" } } }));
    const child = spawn(process.execPath, serverArgs(bad), { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    expect(code).toBe(1);
    expect(stderr).toContain("mcpServers.remote: only stdio servers");
    expect(stdout).toBe("");
  }, 30_000);
});
