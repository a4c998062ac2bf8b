import { z } from "zod";
import type { OperationContext, ToolAdapter, ToolOperation } from "./contracts.js";
import { isToolError, ToolError } from "./errors.js";
import { isIdentifier, toIdentifier, uniqueIdentifier } from "./identifiers.js";
import { errorText, mapCallToolResult, mcpResultTypeName } from "./mcp-result.js";
import type { McpCallToolResult, McpClientLike, McpToolDefinition } from "./seams.js";
import { describeIssues, toIssues } from "./validate.js";

/**
 * Options of {@link mcpAdapter}.
 *
 * @example
 * ```ts
 * const options: McpAdapterOptions = { description: "knowledge graph memory", costs: { read_graph: 5 } };
 * ```
 */
export interface McpAdapterOptions {
  /** One line for the manifest. @defaultValue the server's title or name from `initialize`, else the category */
  description?: string;
  /** @defaultValue "mcp" */
  category?: string;
  /** @defaultValue the server's version from `initialize`, else "0.0.0" */
  version?: string;
  /** A time limit for every tool of this server in ms, overriding the registry's. */
  timeoutMs?: number;
  /** Cost units per tool (by MCP name or identifier); tools not listed cost `defaultCost`. @defaultValue {} */
  costs?: Record<string, number>;
  /** @defaultValue 1 */
  defaultCost?: number;
  /** Tools (by MCP name or identifier) that read sensitive data. @defaultValue [] */
  readsSensitive?: readonly string[];
  /** Tools (by MCP name or identifier) that write sensitive data. @defaultValue [] */
  writesSensitive?: readonly string[];
  /** Extra tags for every tool of this server. @defaultValue [] */
  tags?: readonly string[];
  /**
   * Treat a tool that is not read-only and has no `destructiveHint` as destructive, as the MCP specification says.
   * @defaultValue true
   */
  unannotatedIsDestructive?: boolean;
  /**
   * Stop listing after this many pages (a server whose cursors never end is a protocol error).
   * @defaultValue 100
   */
  maxPages?: number;
}

const optionsSchema = z.object({
  description: z.string().optional(),
  category: z.string().default("mcp"),
  version: z.string().optional(),
  timeoutMs: z.number().positive().optional(),
  costs: z.record(z.string(), z.number().nonnegative().finite()).default({}),
  defaultCost: z.number().nonnegative().finite().default(1),
  readsSensitive: z.array(z.string()).default([]),
  writesSensitive: z.array(z.string()).default([]),
  tags: z.array(z.string()).default([]),
  unannotatedIsDestructive: z.boolean().default(true),
  maxPages: z.number().int().positive().default(100),
});

const clientSchema = z.custom<McpClientLike>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as McpClientLike).listTools === "function" &&
    typeof (value as McpClientLike).callTool === "function",
  { message: "must be an MCP client with listTools() and callTool(), e.g. the SDK's connected Client" },
);

const maxTimerMs = 2_147_483_647;

function fail(message: string, cause?: unknown): ToolError {
  return new ToolError("INVALID_OPTIONS", `mcpAdapter: ${message}`, cause === undefined ? undefined : { cause });
}

/** Maps whatever the client threw to a typed error. */
function mapClientError(error: unknown, id: string, server: string, context: OperationContext): ToolError {
  if (context.signal?.aborted) {
    return new ToolError("ABORTED", `Call to "${id}" was aborted.`, { toolId: id, cause: error });
  }
  if (isToolError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === -32001) {
    return new ToolError(
      "TIMEOUT",
      `"${id}" did not answer within ${context.timeoutMs} ms; retry with less work, or raise timeoutMs for this tool.`,
      { toolId: id, cause: error },
    );
  }
  if (code === -32000 || message === "Not connected") {
    return new ToolError(
      "CONNECTION_CLOSED",
      `The MCP connection of server "${server}" is closed (${message}); the host must reconnect the client and register the adapter again.`,
      { toolId: id, cause: error },
    );
  }
  if (code === -32600 && /task/i.test(message)) {
    return new ToolError("TASK_REQUIRED", `"${id}" can only run as an MCP task, which this adapter does not support.`, {
      toolId: id,
      cause: error,
    });
  }
  const label = typeof code === "number" ? `MCP error ${code}` : "MCP client error";
  return new ToolError(
    "PROTOCOL_ERROR",
    `"${id}": ${label}: ${message}. Check the server; the call did not complete.`,
    {
      toolId: id,
      cause: error,
    },
  );
}

