/** Something that keeps per-key state in slots of a {@link KeyTable} and must forget a slot when its key goes. */
export interface SlotOwner {
  /** Forget everything stored for `slot`. */
  clearSlot(slot: number): void;
}

/** Why a key left the table. */
export type KeyRemoval = "evicted" | "expired";

const NONE = -1;
const INITIAL_CAPACITY = 256;
/** An insert that probes further than this re-seeds the hash and rebuilds the index (a defence against flooding). */
const MAX_PROBES = 48;

/** A random 32-bit seed: the key index's layout is unpredictable to whoever chooses the keys. */
function randomSeed(): number {
  return (Math.random() * 0x100000000) | 0;
}

/**
 * The index's 32-bit hash of a key: FNV-1a over pairs of UTF-16 code units (one 32-bit word per step, half the steps of
 * a unit at a time) from a per-table seed, the length mixed in, then the MurmurHash3 finaliser so every bit of the state
 * reaches the low bits the index uses.
 *
 * @param key - a group key
 * @param seed - the table's seed
 * @returns a signed 32-bit hash
 */
export function indexHash(key: string, seed: number): number {
  let h = seed;
  const n = key.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    h ^= key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16);
    h = Math.imul(h, 0x01000193);
  }
  if (i < n) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** The number of index buckets for a slot capacity: a power of two, at least twice the capacity (load ≤ 0.5). */
function bucketsFor(capacity: number): number {
  let n = 16;
  while (n < capacity * 2) n *= 2;
  return n;
}

/**
 * The group keys of one group-by, each in a numbered slot, in least-recently-used order.
 *
 * Patterns grouping by the same fields share one table, so a key costs one index entry however many patterns track
 * it. Slots are recycled; the LRU list lives in typed arrays (no object per key). Keys are found through an
 * open-addressing index in a typed array (pairs of hash and slot, linear probing, backward-shift deletion): unlike a
 * `Map` under constant insert/evict churn, it never rehashes into fresh memory or leaves deleted entries behind, and
 * a miss compares stored hashes instead of reading other keys' strings. When the table is full, inserting a
 * new key evicts the least recently used one; keys idle for longer than `horizonMs` (the longest window or suppression
 * of the patterns using the table) are expired from the LRU end as new keys arrive.
 */
export class KeyTable {
  /** The group-by this table serves, e.g. `"ipAddress"`. */
  readonly name: string;
  /** The most keys held at once. */
  readonly maxKeys: number;
  /** Keys idle for longer than this (event time) hold no live state and may be dropped. Never, unless set. */
  horizonMs: number = Number.POSITIVE_INFINITY;
  /** Keys evicted while still possibly holding live state (the cardinality defence at work). */
  evictions = 0;
  /** Keys dropped because they were idle past the horizon. */
  expirations = 0;
  /** Pairs `[hash, slot]` per bucket; slot -1 marks an empty bucket. */
  private index: Int32Array;
  private indexMask: number;
  /** Per slot, its key's index hash. */
  private hashes: Int32Array;
  private seed: number = randomSeed();
  private count = 0;
  private insertsSinceRebuild = 0;
  private keys: (string | undefined)[] = [];
  /**
   * Per-slot records in one buffer, `stride` 32-bit words each (a multiple of 8: 32 bytes, never across a cache line):
   * last-seen time (a float64 over words 0–1), previous and next slot of the LRU list (words 2, 3), then the owner bits
   * (word 4 on). Touching a key reads and writes one cache line instead of one per array.
   */
  private f64: Float64Array;
  private i32: Int32Array;
  private u32: Uint32Array;
  private stride = 8;
  private cap: number;
  private head = NONE;
  private tail = NONE;
  private freeSlots: number[] = [];
  private used = 0;
  private readonly owners: SlotOwner[] = [];
  /** Per slot, one bit per owner that stored state there, so freeing a slot calls only those owners. */
  private words = 0;
  // Several patterns of one table usually touch the same key for the same event: remember the last lookup.
  private lastKey: string | undefined;
  private lastSlot = NONE;

  /**
   * @param name - the group-by this table serves
   * @param maxKeys - the most keys held at once (≥ 1)
   */
  constructor(name: string, maxKeys: number) {
    this.name = name;
    this.maxKeys = maxKeys;
    const capacity = Math.min(INITIAL_CAPACITY, maxKeys);
    this.cap = capacity;
    const buffer = new ArrayBuffer(capacity * this.stride * 4);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.hashes = new Int32Array(capacity);
    const buckets = bucketsFor(capacity);
    this.index = new Int32Array(buckets * 2).fill(NONE);
    this.indexMask = buckets - 1;
  }

  /** How many slots the per-slot arrays hold now (grows up to `maxKeys`). */
  get capacity(): number {
    return this.cap;
  }

  /** How many keys are tracked. */
  get size(): number {
    return this.count;
  }

