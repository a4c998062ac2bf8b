// Run by the consumer test in a fresh project where @athena/adapters was installed from its npm tarball.
import { createToolRegistry, isToolError, mcpAdapter } from "@athena/adapters";

// Any object shaped like the MCP SDK's Client works; this one answers from memory.
const client = {
  async listTools() {
    return {
      tools: [
        {
          name: "get-sum",
          description: "Add two numbers.",
          inputSchema: {
            type: "object",
            properties: { a: { type: "number" }, b: { type: "number" } },
            required: ["a", "b"],
          },
          annotations: { readOnlyHint: true },
        },
      ],
    };
  },
  async callTool({ name, arguments: args }) {
    if (name !== "get-sum") return { content: [{ type: "text", text: "unknown" }], isError: true };
    return { content: [{ type: "text", text: JSON.stringify({ sum: args.a + args.b }) }] };
  },
};

const registry = createToolRegistry({ policy: { allow: ["calc/*"] } });
registry.register(await mcpAdapter("calc", client));
const result = await registry.call("calc/get_sum", { a: 1, b: 2 }, { executionId: "smoke" });
if (JSON.stringify(result) !== '{"sum":3}') throw new Error(`unexpected result ${JSON.stringify(result)}`);
let code = "";
try {
  await registry.call("calc/get_sum", { a: "1" }, { executionId: "smoke" });
} catch (error) {
  code = isToolError(error) ? error.code : "not a ToolError";
}
if (code !== "INVALID_PARAMETERS") throw new Error(`expected INVALID_PARAMETERS, got ${code}`);
if (!registry.declarations().includes("function get_sum(")) throw new Error("declarations miss get_sum");
if (registry.manifest() !== "calc (1 tool): mcp") throw new Error(`unexpected manifest ${registry.manifest()}`);
console.log("@athena/adapters ok");
