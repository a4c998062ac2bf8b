/**
 * Why an operation of @athena/correlator failed; stable strings to branch on.
 *
 * - `INVALID_OPTIONS`: the options (or a pattern in them) do not validate.
 * - `INVALID_EVENT`: an event passed to `addEvent` is malformed; nothing was recorded.
 * - `INVALID_RULE`: a Sigma document could not be loaded (bad YAML, unknown reference, unsupported feature).
 * - `INVALID_SNAPSHOT`: `restore` was given something that is not a snapshot of this correlator's patterns.
 * - `THREAT_NOT_FOUND`: `updateThreatStatus` or `getThreat` named an id the correlator does not hold.
 * - `INVALID_TRANSITION`: the status change is not allowed by the threat lifecycle.
 * - `LISTENER_FAILED`: a `threat_detected`/`threat_updated` listener threw (and no `error` listener took it).
 * - `DISPOSED`: the correlator was disposed.
 */
export type CorrelatorErrorCode =
  | "INVALID_OPTIONS"
  | "INVALID_EVENT"
  | "INVALID_RULE"
  | "INVALID_SNAPSHOT"
  | "THREAT_NOT_FOUND"
  | "INVALID_TRANSITION"
  | "LISTENER_FAILED"
  | "DISPOSED";

const brand = Symbol.for("@athena/correlator/error");

/**
 * The one error class of @athena/correlator. `code` says what went wrong, the message says what to do about it and
 * `cause` keeps the underlying error when there is one.
 *
 * @example
 * ```ts
 * import { createSecurityEventCorrelator, isCorrelatorError } from "@athena/correlator";
 *
 * const correlator = createSecurityEventCorrelator();
 * try {
 *   correlator.addEvent({ type: "", source: "api", severity: "low", timestamp: 0 });
 * } catch (error) {
 *   if (isCorrelatorError(error) && error.code === "INVALID_EVENT") console.error(error.message);
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
 * @returns whether `value` is a correlator error
 * @example
 * ```ts
 * import { CorrelatorError, isCorrelatorError } from "@athena/correlator";
 *
 * isCorrelatorError(new CorrelatorError("DISPOSED", "gone")); // true
 * ```
 */
export function isCorrelatorError(value: unknown): value is CorrelatorError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