function makeParameters(tool: McpToolDefinition): { schema: z.ZodType; exact: boolean } {
  try {
    return { schema: z.fromJSONSchema(tool.inputSchema as Parameters<typeof z.fromJSONSchema>[0]), exact: true };
  } catch {
    // A schema zod cannot express (e.g. if/then/else): accept any object and let the server validate.
    return { schema: z.looseObject({}), exact: false };
  }
}

/**
 * Lists every tool of an MCP server (following `nextCursor` pages) and turns each into a {@link ToolOperation}:
 *
 * - ids are `<serverName>/<identifier>`: names that are not identifiers are rewritten (`read-file` → `read_file`,
 *   clashes get `_2`), the original name is kept for the wire call;
 * - parameters are the tool's `inputSchema` converted with `z.fromJSONSchema` (a schema zod cannot express falls back
 *   to "any object", tagged `unchecked-parameters`, and the server validates);
 * - `readOnlyHint`/`destructiveHint` annotations set `mutating`/`destructive`;
 * - tools with `execution.taskSupport: "required"` are flagged `taskRequired` and refused with `TASK_REQUIRED`;
 * - results map to one documented shape ({@link McpToolResult}); `isError` results reject with `TOOL_FAILED` and the
 *   server's text; protocol failures reject with `TIMEOUT`, `CONNECTION_CLOSED`, `ABORTED` or `PROTOCOL_ERROR`.
 *
 * The adapter does not own the client: the host connects it (any transport) and closes it.
 *
 * @param serverName - the name in tool ids and `tools.<serverName>`: a valid identifier
 * @param client - a connected client, e.g. the MCP SDK's `Client`
 * @param options - metadata, costs, time limit; see {@link McpAdapterOptions}
 * @param signal - aborts the listing
 * @returns the adapter, to `register` with a registry
 * @throws ToolError `INVALID_OPTIONS` for a bad name or options; `PROTOCOL_ERROR`, `TIMEOUT`, `CONNECTION_CLOSED` or
 *   `ABORTED` when listing fails
 * @example
 * ```ts
 * import { Client } from "@modelcontextprotocol/sdk/client/index.js";
 * import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
 * import { mcpAdapter } from "@athena/adapters";
 *
 * const client = new Client({ name: "host", version: "1.0.0" });
 * await client.connect(new StdioClientTransport({ command: "node", args: ["memory-server.js"] }));
 * const memory = await mcpAdapter("memory", client, { description: "knowledge graph memory" });
 * ```
 */
