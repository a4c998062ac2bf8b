/** Why an operation of @athena/correlator failed; stable strings to branch on. */
export type CorrelatorErrorCode = "INVALID_OPTIONS" | "INVALID_EVENT";

const brand = Symbol.for("@athena/correlator/error");

/**
 * The one error class of @athena/correlator. `code` says what went wrong, the message says what to do about it and
 * `cause` keeps the underlying error when there is one.
 *
 * @example
 * ```ts
 * try {
 *   doSomething();
 * } catch (error) {
 *   if (isCorrelatorError(error) && error.code === "INVALID_OPTIONS") console.error(error.message);
 * }
 * ```
 */
export class CorrelatorError extends Error {
  /** A stable code to branch on. */
  readonly code: CorrelatorErrorCode;
  /**
   * @param code - what went wrong
   * @param message - what was wrong and what to do
   * @param options - `cause`: the underlying error
   */
  constructor(code: CorrelatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CorrelatorError";
    this.code = code;
    // A brand keyed by a registered symbol, so the guard also recognises errors from another installed copy.
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * True when `value` is a {@link CorrelatorError}, also one thrown by another installed copy of this package.
 *
 * @param value - anything caught
 */
export function isCorrelatorError(value: unknown): value is CorrelatorError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
