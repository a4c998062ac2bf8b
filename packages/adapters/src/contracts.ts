import type { z } from "zod";
import type { ValidationIssue } from "./errors.js";
import type { JsonSchemaObject } from "./seams.js";

/**
 * The outcome of validating arguments against a tool's parameter schema: the parsed value (defaults applied), or
 * every problem with the path it sits at.
 *
 * @example
 * ```ts
 * const result: ValidationResult = registry.validate("memory/search_nodes", { query: 42 });
 * if (!result.valid) console.log(result.issues.map((issue) => `${issue.path}: ${issue.message}`));
 * ```
 */
export type ValidationResult<T = unknown> =
  | { readonly valid: true; readonly value: T; readonly issues: readonly [] }
  | { readonly valid: false; readonly issues: readonly ValidationIssue[] };

/**
 * What an operation gets besides its (validated) arguments.
 *
 * @example
 * ```ts
 * const context: OperationContext = { executionId: "run-1", timeoutMs: 30_000 };
 * ```
 */
export interface OperationContext {
  /** Fires when the caller aborts or the call times out. */
  signal?: AbortSignal | undefined;
  /** The execution the call belongs to. */
  executionId: string;
  /** The time limit for this call in ms. */
  timeoutMs: number;
}

/**
 * One worked example of calling a tool, shown by `source(id)`.
 *
 * @example
 * ```ts
 * const example: ToolExample = { description: "Find Ada", args: { query: "Ada" } };
 * ```
 */
export interface ToolExample {
  /** What the example shows. */
  description?: string | undefined;
  /** The arguments. */
  args: unknown;
  /** What comes back, when worth showing. */
  result?: unknown;
}

/**
 * The types of a tool as JSON Schema, the form the TypeScript signatures and declarations are rendered from. MCP
 * tools carry their servers' schemas as sent; hand-written operations get theirs from their zod schemas.
 *
 * @example
 * ```ts
 * const spec: ToolTypeSpec = { parameters: { type: "object", properties: { query: { type: "string" } } } };
 * ```
 */
export interface ToolTypeSpec {
  /** The arguments object (input side: properties with defaults are optional). */
  parameters: JsonSchemaObject;
  /** The result, when known. */
  returns?: JsonSchemaObject | undefined;
  /** A TypeScript type to use for the result when there is no `returns` schema (e.g. the MCP content result). */
  returnsType?: string | undefined;
}

/**
 * One callable tool of an adapter. `id` is `<adapter>/<name>`, both valid identifiers.
 *
 * @example
 * ```ts
 * const op: ToolOperation = adapter.operations[0]!;
 * console.log(op.id, op.mutating, op.cost);
 * ```
 */
export interface ToolOperation {
  /** `<adapter>/<name>`, e.g. `episodic/recall`. */
  id: string;
  /** The identifier part of the id. */
  name: string;
  /** The tool's name at its source when it differs from `name` (an MCP name such as `read-file`). */
  originalName?: string | undefined;
  /** A short human title, when the source gives one. */
  title?: string | undefined;
  /** What the tool does. */
  description: string;
  /** Validates (and parses) the arguments before execution. */
  parameters: z.ZodType;
  /** Validates the result of a hand-written operation; `undefined` when not checked. */
  returns?: z.ZodType | undefined;
  /** The JSON Schema form used for rendering; computed from the zod schemas when absent. */
  types?: ToolTypeSpec | undefined;
  /** Changes state somewhere. */
  mutating: boolean;
  /** May destroy or overwrite data: the registry needs an explicit allow for it. */
  destructive: boolean;
  /** Reads data that should be treated as sensitive. */
  readsSensitive: boolean;
  /** Writes data that should be treated as sensitive. */
  writesSensitive: boolean;
  /** Counts against the per-execution cost budget. */
  cost: number;
  /** Free-form labels, searched by `search`. */
  tags: readonly string[];
  /** Worked examples for `source(id)`. */
  examples: readonly ToolExample[];
  /** The tool cannot be called plainly (an MCP tool with `execution.taskSupport: "required"`); calls are refused. */
  taskRequired: boolean;
  /** The tool is marked deprecated; search ranks it lower. */
  deprecated: boolean;
  /** A per-operation time limit overriding the registry's. */
  timeoutMs?: number | undefined;
  /** Runs the tool with validated arguments. */
  execute(args: unknown, context: OperationContext): Promise<unknown>;
}

/**
 * A named group of operations: hand-written with `defineAdapter`, or every tool of an MCP server with `mcpAdapter`.
 *
 * @example
 * ```ts
 * registry.register(adapter);
 * console.log(adapter.name, adapter.operations.length);
 * ```
 */
export interface ToolAdapter {
  /** The server name in ids and in `tools.<name>`; a valid identifier. */
  name: string;
  /** A free-form category, e.g. `memory`, `filesystem`. */
  category: string;
  /** The adapter's (or server's) version. */
  version: string;
  /** One line for the manifest. */
  description: string;
  /** The operations, in a stable order. */
  operations: readonly ToolOperation[];
}
