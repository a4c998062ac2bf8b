/** Why an operation of @athena/adapters failed; stable strings to branch on. */
export type ToolErrorCode =
  | "INVALID_OPTIONS"
  | "TOOL_DENIED"
  | "TOOL_NOT_FOUND"
  | "INVALID_PARAMETERS"
  | "TOOL_FAILED"
  | "TIMEOUT";

const brand = Symbol.for("@athena/adapters/error");

/**
 * The one error class of @athena/adapters. `code` says what went wrong, the message says what to do about it and
 * `cause` keeps the underlying error when there is one.
 *
 * @example
 * ```ts
 * try {
 *   doSomething();
 * } catch (error) {
 *   if (isToolError(error) && error.code === "INVALID_OPTIONS") console.error(error.message);
 * }
 * ```
 */
export class ToolError extends Error {
  /** A stable code to branch on. */
  readonly code: ToolErrorCode;
  /**
   * @param code - what went wrong
   * @param message - what was wrong and what to do
   * @param options - `cause`: the underlying error
   */
  constructor(code: ToolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ToolError";
    this.code = code;
    // A brand keyed by a registered symbol, so the guard also recognises errors from another installed copy.
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * True when `value` is a {@link ToolError}, also one thrown by another installed copy of this package.
 *
 * @param value - anything caught
 */
export function isToolError(value: unknown): value is ToolError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
