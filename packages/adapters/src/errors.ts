/**
 * Why an operation of @athena/adapters failed; stable strings to branch on.
 *
 * - `INVALID_OPTIONS`: a factory or `register` got options it cannot use.
 * - `TOOL_DENIED`: the registry's policy refuses this tool id (deny pattern, not allowed, or destructive without an
 *   explicit allow).
 * - `TOOL_NOT_FOUND`: no allowed tool has this id.
 * - `INVALID_PARAMETERS`: the arguments do not match the tool's parameter schema (`issues` names each bad path).
 * - `TOOL_FAILED`: the tool ran and reported a failure (an MCP `isError` result, or a thrown error).
 * - `TIMEOUT`: the call took longer than its time limit.
 * - `ABORTED`: the caller's `AbortSignal` fired.
 * - `BUDGET_EXCEEDED`: the execution used up its call or cost budget.
 * - `PROTOCOL_ERROR`: the MCP server answered with a protocol error or a malformed result.
 * - `CONNECTION_CLOSED`: the MCP client is not connected (any more).
 * - `TASK_REQUIRED`: the MCP tool can only run as a task (`execution.taskSupport: "required"`).
 * - `INVALID_RESULT`: a hand-written operation returned a value that does not match its `returns` schema.
 * - `DISPOSED`: the registry was disposed.
 *
 * @example
 * ```ts
 * const code: ToolErrorCode = "TOOL_DENIED";
 * ```
 */
export type ToolErrorCode =
  | "INVALID_OPTIONS"
  | "TOOL_DENIED"
  | "TOOL_NOT_FOUND"
  | "INVALID_PARAMETERS"
  | "TOOL_FAILED"
  | "TIMEOUT"
  | "ABORTED"
  | "BUDGET_EXCEEDED"
  | "PROTOCOL_ERROR"
  | "CONNECTION_CLOSED"
  | "TASK_REQUIRED"
  | "INVALID_RESULT"
  | "DISPOSED";

/**
 * One problem found while validating a value against a schema.
 *
 * @example
 * ```ts
 * const issue: ValidationIssue = { path: "entities[0].name", segments: ["entities", 0, "name"], message: "expected string", code: "invalid_type" };
 * ```
 */
export interface ValidationIssue {
  /** Where the problem is, readable: `entities[0].name`; the empty string for the value itself. */
  path: string;
  /** The same place as keys and indices. */
  segments: readonly (string | number)[];
  /** What is wrong there. */
  message: string;
  /** The schema library's issue code, e.g. `invalid_type`. */
  code: string;
}

const brand = Symbol.for("@athena/adapters/error");

/**
 * The one error class of @athena/adapters. `code` says what went wrong, the message says what to do about it and
 * `cause` keeps the underlying error when there is one. `toolId` names the tool involved and `issues` lists the bad
 * paths of an `INVALID_PARAMETERS` error.
 *
 * @example
 * ```ts
 * import { isToolError } from "@athena/adapters";
 *
 * try {
 *   await registry.call("memory/read_graph", {}, { executionId: "run-1" });
 * } catch (error) {
 *   if (isToolError(error) && error.code === "TOOL_DENIED") console.error(error.message);
 * }
 * ```
 */
export class ToolError extends Error {
  /** A stable code to branch on. */
  readonly code: ToolErrorCode;
  /** The tool id the error is about, when there is one. */
  readonly toolId: string | undefined;
  /** Each bad path, for `INVALID_PARAMETERS` (and `INVALID_RESULT`); empty otherwise. */
  readonly issues: readonly ValidationIssue[];
  /**
   * @param code - what went wrong
   * @param message - what was wrong and what to do
   * @param options - `cause`: the underlying error; `toolId`: the tool involved; `issues`: validation issues
   */
  constructor(
    code: ToolErrorCode,
    message: string,
    options?: { cause?: unknown; toolId?: string | undefined; issues?: readonly ValidationIssue[] | undefined },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ToolError";
    this.code = code;
    this.toolId = options?.toolId;
    this.issues = options?.issues ?? [];
    // A brand keyed by a registered symbol, so the guard also recognises errors from another installed copy.
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * True when `value` is a {@link ToolError}, also one thrown by another installed copy of this package.
 *
 * @param value - anything caught
 * @returns whether `value` is a ToolError
 * @example
 * ```ts
 * import { isToolError, ToolError } from "@athena/adapters";
 *
 * isToolError(new ToolError("TOOL_DENIED", "no")); // true
 * ```
 */
export function isToolError(value: unknown): value is ToolError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
