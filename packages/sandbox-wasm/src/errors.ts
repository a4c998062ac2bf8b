/** Why an operation of @athena/sandbox-wasm failed; stable strings to branch on. */
export type SandboxErrorCode =
  | "INVALID_OPTIONS"
  | "DISPOSED"
  | "ABORTED"
  | "INTERNAL"
  | "WORKER_FAILED"
  | "WORKSPACE_PATH"
  | "WORKSPACE_QUOTA";

const brand = Symbol.for("@athena/sandbox-wasm/error");

/**
 * The one error class of @athena/sandbox-wasm. `code` says what went wrong, the message says what to do about it and
 * `cause` keeps the underlying error when there is one.
 *
 * @example
 * ```ts
 * try {
 *   doSomething();
 * } catch (error) {
 *   if (isSandboxError(error) && error.code === "INVALID_OPTIONS") console.error(error.message);
 * }
 * ```
 */
export class SandboxError extends Error {
  /** A stable code to branch on. */
  readonly code: SandboxErrorCode;
  /**
   * @param code - what went wrong
   * @param message - what was wrong and what to do
   * @param options - `cause`: the underlying error
   */
  constructor(code: SandboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SandboxError";
    this.code = code;
    // A brand keyed by a registered symbol, so the guard also recognises errors from another installed copy.
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * True when `value` is a {@link SandboxError}, also one thrown by another installed copy of this package.
 *
 * @param value - anything caught
 */
export function isSandboxError(value: unknown): value is SandboxError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
