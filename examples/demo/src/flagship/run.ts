/**
 * The flagship workflow, end to end, with real parts: the real memory and filesystem MCP servers over stdio in a
 * temporary directory, a policed tool registry with a privacy vault, and the agent's TypeScript program running in
 * the sandbox worker pool. Returns everything the demo prints and the test checks.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createToolRegistry, type McpClientLike, mcpAdapter } from "@athena/adapters";
import { createFilterPipeline, createTokenVault } from "@athena/filter";
import { createSandboxPool, type ExecutionResult } from "@athena/sandbox-wasm";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { buildLedger, countTokens, type RecordedCall, type TokenLedger } from "./ledger.js";
import { agentProgram } from "./program.js";
import { generateTranscript, type PlantedActionItem } from "./transcript.js";

/** A check the flagship makes of its own result. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Everything one run produced. */
export interface FlagshipReport {
  transcript: { characters: number; tokens: number; planted: PlantedActionItem[] };
  result: ExecutionResult;
  /** Distinct values the vault replaced in tool results, by type (the program saw placeholders instead). */
  tokenizedInResults: Record<string, number>;
  /** Findings of the output filter on what the program returned and logged. */
  outputFindings: Record<string, number>;
  summaryFile: string;
  ledger: TokenLedger;
  checks: Check[];
  ok: boolean;
}

const require = createRequire(import.meta.url);
const serverEntry = (pkg: string): string => join(dirname(require.resolve(`${pkg}/package.json`)), "dist/index.js");

/** Wraps a connected client so every tool call is recorded as it crossed the wire. */
function recording(server: string, client: Client, calls: RecordedCall[]): McpClientLike {
  type SdkOptions = Parameters<Client["callTool"]>[2];
  return {
    listTools: (params, options) => client.listTools(params, options as SdkOptions),
    getServerVersion: () => client.getServerVersion(),
    async callTool(params, _schema, options) {
      const result = await client.callTool(params, undefined, options as SdkOptions);
      calls.push({ tool: `${server}/${params.name}`, arguments: params.arguments ?? {}, result });
      return result as Awaited<ReturnType<McpClientLike["callTool"]>>;
    },
  };
}

async function connect(command: string, args: string[], env: Record<string, string>): Promise<Client> {
  const client = new Client({ name: "athena-demo", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ command, args, env, stderr: "ignore" }));
  return client;
}

const placeholder = /\[([A-Z][A-Z0-9_]*?)_(\d+)\]/g;

/**
 * Runs the workflow.
 *
 * @param onProgress - called with one line per step
 */