  /**
   * Registers a pattern that stores state in this table's slots. Attach every owner before the first key arrives.
   *
   * @param owner - the pattern runtime
   * @returns the owner's index, to pass to {@link KeyTable.touch} and {@link KeyTable.mark}
   */
  attach(owner: SlotOwner): number {
    if (this.used > 0) throw new Error("attach every owner before the first key");
    this.owners.push(owner);
    this.words = Math.ceil(this.owners.length / 32);
    this.stride = (4 + this.words + 7) & ~7;
    const buffer = new ArrayBuffer(this.cap * this.stride * 4);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u32 = new Uint32Array(buffer);
    return this.owners.length - 1;
  }

  /**
   * Records that an owner stores state in a slot (so it is told when the slot is freed).
   *
   * @param slot - a used slot
   * @param owner - the owner's index from {@link KeyTable.attach}
   */
  mark(slot: number, owner: number): void {
    const i = slot * this.stride + 4 + (owner >>> 5);
    this.u32[i] = (this.u32[i] as number) | (1 << (owner & 31));
  }

  /**
   * The slot of `key`, or -1 when it is not tracked. Does not change the LRU order.
   *
   * @param key - a group key
   * @returns the slot or -1
   */
  find(key: string): number {
    if (key === this.lastKey) return this.lastSlot;
    return this.lookup(key, this.hashKey(key));
  }

  /**
   * The slot of `key`, creating it when needed (evicting the least recently used key when full), and marks it as the
   * most recently used at event time `time`.
   *
   * @param key - a group key
   * @param time - the event time of the event touching it
   * @param owner - the index of the owner about to store state in the slot, or -1
   * @param restoring - true while restoring a snapshot: no expiry (the keys come in with their last-seen times)
   * @returns the slot
   */
  touch(key: string, time: number, owner = -1, restoring = false): number {
    if (key === this.lastKey) {
      this.refresh(this.lastSlot, time);
      if (owner >= 0) this.mark(this.lastSlot, owner);
      return this.lastSlot;
    }
    const h = this.hashKey(key);
    let slot = this.lookup(key, h);
    if (slot === NONE) {
      slot = this.insert(key, h, time, restoring);
    } else if (slot !== this.head) {
      this.unlink(slot);
      this.pushHead(slot);
    }
    // Out-of-order processing never happens (the correlator releases events in event-time order), but keep the max.
    const at = slot * (this.stride >>> 1);
    if (time > (this.f64[at] as number)) this.f64[at] = time;
    this.lastKey = key;
    this.lastSlot = slot;
    if (owner >= 0) this.mark(slot, owner);
    return slot;
  }

  /**
   * Marks a used slot as the most recently used at event time `time` (like {@link KeyTable.touch}, without the lookup).
   *
   * @param slot - a used slot
   * @param time - the event time
   */
  refresh(slot: number, time: number): void {
    if (slot !== this.head) {
      this.unlink(slot);
      this.pushHead(slot);
    }
    const at = slot * (this.stride >>> 1);
    if (time > (this.f64[at] as number)) this.f64[at] = time;
  }

  /**
   * Forgets a key and tells every owner to clear its slot.
   *
   * @param slot - a used slot
   * @param why - counted as an eviction or an expiration
   */
  remove(slot: number, why: KeyRemoval): void {
    const key = this.keys[slot];
    if (key === undefined) return;
    const words = this.words;
    for (let w = 0; w < words; w++) {
      const at = slot * this.stride + 4 + w;
      let bits = this.u32[at] as number;
      while (bits !== 0) {
        const low = bits & -bits;
        (this.owners[w * 32 + 31 - Math.clz32(low)] as SlotOwner).clearSlot(slot);
        bits ^= low;
      }
      this.u32[at] = 0;
    }
    this.unindex(slot);
    this.count--;
    // Compare slots, not strings: comparing two different keys of equal length would read the evicted key's text.
    if (this.lastSlot === slot) this.lastKey = undefined;
    this.keys[slot] = undefined;
    this.unlink(slot);
    this.freeSlots.push(slot);
    if (why === "evicted") this.evictions++;
    else this.expirations++;
  }

  /**
   * Drops keys idle since before `time - horizonMs`, from the LRU end.
   *
   * @param time - the current event time (watermark)
   * @param limit - the most keys to drop in this call
   * @returns how many keys were dropped
   */
  expire(time: number, limit: number = Number.POSITIVE_INFINITY): number {
    const cutoff = time - this.horizonMs;
    let dropped = 0;
    while (this.tail !== NONE && dropped < limit && (this.f64[this.tail * (this.stride >>> 1)] as number) < cutoff) {
      this.remove(this.tail, "expired");
      dropped++;
    }
    return dropped;
  }

  /**
   * The last event time a slot was touched.
   *
   * @param slot - a used slot
   * @returns event time in ms
   */
  lastSeenOf(slot: number): number {
    return this.f64[slot * (this.stride >>> 1)] as number;
  }

  /**
   * The key held by a slot.
   *
   * @param slot - a used slot
   * @returns the key or `undefined` for a free slot
   */
  keyOf(slot: number): string | undefined {
    return this.keys[slot];
  }

  /**
   * Every used slot from least to most recently used.
   *
   * @returns slots in LRU order
   */
  slotsInLruOrder(): number[] {
    const out: number[] = [];
    for (let slot = this.tail; slot !== NONE; slot = this.i32[slot * this.stride + 2] as number) out.push(slot);
    return out;
  }

