/**
 * The server's configuration file: the `mcpServers` map MCP clients already use (Claude Desktop, Cursor, VS Code),
 * plus optional `policy`, `sandbox` and `privacy` sections.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { z } from "zod";

const stdioServer = z
  .object({
    type: z.literal("stdio").optional(),
    command: z.string().min(1, "command must name the program that starts the server"),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
    description: z.string().optional(),
  })
  .strict();

const configSchema = z
  .object({
    mcpServers: z
      .record(z.string(), z.unknown())
      .refine((servers) => Object.keys(servers).length > 0, "list at least one downstream server under mcpServers"),
    policy: z
      .object({
        allow: z.array(z.string()).optional(),
        deny: z.array(z.string()).default([]),
        allowDestructive: z.array(z.string()).default([]),
        maxCallsPerExecution: z.number().int().positive().default(50),
      })
      .strict()
      .default({ deny: [], allowDestructive: [], maxCallsPerExecution: 50 }),
    sandbox: z
      .object({
        poolSize: z.number().int().min(1).max(64).default(2),
        timeoutMs: z.number().int().positive().max(600_000).default(30_000),
        maxMemoryMb: z.number().positive().max(4096).default(64),
        maxOutputBytes: z
          .number()
          .int()
          .positive()
          .default(64 * 1024),
      })
      .strict()
      .default({ poolSize: 2, timeoutMs: 30_000, maxMemoryMb: 64, maxOutputBytes: 64 * 1024 }),
    privacy: z
      .object({ tokenize: z.boolean().default(true) })
      .strict()
      .default({ tokenize: true }),
  })
  .strict();

/** One downstream MCP server started over stdio. */
export interface StdioServerConfig {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  description?: string;
}

/** The validated configuration with defaults filled in. */
export interface CodeModeConfig {
  mcpServers: Record<string, StdioServerConfig>;
  policy: { allow?: string[]; deny: string[]; allowDestructive: string[]; maxCallsPerExecution: number };
  sandbox: { poolSize: number; timeoutMs: number; maxMemoryMb: number; maxOutputBytes: number };
  privacy: { tokenize: boolean };
}

/** A configuration that cannot be used, with a message saying what to change. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/**
 * Validates a parsed configuration object. Relative `cwd` values resolve against `baseDir`.
 *
 * @throws {@link ConfigError} naming the bad field and what to do.
 */
export function parseConfig(value: unknown, baseDir: string = process.cwd()): CodeModeConfig {
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new ConfigError(`Invalid code-mode config: ${issues}`);
  }
  const servers: Record<string, StdioServerConfig> = {};
  for (const [name, raw] of Object.entries(parsed.data.mcpServers)) {
    if (raw !== null && typeof raw === "object" && ("url" in raw || (raw as { type?: unknown }).type === "http")) {
      throw new ConfigError(
        `mcpServers.${name}: only stdio servers ({ "command", "args", "env" }) are supported; remove "url" or run the server locally over stdio`,
      );
    }
    const server = stdioServer.safeParse(raw);
    if (!server.success) {
      const issues = server.error.issues.map((i) => `${[name, ...i.path].join(".")}: ${i.message}`).join("; ");
      throw new ConfigError(`Invalid code-mode config: mcpServers.${issues}`);
    }
    const { type: _type, cwd, description, ...rest } = server.data;
    servers[name] = {
      ...rest,
      ...(cwd === undefined ? {} : { cwd: isAbsolute(cwd) ? cwd : resolve(baseDir, cwd) }),
      ...(description === undefined ? {} : { description }),
    };
  }
  const { allow, ...policy } = parsed.data.policy;
  return {
    mcpServers: servers,
    policy: allow === undefined ? policy : { ...policy, allow },
    sandbox: parsed.data.sandbox,
    privacy: parsed.data.privacy,
  };
}

/**
 * Reads and validates a JSON configuration file.
 *
 * @throws {@link ConfigError} when the file is missing, is not JSON, or does not validate.
 */
export function loadConfig(path: string): CodeModeConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${path}: pass an existing file with --config`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`The config file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseConfig(json, dirname(resolve(path)));
}
