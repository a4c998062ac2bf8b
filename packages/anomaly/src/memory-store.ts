import { z } from "zod";
import { AnomalyError } from "./errors.js";
import { invalidOptions } from "./options.js";
import { PROFILE_RECORD_LENGTH } from "./profile-record.js";
import type { ProfileMutator, ProfileStore } from "./store.js";

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
  /**
   * Bytes of profile records allocated (512 per slot of the allocated blocks), excluding the key index and the 16
   * bytes of LRU bookkeeping the blocks hold in front of each record.
   */
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
/** Float64 slots of LRU bookkeeping in front of each record, and the distance between records in a block. */
const META = 2;
const STRIDE = META + PROFILE_RECORD_LENGTH;
/** Smallest key-table size (entries); it doubles while more than half full. */
const MIN_TABLE = 1024;

/**
 * Seeded 32-bit hash of a user id for the key table (a multiply-xorshift per UTF-16 unit, then a final mix). The seed
 * is random per store, so which ids collide is not fixed in advance (it is not a cryptographic keyed hash).
 */
function hashId(id: string, seed: number): number {
  let h = seed ^ id.length;
  for (let i = 0; i < id.length; i++) {
    h = Math.imul(h ^ id.charCodeAt(i), 0x9e3779b1);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/**
 * Create the in-memory LRU profile store (the detector's default).
 *
 * Work per update is O(1): one probe sequence in an open-addressing key table (typed arrays; on average about one
 * entry), a move to the front of an index-linked LRU list, and at most one idle profile reclaimed from the tail. Per
 * profile it holds the 512-byte record with 16 bytes of LRU bookkeeping (last access, previous, next) right in front of
 * it, 8 to 16 bytes of key table and a reference to the id string.
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
  const seed = (Math.random() * 0x1_0000_0000) | 0;

  // Key table: open addressing with linear probing, pairs [hash, slot + 1] (0 = empty) in one Int32Array, so a lookup
  // usually reads one cache line of it, then compares the id with `keys[slot]` (a pointer comparison when the caller
  // passes the same string). Deletion shifts later entries back (no tombstones).
  let table = new Int32Array(2 * MIN_TABLE);
  let tableMask = MIN_TABLE - 1;
  let count = 0;
  let blocks: Float64Array[] = [];
  let keys: (string | undefined)[] = [];
  // Each block holds 4,096 slots of STRIDE float64: 16 bytes of LRU bookkeeping (the last access as a float64, then
  // the previous (more recent) and next (less recent) slot as two int32 through an Int32Array view of the same
  // buffer), then the 512-byte record. An update finds both in one place instead of two distant arrays.
  let links: Int32Array[] = [];
  let slotsUsed = 0; // slots ever handed out (the high-water mark)
  let free: number[] = [];
  let head = NONE; // most recently used
  let tail = NONE; // least recently used
  let evictions = 0;
  let disposed = false;

  const base = (slot: number): number => (slot & BLOCK_MASK) * STRIDE;
  const lastAccess = (slot: number): number => (blocks[slot >>> BLOCK_SHIFT] as Float64Array)[base(slot)] as number;
  const setLastAccess = (slot: number, t: number): void => {
    (blocks[slot >>> BLOCK_SHIFT] as Float64Array)[base(slot)] = t;
  };
  const prevOf = (slot: number): number => (links[slot >>> BLOCK_SHIFT] as Int32Array)[2 * base(slot) + 2] as number;
  const nextOf = (slot: number): number => (links[slot >>> BLOCK_SHIFT] as Int32Array)[2 * base(slot) + 3] as number;
  const setPrev = (slot: number, p: number): void => {
    (links[slot >>> BLOCK_SHIFT] as Int32Array)[2 * base(slot) + 2] = p;
  };
  const setNext = (slot: number, n: number): void => {
    (links[slot >>> BLOCK_SHIFT] as Int32Array)[2 * base(slot) + 3] = n;
  };

  function find(userId: string): number {
    const h = hashId(userId, seed);
    const mask = tableMask;
    let i = h & mask;
    for (;;) {
      const entry = table[2 * i + 1] as number;
      if (entry === 0) return NONE;
      if (table[2 * i] === h && keys[entry - 1] === userId) return entry - 1;
      i = (i + 1) & mask;
    }
  }

  function place(h: number, slot: number): void {
    const mask = tableMask;
    let i = h & mask;
    while (table[2 * i + 1] !== 0) i = (i + 1) & mask;
    table[2 * i] = h;
    table[2 * i + 1] = slot + 1;
  }

  function insertKey(userId: string, slot: number): void {
    if (2 * (count + 1) > tableMask + 1) {
      // More than half full: double and re-place every entry (amortised O(1) per insert).
      const old = table;
      table = new Int32Array(old.length * 2);
      tableMask = old.length - 1;
      for (let i = 1; i < old.length; i += 2) if (old[i] !== 0) place(old[i - 1] as number, (old[i] as number) - 1);
    }
    place(hashId(userId, seed), slot);
    count++;
  }

  function removeKey(userId: string, slot: number): void {
    const mask = tableMask;
    let i = hashId(userId, seed) & mask;
    while (table[2 * i + 1] !== slot + 1) i = (i + 1) & mask;
    // Backward-shift deletion: move back every later entry of the run that may live at the freed position.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const entry = table[2 * j + 1] as number;
      if (entry === 0) break;
      const home = (table[2 * j] as number) & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        table[2 * i] = table[2 * j] as number;
        table[2 * i + 1] = entry;
        i = j;
      }
    }
    table[2 * i] = 0;
    table[2 * i + 1] = 0;
    count--;
  }

  function ensureSlots(slots: number): void {
    while (blocks.length * BLOCK_RECORDS < slots) {
      const block = new Float64Array(BLOCK_RECORDS * STRIDE);
      blocks.push(block);
      links.push(new Int32Array(block.buffer));
    }
  }

  function unlink(slot: number): void {
    const p = prevOf(slot);
    const n = nextOf(slot);
    if (p === NONE) head = n;
    else setNext(p, n);
    if (n === NONE) tail = p;
    else setPrev(n, p);
  }

  function pushFront(slot: number): void {
    setPrev(slot, NONE);
    setNext(slot, head);
    if (head !== NONE) setPrev(head, slot);
    head = slot;
    if (tail === NONE) tail = slot;
  }

  function clearRecord(slot: number): void {
    const start = base(slot) + META;
    (blocks[slot >>> BLOCK_SHIFT] as Float64Array).fill(0, start, start + PROFILE_RECORD_LENGTH);
  }

  function evict(slot: number): void {
    unlink(slot);
    const key = keys[slot];
    if (key !== undefined) removeKey(key, slot);
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
    setLastAccess(slot, Number.NEGATIVE_INFINITY);
    keys[slot] = userId;
    insertKey(userId, slot);
    pushFront(slot);
    return slot;
  }

  function assertAlive(): void {
    if (disposed) throw new AnomalyError("DISPOSED", "this memory profile store was disposed; create a new one");
  }

  const store: MemoryProfileStore = {
    synchronous: true,
    get size() {
      return count;
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
      let slot = find(userId);
      if (slot === NONE) {
        slot = allocate(userId);
      } else {
        if (now - lastAccess(slot) > idleTtlMs) clearRecord(slot);
        if (slot !== head) {
          unlink(slot);
          pushFront(slot);
        }
      }
      if (now > lastAccess(slot)) setLastAccess(slot, now);
      // Reclaim at most one idle profile from the cold end per update: O(1), and idle users do not pile up.
      if (tail !== NONE && tail !== slot && now - lastAccess(tail) > idleTtlMs) evict(tail);
      mutate(blocks[slot >>> BLOCK_SHIFT] as Float64Array, base(slot) + META);
    },
    read(userId: string, now: number): Float64Array | undefined {
      assertAlive();
      const slot = find(userId);
      if (slot === NONE || now - lastAccess(slot) > idleTtlMs) return undefined;
      const start = base(slot) + META;
      const record = (blocks[slot >>> BLOCK_SHIFT] as Float64Array).slice(start, start + PROFILE_RECORD_LENGTH);
      return record[0] === 0 ? undefined : record;
    },
    delete(userId: string): boolean {
      assertAlive();
      const slot = find(userId);
      if (slot === NONE) return false;
      evict(slot);
      evictions--; // an explicit delete is not an eviction
      return true;
    },
    evictIdle(now: number): number {
      assertAlive();
      let dropped = 0;
      while (tail !== NONE && now - lastAccess(tail) > idleTtlMs) {
        evict(tail);
        dropped++;
      }
      return dropped;
    },
    clear(): void {
      assertAlive();
      table = new Int32Array(2 * MIN_TABLE);
      tableMask = MIN_TABLE - 1;
      count = 0;
      keys = [];
      free = [];
      slotsUsed = 0;
      head = NONE;
      tail = NONE;
      blocks = [];
      links = [];
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
