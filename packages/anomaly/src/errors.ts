/**
 * Why an operation of @athena/anomaly failed; stable strings to branch on.
 *
 * - `INVALID_OPTIONS`: a factory was given options it cannot use (the message names the option).
 * - `INVALID_REQUEST`: `analyzeRequest`/`update`/`getProfile` got an empty user id, a non-finite timestamp, a
 *   negative request size, a timestamp too far in the future, …; nothing was recorded.
 * - `DISPOSED`: the detector or store was used after `dispose()`.
 * - `STORE_CONFLICT`: the Redis store lost its compare-and-set race `maxRetries` times in a row; nothing was written.
 * - `STORE_FAILED`: the store's client failed (network, Redis error); `cause` has the client's error.
 * - `STORE_CORRUPT`: a stored profile has the wrong size or layout version; it was left untouched.
 */
export type AnomalyErrorCode =
  | "INVALID_OPTIONS"
  | "INVALID_REQUEST"
  | "DISPOSED"
  | "STORE_CONFLICT"
  | "STORE_FAILED"
  | "STORE_CORRUPT";

const brand = Symbol.for("@athena/anomaly/error");

/**
 * The one error class of @athena/anomaly. `code` says what went wrong, the message says what to do about it and
 * `cause` keeps the underlying error when there is one.
 *
 * @example
 * ```ts
 * import { createAnomalyDetector, isAnomalyError } from "@athena/anomaly";
 *
 * const detector = createAnomalyDetector();
 * try {
 *   detector.analyzeRequest("", { timestamp: Date.now() });
 * } catch (error) {
 *   if (isAnomalyError(error) && error.code === "INVALID_REQUEST") console.error(error.message);
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
