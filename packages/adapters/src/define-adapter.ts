import { z } from "zod";
import type { OperationContext, ToolAdapter, ToolExample, ToolOperation } from "./contracts.js";
import { isToolError, ToolError } from "./errors.js";
import { isIdentifier, toIdentifier } from "./identifiers.js";
import { describeIssues, toIssues } from "./validate.js";

/**
 * One hand-written operation for {@link defineAdapter}: zod schemas for its parameters (and optionally its result)
 * and the function that runs it with the parsed arguments.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 *
 * const recall: OperationDefinition<z.ZodObject<{ query: z.ZodString }>> = {
 *   description: "Recall episodes matching a query",
 *   parameters: z.object({ query: z.string() }),
 *   execute: ({ query }) => [`episode about ${query}`],
 * };
 * ```
 */
export interface OperationDefinition<P extends z.ZodType = z.ZodType> {
  /** What the operation does; the first sentence is its one-line summary. */
  description: string;
  /** The arguments; validated (and parsed: defaults, transforms) before `execute` runs. */
  parameters: P;
  /** The result; when given, results are checked and a mismatch rejects with `INVALID_RESULT`. */
  returns?: z.ZodType;
  /** A short title. */
  title?: string;
  /**
   * Changes state somewhere.
   * @defaultValue false
   */
  mutating?: boolean;
  /**
   * May destroy or overwrite data (needs an explicit allow in the registry's policy).
   * @defaultValue false
   */
  destructive?: boolean;
  /** @defaultValue false */
  readsSensitive?: boolean;
  /** @defaultValue false */
  writesSensitive?: boolean;
  /**
   * Cost units counted against the per-execution cost budget.
   * @defaultValue 1
   */
  cost?: number;
  /** @defaultValue [] */
  tags?: readonly string[];
  /** @defaultValue [] */
  examples?: readonly ToolExample[];
  /** @defaultValue false */
  deprecated?: boolean;
  /** A time limit for this operation in ms, overriding the registry's. */
  timeoutMs?: number;
  /** Runs the operation; may be sync or async, and should honour `context.signal`. */
  execute(args: z.output<P>, context: OperationContext): unknown;
}

/**
 * The input of {@link defineAdapter}.
 *
 * @example
 * ```ts
 * const definition: AdapterDefinition<{ ping: OperationDefinition }> = {
 *   name: "health",
 *   operations: { ping: { description: "Ping", parameters: z.object({}), execute: () => "pong" } },
 * };
 * ```
 */
export interface AdapterDefinition<Operations> {
  /** The server name in tool ids and `tools.<name>`: a valid identifier. */
  name: string;
  /** @defaultValue "custom" */
  category?: string;
  /** @defaultValue "0.0.0" */
  version?: string;
  /** One line for the manifest. @defaultValue the category */
  description?: string;
  /** The operations by name; each name must be a valid identifier. */
  operations: Operations;
}

const zodSchema = z.custom<z.ZodType>(
  (value) =>
    typeof value === "object" && value !== null && typeof (value as { safeParse?: unknown }).safeParse === "function",
  { message: "must be a zod schema" },
);

const operationSchema = z.object({
  description: z.string().min(1, "describe what the operation does"),
  parameters: zodSchema,
  returns: zodSchema.optional(),
  title: z.string().optional(),
  mutating: z.boolean().default(false),
  destructive: z.boolean().default(false),
  readsSensitive: z.boolean().default(false),
  writesSensitive: z.boolean().default(false),
  cost: z.number().nonnegative().finite().default(1),
  tags: z.array(z.string()).readonly().default([]),
  examples: z
    .array(z.object({ description: z.string().optional(), args: z.unknown(), result: z.unknown().optional() }))
    .default([]),
  deprecated: z.boolean().default(false),
  timeoutMs: z.number().positive().optional(),
  execute: z.custom<(args: unknown, context: OperationContext) => unknown>((value) => typeof value === "function", {
    message: "must be a function",
  }),
});

const identifier = (what: string) =>
  z.string().refine(isIdentifier, {
    error: (issue) =>
      `${what} must be a JavaScript identifier (letters, digits, _ or $, not a reserved word); try "${toIdentifier(String(issue.input))}"`,
  });

const adapterSchema = z.object({
  name: identifier("the adapter name"),
  category: z.string().default("custom"),
  version: z.string().default("0.0.0"),
  description: z.string().optional(),
  operations: z.record(z.string(), operationSchema).superRefine((operations, context) => {
    for (const key of Object.keys(operations)) {
      if (!isIdentifier(key)) {
        context.addIssue({
          code: "custom",
          path: [key],
          message: `an operation name must be a JavaScript identifier (letters, digits, _ or $, not a reserved word); try "${toIdentifier(key)}"`,
        });
      }
    }
  }),
});

