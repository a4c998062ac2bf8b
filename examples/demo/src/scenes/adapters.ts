import { createToolRegistry, isToolError, mcpAdapter, type SecurityEvent, type ToolCallRecord } from "@athena/adapters";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Scene } from "../scene.js";

/**
 * @athena/adapters in one breath: a real MCP server (in memory) becomes typed tools behind a deny-by-default policy,
 * disclosed progressively, validated before they run and audited when they do.
 */
export const scene: Scene = {
  name: "@athena/adapters",
  async run() {
    const server = new McpServer({ name: "calc", version: "1.0.0" });
    server.registerTool(
      "add-numbers",
      {
        description: "Add two numbers.",
        inputSchema: { a: z.number(), b: z.number() },
        annotations: { readOnlyHint: true },
      },
      async ({ a, b }) => ({ content: [{ type: "text", text: JSON.stringify({ sum: a + b }) }] }),
    );
    server.registerTool(
      "reset-memory",
      { description: "Forget everything.", inputSchema: {}, annotations: { destructiveHint: true } },
      async () => ({ content: [{ type: "text", text: "forgotten" }] }),
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "demo", version: "1.0.0" });
    await client.connect(clientSide);

    const audit: ToolCallRecord[] = [];
    const events: SecurityEvent[] = [];
    const registry = createToolRegistry({
      policy: { allow: ["calc/*"] },
      onCall: (record) => audit.push(record),
      onSecurityEvent: (event) => events.push(event),
    });
    registry.register(await mcpAdapter("calc", client, { description: "a calculator" }));

    const context = { executionId: "demo" };
    const sum = (await registry.call("calc/add_numbers", { a: 2, b: 40 }, context)) as { sum: number };
    const codeOf = async (id: string, args: unknown): Promise<string> => {
      try {
        await registry.call(id, args, context);
        return "allowed";
      } catch (error) {
        return isToolError(error) ? error.code : "unexpected error";
      }
    };
    const destructive = await codeOf("calc/reset_memory", {});
    const invalid = await codeOf("calc/add_numbers", { a: "2" });
    await client.close();

    const ok =
      sum.sum === 42 &&
      destructive === "TOOL_DENIED" &&
      invalid === "INVALID_PARAMETERS" &&
      audit.length === 3 &&
      events.length === 1 &&
      registry.list().length === 1;
    return {
      ok,
      lines: [
        `manifest: ${registry.manifest()}`,
        `signature: ${registry.signature("calc/add_numbers")}`,
        `calc/add_numbers {a: 2, b: 40} → ${JSON.stringify(sum)}`,
        `calc/reset_memory (destructive, only matched by "calc/*") → ${destructive}, security event ${events[0]?.type ?? "none"}`,
        `calc/add_numbers {a: "2"} → ${invalid}`,
        `audit: ${audit.map((record) => `${record.tool} ${record.outcome}${record.code ? ` ${record.code}` : ""}`).join("; ")}`,
      ],
    };
  },
};