export async function runFlagship(onProgress: (line: string) => void = () => undefined): Promise<FlagshipReport> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "athena-demo-")));
  const clients: Client[] = [];
  const cleanup: Array<() => unknown> = [];
  try {
    const transcript = generateTranscript();
    const transcriptPath = join(dir, "meeting-transcript.txt");
    const summaryPath = join(dir, "action-items.md");
    writeFileSync(transcriptPath, transcript.text);
    const transcriptTokens = countTokens(transcript.text);
    onProgress(
      `generated a meeting transcript: ${transcript.text.length.toLocaleString("en-US")} characters, ${transcriptTokens.toLocaleString("en-US")} tokens`,
    );

    const memory = await connect(process.execPath, [serverEntry("@modelcontextprotocol/server-memory")], {
      MEMORY_FILE_PATH: join(dir, "memory.jsonl"),
    });
    clients.push(memory);
    const filesystem = await connect(
      process.execPath,
      [serverEntry("@modelcontextprotocol/server-filesystem"), dir],
      {},
    );
    clients.push(filesystem);
    onProgress("started the real MCP servers over stdio: memory, filesystem");

    const calls: RecordedCall[] = [];
    const vault = createTokenVault();
    cleanup.push(() => vault.dispose());
    const tokenizedInResults: Record<string, number> = {};
    const issued = new Set<string>();
    const countingVault = {
      tokenize(value: unknown): unknown {
        const out = vault.tokenize(value);
        for (const match of JSON.stringify(out).matchAll(placeholder)) {
          if (issued.has(match[0]) || !vault.has(match[0])) continue;
          issued.add(match[0]);
          const type = (match[1] as string).toLowerCase();
          tokenizedInResults[type] = (tokenizedInResults[type] ?? 0) + 1;
        }
        return out;
      },
      detokenize: (value: unknown): unknown => vault.detokenize(value),
    };
    const registry = createToolRegistry({
      policy: {
        allow: ["memory/*", "filesystem/read_text_file", "filesystem/write_file", "filesystem/list_directory"],
        allowDestructive: ["filesystem/write_file"],
        maxCallsPerExecution: 20,
      },
      privacy: countingVault,
      adapters: [
        await mcpAdapter("memory", recording("memory", memory, calls)),
        await mcpAdapter("filesystem", recording("filesystem", filesystem, calls)),
      ],
    });
    cleanup.push(() => registry.dispose());
    onProgress(`tool registry: ${registry.list().length} tools allowed by policy`);

    const outputFindings: Record<string, number> = {};
    const pipeline = createFilterPipeline({ vault });
    const pool = await createSandboxPool({
      size: 2,
      timeoutMs: 20_000,
      tools: registry,
      outputFilter: {
        apply(value: unknown) {
          const filtered = pipeline.apply(value);
          for (const finding of filtered.findings)
            outputFindings[finding.type] = (outputFindings[finding.type] ?? 0) + 1;
          return filtered;
        },
      },
    });
    cleanup.push(() => pool.dispose());
    onProgress("running the agent's TypeScript program in the sandbox pool");
    const result = await pool.execute(agentProgram, { transcriptPath, summaryPath });

    const toolDefinitions = [...(await memory.listTools()).tools, ...(await filesystem.listTools()).tools].map((t) => ({
      name: t.name,
      description: t.description,
      input_schema: t.inputSchema,
    }));
    const used = [...new Set(calls.map((call) => call.tool))];
    const ledger = buildLedger({
      toolDefinitions,
      calls,
      manifest: registry.manifest(),
      signatures: used.map((id) => registry.signature(id)),
      program: agentProgram,
      output: { output: result.output, logs: result.logs.map((entry) => entry.message) },
    });

    // Check the result against the ground truth and the servers' real state.
    const output = result.output as
      | { actionItems?: number; stored?: number; owners?: Array<{ email: string }> }
      | undefined;
    const summary = (() => {
      try {
        return readFileSync(summaryPath, "utf8");
      } catch {
        return "";
      }
    })();
    const graph = (await memory.callTool({ name: "read_graph", arguments: {} })) as {
      content: Array<{ text?: string }>;
    };
    const stored = JSON.parse(graph.content[0]?.text ?? "{}") as { entities?: Array<{ entityType: string }> };
    const owners = new Set(transcript.actionItems.map((item) => item.owner.email));
    const outputText = JSON.stringify(result.output ?? null);
    const checks: Check[] = [
      {
        name: "program succeeded",
        ok: result.success,
        detail: result.errors.map((e) => `${e.kind}: ${e.message}`).join("; ") || "no errors",
      },
      {
        name: "every planted action item found",
        ok: output?.actionItems === transcript.actionItems.length,
        detail: `${output?.actionItems ?? 0} of ${transcript.actionItems.length}`,
      },
      {
        name: "memory server holds them",
        ok:
          (stored.entities ?? []).filter((e) => e.entityType === "action_item").length ===
          transcript.actionItems.length,
        detail: `${(stored.entities ?? []).length} entities in the graph`,
      },
      {
        name: "summary file has the real addresses",
        ok: [...owners].every((email) => summary.includes(email)),
        detail: `${summary.split("\n").filter((l) => /^\d+\./.test(l)).length} lines in ${summaryPath.split("/").pop()}`,
      },
      {
        name: "no e-mail address reached the output",
        ok: [...owners].every((email) => !outputText.includes(email)) && /\[EMAIL_\d+\]/.test(outputText),
        detail: "the model sees placeholders such as [EMAIL_1]",
      },
      {
        name: "code mode costs a fraction of the classic context",
        ok: ledger.reduction > 0.9,
        detail: `${(ledger.reduction * 100).toFixed(1)} % fewer tokens`,
      },
    ];
    return {
      transcript: { characters: transcript.text.length, tokens: transcriptTokens, planted: transcript.actionItems },
      result,
      tokenizedInResults,
      outputFindings,
      summaryFile: summary,
      ledger,
      checks,
      ok: checks.every((check) => check.ok),
    };
  } finally {
    for (const step of cleanup.reverse()) await step();
    await Promise.allSettled(clients.map((client) => client.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}
