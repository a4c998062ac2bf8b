// Type-checked by the consumer test against the published declarations of @athena/adapters.
import {
  createToolRegistry,
  defineAdapter,
  isToolError,
  type McpClientLike,
  mcpAdapter,
  type ToolAdapter,
  ToolError,
  type ToolErrorCode,
  type ToolHost,
  type ToolRegistry,
  type ValidationResult,
} from "@athena/adapters";
import { z } from "zod";

const adapter: ToolAdapter = defineAdapter({
  name: "math",
  operations: {
    add: {
      description: "Add two numbers.",
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: ({ a, b }) => a + b,
    },
  },
});
const registry: ToolRegistry = createToolRegistry({ policy: { allow: ["math/*"], maxCallsPerExecution: 10 } });
registry.register(adapter);
const host: ToolHost = registry;
export const sum: Promise<unknown> = host.call("math/add", { a: 1, b: 2 }, { executionId: "x" });
export const check: ValidationResult = registry.validate("math/add", { a: 1 });
export const fromMcp = (client: McpClientLike): Promise<ToolAdapter> =>
  mcpAdapter("server", client, { timeoutMs: 1_000 });
const code: ToolErrorCode = "TOOL_DENIED";
export const recognised: boolean = isToolError(new ToolError(code, "typed"));
