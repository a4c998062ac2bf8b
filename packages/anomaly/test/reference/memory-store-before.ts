/**
 * REFERENCE ONLY (tests): the memory store exactly as it was before the performance pass (commit 993695d), kept so that
 * `test/fast-paths.test.ts` can check that every fast path of `src/` gives the same results on random streams. Only
 * the import paths were changed. Do not optimise this file.
 */
import { z } from "zod";
import { AnomalyError } from "../../src/errors.js";
import { invalidOptions } from "../../src/options.js";
import { PROFILE_RECORD_LENGTH } from "../../src/profile-record.js";
import type { ProfileMutator, ProfileStore } from "../../src/store.js";

/**
 * Options of {@link createMemoryProfileStore}.
 *
 * @example
 * ```ts
 * import type { MemoryProfileStoreOptions } from "@athena/anomaly";
 *
 * const options: MemoryProfileStoreOptions = { maxProfiles: 1_000_000, idleTtlMs: 7 * 24 * 3_600_000 };
 * ```
 */
export interface MemoryProfileStoreOptions {
  /**
   * Most profiles kept; past it the least recently used profile is evicted. Memory grows with the profiles actually
   * held (in blocks of 4,096), about 560 bytes per profile in all (see the README).
   *
   * @defaultValue 100_000
   */
  maxProfiles?: number;
  /**
   * A profile not accessed for this long (by the access times the detector passes, i.e. request timestamps) is
   * dropped: read as absent, and reclaimed by later updates.
   *
   * @defaultValue 2_592_000_000 (30 days)
   */
  idleTtlMs?: number;
}

/**
 * The in-memory {@link ProfileStore}: a bounded LRU with idle eviction, records packed in `Float64Array` blocks.
 *
 * @example
 * ```ts
 * import { createMemoryProfileStore } from "@athena/anomaly";
 *
 * const store = createMemoryProfileStore({ maxProfiles: 1_000_000 });
 * console.log(store.size, store.capacity);
 * ```
 */
export interface MemoryProfileStore extends ProfileStore {
  /** Profiles held now. */
  readonly size: number;
  /** The `maxProfiles` cap. */
  readonly capacity: number;
  /** Profiles evicted so far (LRU cap or idle). */
  readonly evictions: number;
  /** Bytes of record storage allocated (blocks), excluding the key index. */
  readonly allocatedBytes: number;
  /**
   * Drop every profile idle at `now`, oldest first; returns how many were dropped. Updates already reclaim one idle
   * profile each, so calling this is optional.
   *
   * @param now - the current time
   */
  evictIdle(now: number): number;
  /** Drop every profile (the store stays usable). */
  clear(): void;
  /** Free all storage; later use throws `DISPOSED`. Idempotent. */
  [Symbol.dispose](): void;
}

const optionsSchema = z.strictObject({
  maxProfiles: z.int().min(1).max(50_000_000).default(100_000),
  idleTtlMs: z
    .number()
    .positive()
    .default(30 * 24 * 3_600_000),
});

const BLOCK_SHIFT = 12;
const BLOCK_RECORDS = 1 << BLOCK_SHIFT;
const BLOCK_MASK = BLOCK_RECORDS - 1;
const NONE = -1;

/**
 * Create the in-memory LRU profile store (the detector's default).
 *
 * Work per update is O(1): one `Map` lookup, a move to the front of an index-linked LRU list, and at most one idle
 * profile reclaimed from the tail.
 *
 * @param options - cap and idle time
 * @returns the store
 * @throws {@link AnomalyError} `INVALID_OPTIONS` when an option is out of range
 *
 * @example
 * ```ts
 * import { createAnomalyDetector, createMemoryProfileStore } from "@athena/anomaly";
 *
 * const store = createMemoryProfileStore({ maxProfiles: 1_000_000, idleTtlMs: 14 * 24 * 3_600_000 });
 * const detector = createAnomalyDetector({ store });
 * detector.analyzeRequest("alice", { timestamp: Date.now() });
 * console.log(store.size); // 1
 * ```
 */