export async function mcpAdapter(
  serverName: string,
  client: McpClientLike,
  options: McpAdapterOptions = {},
  signal?: AbortSignal,
): Promise<ToolAdapter> {
  if (typeof serverName !== "string" || !isIdentifier(serverName)) {
    throw fail(
      `the server name must be a JavaScript identifier (letters, digits, _ or $, not a reserved word); try "${toIdentifier(String(serverName))}".`,
    );
  }
  if (!clientSchema.safeParse(client).success) {
    throw fail("the client must be an MCP client with listTools() and callTool(), e.g. the SDK's connected Client.");
  }
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = toIssues(parsed.error.issues);
    throw new ToolError("INVALID_OPTIONS", `mcpAdapter: ${describeIssues(issues)}`, { cause: parsed.error, issues });
  }
  const settings = parsed.data;

  const listContext: OperationContext = {
    signal,
    executionId: "",
    timeoutMs: settings.timeoutMs ?? 60_000,
  };
  const listId = `${serverName}/(tools/list)`;
  const tools: McpToolDefinition[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= settings.maxPages) {
      throw new ToolError(
        "PROTOCOL_ERROR",
        `mcpAdapter: server "${serverName}" still had more tools after ${settings.maxPages} pages; raise maxPages if that is expected.`,
      );
    }
    let result: Awaited<ReturnType<McpClientLike["listTools"]>>;
    try {
      result = await client.listTools(cursor === undefined ? undefined : { cursor }, {
        signal,
        timeout: Math.min(listContext.timeoutMs, maxTimerMs),
      });
    } catch (error) {
      throw mapClientError(error, listId, serverName, listContext);
    }
    if (typeof result !== "object" || result === null || !Array.isArray(result.tools)) {
      throw new ToolError(
        "PROTOCOL_ERROR",
        `mcpAdapter: server "${serverName}" answered tools/list without a tools array.`,
      );
    }
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (cursor === undefined || cursor === null || cursor === "") break;
    if (seenCursors.has(cursor)) {
      throw new ToolError("PROTOCOL_ERROR", `mcpAdapter: server "${serverName}" repeated the page cursor "${cursor}".`);
    }
    seenCursors.add(cursor);
  }

  const info = client.getServerVersion?.();
  const taken = new Set<string>();
  const readsSensitive = new Set(settings.readsSensitive);
  const writesSensitive = new Set(settings.writesSensitive);
  const operations: ToolOperation[] = [];
  for (const tool of tools) {
    if (typeof tool !== "object" || tool === null || typeof tool.name !== "string") {
      throw new ToolError("PROTOCOL_ERROR", `mcpAdapter: server "${serverName}" listed a tool without a name.`);
    }
    const mcpName = tool.name;
    const name = uniqueIdentifier(mcpName, taken);
    const id = `${serverName}/${name}`;
    const { schema, exact } = makeParameters(tool);
    const annotations = tool.annotations ?? {};
    const readOnly = annotations.readOnlyHint === true;
    const destructive = !readOnly && (annotations.destructiveHint ?? settings.unannotatedIsDestructive);
    const taskRequired = tool.execution?.taskSupport === "required";
    const description = tool.description ?? tool.title ?? annotations.title ?? "";
    const tags = [
      "mcp",
      readOnly ? "read-only" : "writes",
      ...(destructive ? ["destructive"] : []),
      ...(annotations.idempotentHint === true ? ["idempotent"] : []),
      ...(annotations.openWorldHint === true ? ["open-world"] : []),
      ...(taskRequired ? ["task-required"] : []),
      ...(exact ? [] : ["unchecked-parameters"]),
      ...settings.tags,
    ];
    const outputSchema = tool.outputSchema;
    const execute = async (args: unknown, context: OperationContext): Promise<unknown> => {
      if (taskRequired) {
        throw new ToolError(
          "TASK_REQUIRED",
          `"${id}" can only run as an MCP task (execution.taskSupport is "required"), which this adapter does not support; call it from the host with the SDK's task API.`,
          { toolId: id },
        );
      }
      let result: McpCallToolResult;
      try {
        result = await client.callTool({ name: mcpName, arguments: args as Record<string, unknown> }, undefined, {
          signal: context.signal,
          timeout: Math.min(context.timeoutMs, maxTimerMs),
        });
      } catch (error) {
        throw mapClientError(error, id, serverName, context);
      }
      if (typeof result !== "object" || result === null) {
        throw new ToolError("PROTOCOL_ERROR", `"${id}": the client returned no result object.`, { toolId: id });
      }
      if (result.isError === true) {
        throw new ToolError("TOOL_FAILED", `"${id}" failed: ${errorText(result)}`, { toolId: id, cause: result });
      }
      return mapCallToolResult(result);
    };
    operations.push({
      id,
      name,
      originalName: mcpName === name ? undefined : mcpName,
      title: tool.title ?? annotations.title,
      description,
      parameters: schema,
      returns: undefined,
      types: {
        parameters: tool.inputSchema,
        returns: outputSchema,
        returnsType: outputSchema === undefined ? mcpResultTypeName : undefined,
      },
      mutating: !readOnly,
      destructive,
      readsSensitive: readsSensitive.has(mcpName) || readsSensitive.has(name),
      writesSensitive: writesSensitive.has(mcpName) || writesSensitive.has(name),
      cost: settings.costs[mcpName] ?? settings.costs[name] ?? settings.defaultCost,
      tags,
      examples: [],
      taskRequired,
      deprecated: /\bdeprecated\b/i.test(description) || /\bdeprecated\b/i.test(tool.title ?? ""),
      timeoutMs: settings.timeoutMs,
      execute,
    });
  }
  return {
    name: serverName,
    category: settings.category,
    version: settings.version ?? info?.version ?? "0.0.0",
    description: settings.description ?? info?.title ?? info?.name ?? settings.category,
    operations,
  };
}
