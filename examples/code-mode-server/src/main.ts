/**
 * `athena-code-mode --config code-mode.json`: the code-mode MCP server over stdio.
 * stdout carries only the protocol; every diagnostic goes to stderr.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { ConfigError, loadConfig } from "./config.js";
import { createCodeModeServer } from "./server.js";

// Anything a dependency prints must not corrupt the protocol stream.
const toStderr = (...args: unknown[]): void => {
  process.stderr.write(`${args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")}\n`);
};
console.log = toStderr;
console.info = toStderr;
console.debug = toStderr;

function configPath(argv: readonly string[]): string {
  const index = argv.indexOf("--config");
  if (index >= 0 && argv[index + 1] !== undefined) return argv[index + 1] as string;
  const inline = argv.find((arg) => arg.startsWith("--config="));
  if (inline !== undefined) return inline.slice("--config=".length);
  return process.env.ATHENA_CODE_MODE_CONFIG ?? "code-mode.json";
}

try {
  const config = loadConfig(configPath(process.argv.slice(2)));
  const running = await createCodeModeServer(config);
  const shutdown = async (): Promise<void> => {
    await running.close();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  process.stdin.on("close", shutdown);
  await running.server.connect(new StdioServerTransport());
  process.stderr.write("[athena-code-mode] ready on stdio\n");
} catch (error) {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`[athena-code-mode] ${message}\n`);
  process.exit(1);
}