export function createMemoryProfileStore(options: MemoryProfileStoreOptions = {}): MemoryProfileStore {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw invalidOptions("createMemoryProfileStore", parsed.error);
  const { maxProfiles, idleTtlMs } = parsed.data;

  const index = new Map<string, number>();
  let blocks: Float64Array[] = [];
  let keys: (string | undefined)[] = [];
  let lastAccess = new Float64Array(0);
  let prev = new Int32Array(0);
  let next = new Int32Array(0);
  let slotsUsed = 0; // slots ever handed out (the high-water mark)
  let free: number[] = [];
  let head = NONE; // most recently used
  let tail = NONE; // least recently used
  let evictions = 0;
  let disposed = false;

  function ensureSlots(count: number): void {
    while (blocks.length * BLOCK_RECORDS < count) blocks.push(new Float64Array(BLOCK_RECORDS * PROFILE_RECORD_LENGTH));
    if (count <= prev.length) return;
    const capacity = Math.min(maxProfiles, Math.max(1024, prev.length * 2, count));
    const grow = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const fresh = make(capacity);
      fresh.set(old);
      return fresh;
    };
    lastAccess = grow(lastAccess, (n) => new Float64Array(n));
    prev = grow(prev, (n) => new Int32Array(n));
    next = grow(next, (n) => new Int32Array(n));
  }

  function unlink(slot: number): void {
    const p = prev[slot] as number;
    const n = next[slot] as number;
    if (p === NONE) head = n;
    else next[p] = n;
    if (n === NONE) tail = p;
    else prev[n] = p;
  }

  function pushFront(slot: number): void {
    prev[slot] = NONE;
    next[slot] = head;
    if (head !== NONE) prev[head] = slot;
    head = slot;
    if (tail === NONE) tail = slot;
  }

  function clearRecord(slot: number): void {
    const start = (slot & BLOCK_MASK) * PROFILE_RECORD_LENGTH;
    (blocks[slot >>> BLOCK_SHIFT] as Float64Array).fill(0, start, start + PROFILE_RECORD_LENGTH);
  }

  function evict(slot: number): void {
    unlink(slot);
    const key = keys[slot];
    if (key !== undefined) index.delete(key);
    keys[slot] = undefined;
    free.push(slot);
    evictions++;
  }

  function allocate(userId: string): number {
    let slot: number;
    if (free.length > 0) slot = free.pop() as number;
    else if (slotsUsed < maxProfiles) {
      slot = slotsUsed++;
      ensureSlots(slotsUsed);
    } else {
      evict(tail);
      slot = free.pop() as number;
    }
    clearRecord(slot);
    lastAccess[slot] = Number.NEGATIVE_INFINITY;
    keys[slot] = userId;
    index.set(userId, slot);
    pushFront(slot);
    return slot;
  }

  function assertAlive(): void {
    if (disposed) throw new AnomalyError("DISPOSED", "this memory profile store was disposed; create a new one");
  }

  const store: MemoryProfileStore = {
    synchronous: true,
    get size() {
      return index.size;
    },
    capacity: maxProfiles,
    get evictions() {
      return evictions;
    },
    get allocatedBytes() {
      return blocks.length * BLOCK_RECORDS * PROFILE_RECORD_LENGTH * 8;
    },
    update(userId: string, now: number, mutate: ProfileMutator): void {
      assertAlive();
      let slot = index.get(userId);
      if (slot === undefined) {
        slot = allocate(userId);
      } else {
        if (now - (lastAccess[slot] as number) > idleTtlMs) clearRecord(slot);
        if (slot !== head) {
          unlink(slot);
          pushFront(slot);
        }
      }
      if (now > (lastAccess[slot] as number)) lastAccess[slot] = now;
      // Reclaim at most one idle profile from the cold end per update: O(1), and idle users do not pile up.
      if (tail !== NONE && tail !== slot && now - (lastAccess[tail] as number) > idleTtlMs) evict(tail);
      mutate(blocks[slot >>> BLOCK_SHIFT] as Float64Array, (slot & BLOCK_MASK) * PROFILE_RECORD_LENGTH);
    },
    read(userId: string, now: number): Float64Array | undefined {
      assertAlive();
      const slot = index.get(userId);
      if (slot === undefined || now - (lastAccess[slot] as number) > idleTtlMs) return undefined;
      const start = (slot & BLOCK_MASK) * PROFILE_RECORD_LENGTH;
      const record = (blocks[slot >>> BLOCK_SHIFT] as Float64Array).slice(start, start + PROFILE_RECORD_LENGTH);
      return record[0] === 0 ? undefined : record;
    },
    delete(userId: string): boolean {
      assertAlive();
      const slot = index.get(userId);
      if (slot === undefined) return false;
      evict(slot);
      evictions--; // an explicit delete is not an eviction
      return true;
    },
    evictIdle(now: number): number {
      assertAlive();
      let dropped = 0;
      while (tail !== NONE && now - (lastAccess[tail] as number) > idleTtlMs) {
        evict(tail);
        dropped++;
      }
      return dropped;
    },
    clear(): void {
      assertAlive();
      index.clear();
      keys = [];
      free = [];
      slotsUsed = 0;
      head = NONE;
      tail = NONE;
      blocks = [];
      lastAccess = new Float64Array(0);
      prev = new Int32Array(0);
      next = new Int32Array(0);
    },
    dispose(): void {
      if (disposed) return;
      store.clear();
      disposed = true;
    },
    [Symbol.dispose](): void {
      store.dispose();
    },
  };
  return store;
}