  /**
   * The index hash of a key under this table's current seed. Tests override it with a poor hash to exercise collisions,
   * deletions inside long probe runs and re-seeding.
   *
   * @param key - a group key
   * @returns a signed 32-bit hash
   */
  protected hashKey(key: string): number {
    return indexHash(key, this.seed);
  }

  /** How many times the index was re-seeded because of a long probe run (for tests and diagnostics). */
  reseeds = 0;

  /** The slot of a key with index hash `h`, or -1. */
  private lookup(key: string, h: number): number {
    const index = this.index;
    const mask = this.indexMask;
    let p = h & mask;
    for (;;) {
      const slot = index[2 * p + 1] as number;
      if (slot === NONE) return NONE;
      if (index[2 * p] === h && this.keys[slot] === key) return slot;
      p = (p + 1) & mask;
    }
  }

  /** Adds a used slot to the index; returns how many buckets it probed. */
  private addToIndex(slot: number, h: number): number {
    const index = this.index;
    const mask = this.indexMask;
    let p = h & mask;
    let probes = 1;
    while ((index[2 * p + 1] as number) !== NONE) {
      p = (p + 1) & mask;
      probes++;
    }
    index[2 * p] = h;
    index[2 * p + 1] = slot;
    return probes;
  }

  /** Removes a slot from the index, shifting later entries of its probe run back so no lookup needs a tombstone. */
  private unindex(slot: number): void {
    const index = this.index;
    const mask = this.indexMask;
    let hole = (this.hashes[slot] as number) & mask;
    while ((index[2 * hole + 1] as number) !== slot) hole = (hole + 1) & mask;
    let q = hole;
    for (;;) {
      q = (q + 1) & mask;
      const s = index[2 * q + 1] as number;
      if (s === NONE) break;
      const home = (index[2 * q] as number) & mask;
      // The entry at q may move into the hole when the hole lies on its probe path (from its home up to q).
      if (((q - home) & mask) >= ((q - hole) & mask)) {
        index[2 * hole] = index[2 * q] as number;
        index[2 * hole + 1] = s;
        hole = q;
      }
    }
    index[2 * hole + 1] = NONE;
  }

  /** Rebuilds the index for `buckets` buckets; with `reseed`, under a new seed (every key hashed again). */
  private rebuild(buckets: number, reseed: boolean): void {
    if (reseed) {
      this.seed = randomSeed();
      this.reseeds++;
    }
    this.index = new Int32Array(buckets * 2).fill(NONE);
    this.indexMask = buckets - 1;
    for (let slot = 0; slot < this.used; slot++) {
      const key = this.keys[slot];
      if (key === undefined) continue;
      if (reseed) this.hashes[slot] = this.hashKey(key);
      this.addToIndex(slot, this.hashes[slot] as number);
    }
    this.insertsSinceRebuild = 0;
  }

  private insert(key: string, h: number, time: number, restoring: boolean): number {
    if (!restoring) this.expire(time, 2);
    if (this.count >= this.maxKeys && this.tail !== NONE) this.remove(this.tail, "evicted");
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.used === this.cap) this.grow();
      slot = this.used++;
    }
    this.keys[slot] = key;
    this.hashes[slot] = h;
    this.count++;
    this.insertsSinceRebuild++;
    // A long probe run means many keys share hash bits: unlikely by chance at load ≤ 0.5, so re-seed (at most once
    // per capacity's worth of inserts, which keeps the rebuilds' cost linear).
    if (this.addToIndex(slot, h) > MAX_PROBES && this.insertsSinceRebuild >= this.cap) {
      this.rebuild(this.indexMask + 1, true);
    }
    this.f64[slot * (this.stride >>> 1)] = time;
    this.pushHead(slot);
    return slot;
  }

  private grow(): void {
    const capacity = Math.min(this.maxKeys, this.cap * 2);
    const buffer = new ArrayBuffer(capacity * this.stride * 4);
    const i32 = new Int32Array(buffer);
    i32.set(this.i32);
    this.f64 = new Float64Array(buffer);
    this.i32 = i32;
    this.u32 = new Uint32Array(buffer);
    this.cap = capacity;
    const hashes = new Int32Array(capacity);
    hashes.set(this.hashes);
    this.hashes = hashes;
    if (bucketsFor(capacity) > this.indexMask + 1) this.rebuild(bucketsFor(capacity), false);
  }

  private unlink(slot: number): void {
    const i32 = this.i32;
    const stride = this.stride;
    const p = i32[slot * stride + 2] as number;
    const n = i32[slot * stride + 3] as number;
    if (p === NONE) this.head = n;
    else i32[p * stride + 3] = n;
    if (n === NONE) this.tail = p;
    else i32[n * stride + 2] = p;
  }

  private pushHead(slot: number): void {
    const i32 = this.i32;
    const stride = this.stride;
    i32[slot * stride + 2] = NONE;
    i32[slot * stride + 3] = this.head;
    if (this.head !== NONE) i32[this.head * stride + 2] = slot;
    this.head = slot;
    if (this.tail === NONE) this.tail = slot;
  }
}
