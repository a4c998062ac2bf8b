/**
 * Spawns real MCP servers over stdio for the tests: the published memory, filesystem and everything servers, and
 * the edge-case fixture server in `test/fixtures/edge-server.mjs`. Each runs as `node <entry>` in a temp directory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const require = createRequire(import.meta.url);

export type ServerKind = "memory" | "filesystem" | "everything" | "edge";

export interface RunningServer {
  client: Client;
  /** The server's temp directory (the filesystem server's allowed directory). */
  dir: string;
  /** What the server wrote to stderr so far (for failure messages). */
  stderr(): string;
  close(): Promise<void>;
}

function entryOf(kind: ServerKind): string {
  if (kind === "edge") return fileURLToPath(new URL("../fixtures/edge-server.mjs", import.meta.url));
  return require.resolve(`@modelcontextprotocol/server-${kind}/dist/index.js`);
}

/** Starts one server and connects an SDK client to it. */
export async function startServer(
  kind: ServerKind,
  options: { env?: Record<string, string> } = {},
): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), `athena-adapters-${kind}-`));
  const args = [entryOf(kind)];
  const env: Record<string, string> = { ...options.env };
  if (kind === "memory") env.MEMORY_FILE_PATH = join(dir, "memory.jsonl");
  if (kind === "filesystem") args.push(dir);
  if (kind === "everything") args.push("stdio");
  const transport = new StdioClientTransport({ command: process.execPath, args, env, cwd: dir, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString("utf8");
  });
  const client = new Client({ name: "athena-adapters-test", version: "0.0.0" });
  await client.connect(transport);
  return {
    client,
    dir,
    stderr: () => stderr,
    async close() {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts the three published servers in parallel. */
export async function startRealServers(): Promise<Record<"memory" | "filesystem" | "everything", RunningServer>> {
  const [memory, filesystem, everything] = await Promise.all([
    startServer("memory"),
    startServer("filesystem"),
    startServer("everything"),
  ]);
  return { memory, filesystem, everything };
}