/** setTimeout fires at once for delays above this, so longer limits mean "no timer". */
const maxTimerMs = 2_147_483_647;

/**
 * Runs `task` with a time limit and the caller's signal: rejects with `TIMEOUT` or `ABORTED` (and aborts the signal
 * it passes on) when either fires first.
 */
async function runBounded(
  id: string,
  task: (signal: AbortSignal) => unknown,
  context: OperationContext,
): Promise<unknown> {
  const outer = context.signal;
  if (outer?.aborted) throw new ToolError("ABORTED", `Call to "${id}" was aborted before it started.`, { toolId: id });
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    if (context.timeoutMs <= maxTimerMs) {
      timer = setTimeout(() => {
        const error = new ToolError(
          "TIMEOUT",
          `"${id}" did not finish within ${context.timeoutMs} ms; retry with less work or raise timeoutMs.`,
          { toolId: id },
        );
        controller.abort(error);
        reject(error);
      }, context.timeoutMs);
    }
    if (outer !== undefined) {
      onAbort = () => {
        const error = new ToolError("ABORTED", `Call to "${id}" was aborted.`, { toolId: id, cause: outer.reason });
        controller.abort(error);
        reject(error);
      };
      outer.addEventListener("abort", onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([Promise.resolve().then(() => task(controller.signal)), stopped]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) outer?.removeEventListener("abort", onAbort);
  }
}

/**
 * Defines an adapter from hand-written operations with zod schemas. Each operation becomes the tool
 * `<name>/<operation>`; its arguments are validated before it runs and, when `returns` is given, its result after.
 * A thrown `ToolError` passes through; any other thrown error becomes `TOOL_FAILED` with the original as `cause`.
 *
 * @param definition - the adapter's name, metadata and operations
 * @returns a {@link ToolAdapter} to `register` with a registry
 * @throws ToolError `INVALID_OPTIONS` when a name is not an identifier or an operation is malformed
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineAdapter } from "@athena/adapters";
 *
 * const episodic = defineAdapter({
 *   name: "episodic",
 *   category: "memory",
 *   operations: {
 *     recall: {
 *       description: "Recall episodes matching a query.",
 *       parameters: z.object({ query: z.string(), limit: z.number().int().positive().default(5) }),
 *       execute: ({ query, limit }) => [`${limit} episodes about ${query}`],
 *     },
 *   },
 * });
 * ```
 */
export function defineAdapter<const P extends Record<string, z.ZodType>>(
  definition: AdapterDefinition<{ [K in keyof P]: OperationDefinition<P[K]> }>,
): ToolAdapter {
  const parsed = adapterSchema.safeParse(definition);
  if (!parsed.success) {
    throw new ToolError("INVALID_OPTIONS", `defineAdapter: ${describeIssues(toIssues(parsed.error.issues))}`, {
      cause: parsed.error,
      issues: toIssues(parsed.error.issues),
    });
  }
  const { name, category, version, description, operations } = parsed.data;
  const list: ToolOperation[] = [];
  for (const [opName, op] of Object.entries(operations)) {
    const id = `${name}/${opName}`;
    const returns = op.returns;
    const run = op.execute;
    const execute = async (args: unknown, context: OperationContext): Promise<unknown> => {
      let result: unknown;
      try {
        result = await runBounded(id, (signal) => run(args, { ...context, signal }), context);
      } catch (error) {
        if (isToolError(error)) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new ToolError("TOOL_FAILED", `"${id}" failed: ${message}`, { cause: error, toolId: id });
      }
      if (returns === undefined) return result;
      const checked = returns.safeParse(result);
      if (checked.success) return checked.data;
      const issues = toIssues(checked.error.issues);
      throw new ToolError(
        "INVALID_RESULT",
        `"${id}" returned a value that does not match its returns schema: ${describeIssues(issues)}`,
        {
          toolId: id,
          issues,
        },
      );
    };
    const operation: ToolOperation = {
      id,
      name: opName,
      title: op.title,
      description: op.description,
      parameters: op.parameters,
      returns,
      mutating: op.mutating || op.destructive,
      destructive: op.destructive,
      readsSensitive: op.readsSensitive,
      writesSensitive: op.writesSensitive,
      cost: op.cost,
      tags: op.tags,
      examples: op.examples,
      taskRequired: false,
      deprecated: op.deprecated,
      timeoutMs: op.timeoutMs,
      execute,
    };
    list.push(operation);
  }
  return { name, category, version, description: description ?? category, operations: list };
}
