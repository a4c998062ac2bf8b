/**
 * Why an operation of @athena/chaos failed; stable strings to branch on.
 *
 * - `INVALID_OPTIONS`: `createChaosEngine` options or `wrap`/`wrapObject`/`inject` arguments are malformed.
 * - `INVALID_EXPERIMENT`: an experiment definition is malformed (the message names the field).
 * - `UNKNOWN_TARGET`: no injection point matches the experiment's target; wrap something under that name first.
 * - `TARGET_BUSY`: another experiment or injected fault already holds the target and sharing was not allowed.
 * - `CONCURRENCY_LIMIT`: `maxConcurrentExperiments` experiments are already running.
 * - `ABORTED`: the caller's `AbortSignal` was already aborted when the experiment was asked to start.
 * - `DISPOSED`: the engine was disposed; create a new one.
 */
export type ChaosErrorCode =
  | "INVALID_OPTIONS"
  | "INVALID_EXPERIMENT"
  | "UNKNOWN_TARGET"
  | "TARGET_BUSY"
  | "CONCURRENCY_LIMIT"
  | "ABORTED"
  | "DISPOSED";

const brand = Symbol.for("@athena/chaos/error");

/**
 * The one error class of @athena/chaos. `code` says what went wrong, the message says what to do about it and
 * `cause` keeps the underlying error when there is one.
 *
 * @example
 * ```ts
 * import { createChaosEngine, isChaosError } from "@athena/chaos";
 *
 * const engine = createChaosEngine();
 * try {
 *   engine.inject({ target: "nothing-wrapped", failureType: "ERROR_INJECTION" });
 * } catch (error) {
 *   if (isChaosError(error) && error.code === "UNKNOWN_TARGET") console.error(error.message);
 * }
 * ```
 */
export class ChaosError extends Error {
  /** A stable code to branch on. */
  readonly code: ChaosErrorCode;
  /**
   * @param code - what went wrong
   * @param message - what was wrong and what to do
   * @param options - `cause`: the underlying error
   */
  constructor(code: ChaosErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ChaosError";
    this.code = code;
    // A brand keyed by a registered symbol, so the guard also recognises errors from another installed copy.
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * True when `value` is a {@link ChaosError}, also one thrown by another installed copy of this package.
 *
 * @param value - anything caught
 * @returns whether `value` is a ChaosError
 *
 * @example
 * ```ts
 * import { createChaosEngine, isChaosError } from "@athena/chaos";
 *
 * try {
 *   createChaosEngine({ maxConcurrentExperiments: 0 });
 * } catch (error) {
 *   if (isChaosError(error)) console.error(error.code, error.message);
 * }
 * ```
 */
export function isChaosError(value: unknown): value is ChaosError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
