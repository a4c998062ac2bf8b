/**
 * The code-mode MCP server: two tools over any number of downstream MCP servers.
 *
 * - `search_tools` finds downstream tools by what they do, at the level of detail the agent asks for;
 * - `execute_code` runs the agent's TypeScript in the QuickJS sandbox pool, where `tools.<server>.<tool>(args)` calls
 *   the downstream servers through a policed registry; only the program's (filtered) output and logs come back.
 *
 * Personal data in downstream results is tokenized before the program sees it and restored before arguments go to
 * the next downstream tool, so it never reaches the model. Nothing is ever written to stdout except the protocol.
 */
import { createToolRegistry, mcpAdapter, type ToolRegistry, toIdentifier } from "@athena/adapters";
import { createFilterPipeline, createTokenVault } from "@athena/filter";
import { createSandboxPool, type ExecutionResult } from "@athena/sandbox-wasm";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { CodeModeConfig } from "./config.js";

/** Where the server writes diagnostics: stderr by default, never stdout. */
export type Logger = (message: string) => void;

/** A running code-mode server, not yet connected to a transport. */
export interface CodeModeServer {
  /** The MCP server: connect it to a transport (stdio in `main.ts`, in-memory in tests). */
  server: McpServer;
  /** The registry over every downstream tool (for inspection and tests). */
  registry: ToolRegistry;
  /** Stops the sandbox pool and every downstream server. Idempotent. */
  close(): Promise<void>;
}

const version = "0.0.0";

/** Starts the downstream servers, builds the registry and sandbox pool, and registers the two tools. */
export async function createCodeModeServer(
  config: CodeModeConfig,
  log: Logger = (message) => process.stderr.write(`[athena-code-mode] ${message}\n`),
): Promise<CodeModeServer> {
  const clients: Client[] = [];
  const closeClients = async (): Promise<void> => {
    await Promise.allSettled(clients.map((client) => client.close()));
  };

  const vault = config.privacy.tokenize ? createTokenVault() : undefined;
  const outputFilter = createFilterPipeline(vault === undefined ? {} : { vault });
  const serverNames = Object.keys(config.mcpServers).map((name) => toIdentifier(name));
  const registry = createToolRegistry({
    policy: {
      allow: config.policy.allow ?? serverNames.map((name) => `${name}/*`),
      deny: config.policy.deny,
      allowDestructive: config.policy.allowDestructive,
      maxCallsPerExecution: config.policy.maxCallsPerExecution,
    },
    ...(vault === undefined ? {} : { privacy: vault }),
    onSecurityEvent: (event) => log(`security event ${event.type}: ${JSON.stringify(event.data ?? {})}`),
  });

  try {
    for (const [name, settings] of Object.entries(config.mcpServers)) {
      const transport = new StdioClientTransport({
        command: settings.command,
        args: settings.args,
        env: settings.env,
        ...(settings.cwd === undefined ? {} : { cwd: settings.cwd }),
        stderr: "pipe",
      });
      transport.stderr?.on("data", (chunk: Buffer) => {
        for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") log(`${name}: ${line}`);
      });
      const client = new Client({ name: "athena-code-mode", version });
      try {
        await client.connect(transport);
      } catch (error) {
        throw new Error(
          `Downstream server "${name}" did not start (${settings.command} ${settings.args.join(" ")}): ${(error as Error).message}`,
          { cause: error },
        );
      }
      clients.push(client);
      const adapter = await mcpAdapter(
        toIdentifier(name),
        client,
        settings.description === undefined ? {} : { description: settings.description },
      );
      registry.register(adapter);
      log(`connected ${name}: ${adapter.operations.length} tools`);
    }
  } catch (error) {
    await closeClients();
    registry.dispose();
    throw error;
  }

  const pool = await createSandboxPool({
    size: config.sandbox.poolSize,
    timeoutMs: config.sandbox.timeoutMs,
    maxMemoryMb: config.sandbox.maxMemoryMb,
    maxOutputBytes: config.sandbox.maxOutputBytes,
    tools: registry,
    outputFilter,
  });

  const server = new McpServer(
    { name: "athena-code-mode", version },
    {
      instructions:
        "Find tools with search_tools, then call them from a short TypeScript program with execute_code. " +
        "Intermediate results stay in the sandbox; only what the program returns or logs comes back, filtered.",
    },
  );

  server.registerTool(
    "search_tools",
    {
      title: "Search downstream tools",
      description:
        `Find tools of the connected MCP servers by what they do. Servers:\n${registry.manifest()}\n` +
        `detail "name" lists ids, "summary" adds one line each, "full" adds the TypeScript signature and documentation.`,
      inputSchema: {
        query: z.string().min(1).describe("what the tool should do, e.g. 'create entities in the knowledge graph'"),
        detail: z.enum(["name", "summary", "full"]).default("summary"),
        limit: z.number().int().min(1).max(50).default(8),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ query, detail, limit }) => {
      const results = registry.search(query, { detail, limit });
      if (results.length === 0) {
        return { content: [{ type: "text", text: `No tool matches "${query}". Servers:\n${registry.manifest()}` }] };
      }
      const text = results
        .map((r) => {
          if (detail === "name") return r.id;
          if (detail === "summary") return `${r.id}: ${r.summary ?? ""}`;
          return r.source ?? r.signature ?? r.id;
        })
        .join(detail === "full" ? "\n\n" : "\n");
      return { content: [{ type: "text", text }] };
    },
  );

  server.registerTool(
    "execute_code",
    {
      title: "Run a TypeScript program that calls the tools",
      description:
        "Runs TypeScript in an isolated QuickJS sandbox (no network, no file system, hard time and memory limits). " +
        "Call tools as `await tools.<server>.<tool>(args)` (ids from search_tools: server/tool). The program body " +
        "may use top-level await; `return` a small JSON value with just what you need. console.log output is " +
        `returned too. Personal data comes back as placeholders such as [EMAIL_1]; pass them to tools as they are.\nServers:\n${registry.manifest()}`,
      inputSchema: {
        code: z.string().min(1).describe("the TypeScript program"),
        input: z.unknown().optional().describe("JSON data visible to the program as `input`"),
      },
      annotations: { openWorldHint: true },
    },
    async ({ code, input }) => {
      const result: ExecutionResult = await pool.execute(code, input);
      const known = new Set(registry.list().map((tool) => `${tool.server}.${tool.name}`));
      const unavailable = result.success ? [] : unavailableTools(code, known);
      return {
        content: [{ type: "text", text: formatResult(result, unavailable) }],
        ...(result.success ? {} : { isError: true }),
      };
    },
  );

  let closed = false;
  return {
    server,
    registry,
    async close() {
      if (closed) return;
      closed = true;
      await server.close().catch(() => undefined);
      await pool.dispose();
      registry.dispose();
      await closeClients();
    },
  };
}

