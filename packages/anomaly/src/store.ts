/**
 * Changes one profile record in place: `record[offset]` … `record[offset + PROFILE_RECORD_LENGTH - 1]`. A record of
 * zeros is a user never seen. The detector's mutator depends only on the record it is handed (no hidden state), so a
 * store may call it again on a fresher copy when a concurrent writer won.
 *
 * @example
 * ```ts
 * import type { ProfileMutator } from "@athena/anomaly";
 *
 * const touch: ProfileMutator = (record, offset) => {
 *   record[offset + 1] = (record[offset + 1] ?? 0) + 1;
 * };
 * ```
 */
export type ProfileMutator = (record: Float64Array, offset: number) => void;

/**
 * A synchronous profile store: atomic read-modify-write of one user's fixed-size record. The default
 * ({@link createMemoryProfileStore}) is one; with it `analyzeRequest` returns its result directly.
 *
 * Conformance (the shared suite in `test/store-conformance.ts` checks every implementation): `update` calls `mutate`
 * exactly once before returning, on the user's record (all zeros when the user is new or was evicted), and keeps what
 * it wrote; `read` returns a copy, never the live record; `delete` forgets the user.
 *
 * @example
 * ```ts
 * import { createAnomalyDetector, createMemoryProfileStore } from "@athena/anomaly";
 *
 * const store = createMemoryProfileStore({ maxProfiles: 10_000 });
 * const detector = createAnomalyDetector({ store });
 * ```
 */
export interface ProfileStore {
  /** `true`: every method returns its result directly. */
  readonly synchronous: true;
  /**
   * Atomically apply `mutate` to the record of `userId`.
   *
   * @param userId - whose profile
   * @param now - the time of the access (the request's timestamp), for idle eviction
   * @param mutate - changes the record in place
   */
  update(userId: string, now: number, mutate: ProfileMutator): void;
  /**
   * A copy of the record of `userId`, or `undefined` when there is none (or it went idle).
   *
   * @param userId - whose profile
   * @param now - the current time, for idle eviction
   */
  read(userId: string, now: number): Float64Array | undefined;
  /**
   * Forget `userId`; true when there was a profile.
   *
   * @param userId - whose profile
   */
  delete(userId: string): boolean;
  /** Release what the store holds; idempotent. */
  dispose(): void;
}

/**
 * An asynchronous profile store (e.g. `createRedisProfileStore` from `@athena/anomaly/redis`): the same contract as {@link ProfileStore} with promises. `update` may call `mutate` more than once (optimistic
 * concurrency); only the last call's record is stored, and the promise settles after it is stored.
 *
 * @example
 * ```ts
 * import { type AsyncProfileStore, PROFILE_RECORD_LENGTH } from "@athena/anomaly";
 *
 * const records = new Map<string, Float64Array>();
 * const store: AsyncProfileStore = {
 *   synchronous: false,
 *   async update(userId, _now, mutate) {
 *     const record = records.get(userId) ?? new Float64Array(PROFILE_RECORD_LENGTH);
 *     mutate(record, 0);
 *     records.set(userId, record);
 *   },
 *   async read(userId) {
 *     return records.get(userId)?.slice();
 *   },
 *   async delete(userId) {
 *     return records.delete(userId);
 *   },
 *   async dispose() {},
 * };
 * ```
 */
export interface AsyncProfileStore {
  /** `false`: every method returns a promise. */
  readonly synchronous: false;
  /**
   * Atomically apply `mutate` to the record of `userId`.
   *
   * @param userId - whose profile
   * @param now - the time of the access (the request's timestamp), for idle expiry
   * @param mutate - changes the record in place; may be called again on a fresher copy
   * @param signal - abandons waiting (retries) when aborted
   */
  update(userId: string, now: number, mutate: ProfileMutator, signal?: AbortSignal): Promise<void>;
  /**
   * A copy of the record of `userId`, or `undefined`.
   *
   * @param userId - whose profile
   * @param now - the current time
   * @param signal - abandons waiting when aborted
   */
  read(userId: string, now: number, signal?: AbortSignal): Promise<Float64Array | undefined>;
  /**
   * Forget `userId`; true when there was a profile.
   *
   * @param userId - whose profile
   * @param signal - abandons waiting when aborted
   */
  delete(userId: string, signal?: AbortSignal): Promise<boolean>;
  /** Stop using the store; idempotent. A store never closes a client it was given. */
  dispose(): Promise<void>;
}
