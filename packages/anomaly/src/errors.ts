/** Why an operation of @athena/anomaly failed; stable strings to branch on. */
export type AnomalyErrorCode = "INVALID_OPTIONS" | "INVALID_REQUEST";

const brand = Symbol.for("@athena/anomaly/error");

/**
 * The one error class of @athena/anomaly. `code` says what went wrong, the message says what to do about it and
 * `cause` keeps the underlying error when there is one.
 *
 * @example
 * ```ts
 * try {
 *   doSomething();
 * } catch (error) {
 *   if (isAnomalyError(error) && error.code === "INVALID_OPTIONS") console.error(error.message);
 * }
 * ```
 */
export class AnomalyError extends Error {
  /** A stable code to branch on. */
  readonly code: AnomalyErrorCode;
  /**
   * @param code - what went wrong
   * @param message - what was wrong and what to do
   * @param options - `cause`: the underlying error
   */
  constructor(code: AnomalyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AnomalyError";
    this.code = code;
    // A brand keyed by a registered symbol, so the guard also recognises errors from another installed copy.
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * True when `value` is a {@link AnomalyError}, also one thrown by another installed copy of this package.
 *
 * @param value - anything caught
 */
export function isAnomalyError(value: unknown): value is AnomalyError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