/**
 * Tools the program refers to as `tools.<server>.<name>` that it cannot call (denied by policy or nonexistent): the
 * sandbox only sees allowed tools, so such a call fails with a bare "not a function" that this names.
 */
export function unavailableTools(code: string, known: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const match of code.matchAll(/\btools\s*\.\s*([A-Za-z_$][\w$]*)\s*\.\s*([A-Za-z_$][\w$]*)/g)) {
    const key = `${match[1]}.${match[2]}`;
    if (!known.has(key)) found.add(`tools.${key}`);
  }
  return [...found];
}

/** The text an agent reads back: output, logs, errors and what the filter did, as compact JSON. */
export function formatResult(result: ExecutionResult, unavailable: readonly string[] = []): string {
  const body: Record<string, unknown> = { success: result.success };
  if (result.output !== undefined) body.output = result.output;
  if (result.logs.length > 0) body.logs = result.logs.map((entry) => `${entry.level}: ${entry.message}`);
  if (result.errors.length > 0) {
    body.errors = result.errors.map((error) => ({
      kind: error.kind,
      message: error.message,
      ...(error.line === undefined ? {} : { line: error.line }),
    }));
  }
  if (unavailable.length > 0) {
    body.hint = `${unavailable.join(", ")} ${unavailable.length === 1 ? "is" : "are"} not available (denied by policy or no such tool); find callable tools with search_tools`;
  }
  if (result.wasFiltered) body.filtered = "sensitive values were redacted or replaced by placeholders";
  body.toolCalls = result.metrics.toolCalls;
  return JSON.stringify(body, null, 2);
}
