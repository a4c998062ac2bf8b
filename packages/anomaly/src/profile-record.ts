/**
 * The fixed-size record one user's profile lives in: {@link PROFILE_RECORD_LENGTH} float64 slots
 * ({@link PROFILE_RECORD_BYTES} bytes). Stores keep these records; the detector reads and writes them in place, so a
 * request costs O(1) work and a profile never grows with traffic. The slot layout is private to `detector.ts`.
 *
 * Slot 0 is the layout version: `0` marks an empty (never seen) record, any other value must equal
 * {@link PROFILE_LAYOUT_VERSION}. Stores that persist records (Redis) refuse records of another size or version.
 */

/**
 * Layout version written in slot 0 of every initialised record.
 *
 * @example
 * ```ts
 * import { PROFILE_LAYOUT_VERSION } from "@athena/anomaly";
 *
 * console.log(PROFILE_LAYOUT_VERSION); // 1
 * ```
 */
export const PROFILE_LAYOUT_VERSION: number = 1;

/**
 * Number of float64 slots in one profile record.
 *
 * @example
 * ```ts
 * import { PROFILE_RECORD_LENGTH } from "@athena/anomaly";
 *
 * const record = new Float64Array(PROFILE_RECORD_LENGTH);
 * ```
 */
export const PROFILE_RECORD_LENGTH: number = 64;

/**
 * Bytes of one profile record (8 × {@link PROFILE_RECORD_LENGTH} = 512), the documented size per profile.
 *
 * @example
 * ```ts
 * import { PROFILE_RECORD_BYTES } from "@athena/anomaly";
 *
 * console.log(`${PROFILE_RECORD_BYTES} bytes per user profile`);
 * ```
 */
export const PROFILE_RECORD_BYTES: number = PROFILE_RECORD_LENGTH * 8;
