/**
 * Why an operation of @athena/filter failed; stable strings to branch on:
 * - `INVALID_OPTIONS`: a factory's options are wrong (the message lists each problem);
 * - `DISPOSED`: a pipeline or vault was used after `dispose()`;
 * - `INVALID_INPUT`: `decompress()` got bytes that are not what `compress()` makes;
 * - `DUPLICATE_FILTER`: `addFilter` got a name the pipeline already has;
 * - `UNKNOWN_FILTER`: `addFilter`'s `before`/`after` names no stage of the pipeline.
 *
 * @example
 * ```ts
 * const code: FilterErrorCode = "DISPOSED";
 * ```
 */
export type FilterErrorCode = "INVALID_OPTIONS" | "DISPOSED" | "INVALID_INPUT" | "DUPLICATE_FILTER" | "UNKNOWN_FILTER";

const brand = Symbol.for("@athena/filter/error");

/**
 * The one error class of @athena/filter. `code` says what went wrong, the message says what to do about it and
 * `cause` keeps the underlying error when there is one.
 *
 * @example
 * ```ts
 * try {
 *   doSomething();
 * } catch (error) {
 *   if (isFilterError(error) && error.code === "INVALID_OPTIONS") console.error(error.message);
 * }
 * ```
 */
export class FilterError extends Error {
  /** A stable code to branch on. */
  readonly code: FilterErrorCode;
  /**
   * @param code - what went wrong
   * @param message - what was wrong and what to do
   * @param options - `cause`: the underlying error
   */
  constructor(code: FilterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FilterError";
    this.code = code;
    // A brand keyed by a registered symbol, so the guard also recognises errors from another installed copy.
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * True when `value` is a {@link FilterError}, also one thrown by another installed copy of this package.
 *
 * @param value - anything caught
 * @example
 * ```ts
 * import { createFilterPipeline, isFilterError } from "@athena/filter";
 * try {
 *   createFilterPipeline({ maxBytes: 1 });
 * } catch (error) {
 *   if (isFilterError(error)) console.error(error.code, error.message); // INVALID_OPTIONS …
 * }
 * ```
 */
export function isFilterError(value: unknown): value is FilterError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
