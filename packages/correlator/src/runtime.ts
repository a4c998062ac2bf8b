import type { SecurityEvent } from "./event.js";
import { compileAccessor, compileFilter, type EventFilter, filterTypes, keyText, type Predicate } from "./filter.js";
import { boundKey, fnv1a32, MAX_KEY_LENGTH } from "./hash.js";
import type { KeyTable, SlotOwner } from "./key-table.js";
import type { PatternOutput } from "./patterns.js";
import type { MatchReport, ThreatPatternInfo, ThreatRecord } from "./threats.js";

/** Reads a group key (or a distinct value) from an event; `undefined` when the event lacks it. */
export type KeyReader = (event: SecurityEvent) => string | undefined;

const SEPARATOR = "\u001f";

/**
 * Compiles the reader of a group key.
 *
 * @param groupBy - field paths (or alias names)
 * @param aliases - alias name → path, for events taken by one filter
 * @returns the key reader
 */
export function compileKeyReader(groupBy: readonly string[], aliases?: Readonly<Record<string, string>>): KeyReader {
  const readers = groupBy.map((name) => compileAccessor(aliases?.[name] ?? name));
  if (readers.length === 0) return () => "";
  if (readers.length === 1) {
    const read = readers[0] as (e: SecurityEvent) => unknown;
    return (e) => {
      const v = read(e);
      if (typeof v === "string") return v.length > MAX_KEY_LENGTH ? boundKey(v) : v;
      const text = keyText(v);
      return text === undefined || text.length <= MAX_KEY_LENGTH ? text : boundKey(text);
    };
  }
  return (e) => {
    let key = "";
    for (let i = 0; i < readers.length; i++) {
      const text = keyText((readers[i] as (e: SecurityEvent) => unknown)(e));
      if (text === undefined) return undefined;
      key = i === 0 ? text : key + SEPARATOR + text;
    }
    return key.length > MAX_KEY_LENGTH ? boundKey(key) : key;
  };
}

/**
 * A copy of a per-slot array at a new length, the new entries `undefined` (no holes: the array stays a fast array).
 *
 * @param array - the current array
 * @param capacity - the new length
 * @returns the grown array (the same one when it is long enough)
 */
function grown<T>(array: (T | undefined)[], capacity: number): (T | undefined)[] {
  if (array.length >= capacity) return array;
  const copy = new Array<T | undefined>(capacity).fill(undefined);
  for (let i = 0; i < array.length; i++) copy[i] = array[i];
  return copy;
}

/** One filter of a pattern, compiled, with the readers that apply to events it takes. */
export interface CompiledInput {
  match: Predicate;
  key: KeyReader;
  /** One reader per group-by name (aliases applied), to copy the group fields into derived events. */
  fields: ((event: SecurityEvent) => unknown)[];
  value: KeyReader | undefined;
  types: Set<string> | undefined;
  /** The filter constrains the event type only: for an event of one of `types`, `match` is known to be true. */
  typeOnly: boolean;
}

/**
 * What is known about each input of a pattern for events of one type, computed once per type: 1 = the input takes the
 * event (a type-only filter listing the type), 0 = it cannot (the type is not among the filter's types), -1 = ask its
 * predicate. `undefined` everywhere means "ask every predicate" (the general path).
 */
export type Verdicts = Int8Array | undefined;

/**
 * The verdicts of a pattern's inputs for events of type `type`.
 *
 * @param inputs - the pattern's compiled inputs
 * @param type - an event type
 * @returns one verdict per input
 */
export function verdictsFor(inputs: readonly CompiledInput[], type: string): Int8Array {
  const verdicts = new Int8Array(inputs.length);
  inputs.forEach((input, i) => {
    if (input.types === undefined) verdicts[i] = -1;
    else if (!input.types.has(type)) verdicts[i] = 0;
    else verdicts[i] = input.typeOnly ? 1 : -1;
  });
  return verdicts;
}

/**
 * Whether an input takes an event, using a precomputed verdict when there is one.
 *
 * @param input - the input
 * @param event - the event
 * @param verdicts - the verdicts for the event's type, or `undefined`
 * @param i - the input's index
 * @returns true when the input takes the event
 */
function takes(input: CompiledInput, event: SecurityEvent, verdicts: Verdicts, i: number): boolean {
  if (verdicts === undefined) return input.match(event);
  const v = verdicts[i] as number;
  return v === 1 || (v < 0 && input.match(event));
}

/** An active suppression: the open threat further matches of this key merge into, until `until`. */
export interface Suppression {
  threat: ThreatRecord;
  until: number;
}

/** Where runtimes hand their matches. */
export interface MatchSink {
  /**
   * A pattern matched for a key. Called after the runtime updated its own state.
   *
   * @param runtime - the pattern
   * @param slot - the key's slot
   * @param key - the group key
   * @param match - the match
   */
  report(runtime: PatternRuntime, slot: number, key: string, match: MatchReport): void;
}

/** Encodes events as numbers in a snapshot (and back). */
export interface EventCodec {
  ref(event: SecurityEvent): number;
  deref(index: number): SecurityEvent;
}

/** The pattern facts every runtime needs, after defaults were applied. */
export interface RuntimeSpec {
  info: ThreatPatternInfo;
  kind: "threshold" | "distinct" | "sequence";
  windowMs: number;
  suppressMs: number;
  output: PatternOutput;
  fingerprint: string;
  inputs: CompiledInput[];
  until: EventFilter | undefined;
  groupBy: readonly string[];
}

/** Caps shared by every runtime. */
export interface RuntimeLimits {
  maxEvidence: number;
  maxPartials: number;
  /**
   * `true` (always, outside tests): take the fast paths. `false`: take the general path each fast path replaces, so a
   * property test can run one event stream through both and compare every threat and all state.
   */
  fastPaths: boolean;
}

/**
 * The state machine of one pattern. Per-key state lives in `cells[slot]` of the shared {@link KeyTable}: `undefined`,
 * a bare event (the common "one event so far" case, which costs no allocation), or a kind-specific state object.
 */
export abstract class PatternRuntime implements SlotOwner {
  /** Per-slot state. */
  protected cells: unknown[] = [];
  /**
   * Per-slot suppression (read-only outside: write with {@link PatternRuntime.setSuppression}). Suppressions are rare,
   * so this array grows only when one is set; reading past its end gives `undefined`.
   */
  suppress: (Suppression | undefined)[] = [];
  /** Partial matches (or key states) discarded by `until`, expiry or the per-key cap. */
  discarded = 0;
  /** This pattern's owner index in its key table. */
  readonly owner: number;
  private readonly untilMatch: Predicate | undefined;
  private readonly untilKey: KeyReader | undefined;

  constructor(
    readonly spec: RuntimeSpec,
    readonly table: KeyTable,
    protected readonly sink: MatchSink,
    protected readonly limits: RuntimeLimits,
  ) {
    this.owner = table.attach(this);
    if (spec.until !== undefined) {
      this.untilMatch = compileFilter(spec.until);
      this.untilKey = compileKeyReader(spec.groupBy, spec.until.aliases);
    }
  }

  /**
   * The event types this pattern listens to; `undefined` means every type.
   *
   * @returns the types
   */
  indexTypes(): Set<string> | undefined {
    const all = new Set<string>();
    const sets = this.spec.inputs.map((i) => i.types);
    if (this.spec.until !== undefined) sets.push(filterTypes(this.spec.until));
    for (const set of sets) {
      if (set === undefined) return undefined;
      for (const t of set) all.add(t);
    }
    return all;
  }

  /**
   * Feeds one event (in event-time order).
   *
   * @param event - the event
   * @param verdicts - what is known about the inputs for the event's type (see {@link verdictsFor}), or `undefined`
   */
  process(event: SecurityEvent, verdicts?: Verdicts): void {
    if (this.untilMatch?.(event)) this.applyUntil(event);
    this.step(event, verdicts);
  }

  /** Kind-specific processing. */
  protected abstract step(event: SecurityEvent, verdicts: Verdicts): void;

  /**
   * The slot of `key` (see {@link KeyTable.touch}), with `cells` long enough to hold it. A pattern's cells grow to the
   * table's capacity the first time it stores state past their end: patterns that never store anything in a big
   * table cost nothing, and reads past the end give `undefined` like an empty cell.
   *
   * @param key - the group key
   * @param t - the event time
   * @returns the slot
   */
  protected touchSlot(key: string, t: number): number {
    const slot = this.table.touch(key, t, this.owner);
    if (slot >= this.cells.length) this.growCells(this.table.capacity);
    return slot;
  }

  /**
   * Makes the per-slot arrays hold at least `capacity` slots (filled, without holes, so they stay fast arrays; a
   * plain array written far past its end would turn into a slow dictionary).
   *
   * @param capacity - the table's slot capacity
   */
  protected growCells(capacity: number): void {
    this.cells = grown(this.cells, capacity);
  }

  /** @param slot - a slot about to be restored from a snapshot */
  protected ensureCell(slot: number): void {
    if (slot >= this.cells.length) this.growCells(this.table.capacity);
  }

  /**
   * Sets or clears the suppression of a slot.
   *
   * @param slot - a used slot
   * @param suppression - the suppression, or `undefined`
   */
  setSuppression(slot: number, suppression: Suppression | undefined): void {
    if (slot >= this.suppress.length) {
      if (suppression === undefined) return;
      this.suppress = grown(this.suppress, this.table.capacity);
    }
    this.suppress[slot] = suppression;
  }

  /** @param slot - a slot being freed */
  clearSlot(slot: number): void {
    if (this.cells[slot] !== undefined) this.cells[slot] = undefined;
    if (this.suppress[slot] !== undefined) this.suppress[slot] = undefined;
  }

  /**
   * Whether a slot holds state of this pattern.
   *
   * @param slot - a slot
   * @returns true when there is state
   */
  hasState(slot: number): boolean {
    return this.cells[slot] !== undefined || this.suppress[slot] !== undefined;
  }

  /**
   * Encodes a slot's state for a snapshot.
   *
   * @param slot - a used slot
   * @param codec - event references
   * @returns JSON-ready data or `undefined` when empty
   */
  abstract encode(slot: number, codec: EventCodec): unknown;

  /**
   * Restores a slot's state from a snapshot.
   *
   * @param slot - a fresh slot
   * @param data - what {@link PatternRuntime.encode} produced
   * @param codec - event references
   */
  abstract decode(slot: number, data: unknown, codec: EventCodec): void;

  private applyUntil(event: SecurityEvent): void {
    const key = (this.untilKey as KeyReader)(event);
    if (key === undefined) return;
    const slot = this.table.find(key);
    if (slot >= 0 && this.cells[slot] !== undefined) {
      this.cells[slot] = undefined;
      this.discarded++;
    }
  }

  /**
   * The first input that takes the event.
   *
   * @param event - an event
   * @param verdicts - what is known about the inputs for the event's type, or `undefined`
   * @returns the input or `undefined`
   */
  protected pick(event: SecurityEvent, verdicts?: Verdicts): CompiledInput | undefined {
    const inputs = this.spec.inputs;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i] as CompiledInput;
      if (takes(input, event, verdicts, i)) return input;
    }
    return undefined;
  }
}

class ThresholdState {
  constructor(
    readonly times: number[],
    readonly events: SecurityEvent[],
  ) {}
}

/** A pattern that fires at a count: threshold and distinct-value patterns. */
export abstract class CountingRuntime extends PatternRuntime {
  constructor(
    spec: RuntimeSpec,
    table: KeyTable,
    sink: MatchSink,
    limits: RuntimeLimits,
    readonly threshold: number,
  ) {
    super(spec, table, sink, limits);
  }
}

/** N events per key within a sliding window. A match consumes its events. */
export class ThresholdRuntime extends CountingRuntime {
  protected step(event: SecurityEvent, verdicts: Verdicts): void {
    const input = this.pick(event, verdicts);
    if (input === undefined) return;
    const key = input.key(event);
    if (key === undefined) return;
    const t = event.timestamp;
    const slot = this.touchSlot(key, t);
    const n = this.threshold;
    if (n === 1) {
      this.fire(slot, key, [t], [event]);
      return;
    }
    const cell = this.cells[slot];
    const cutoff = t - this.spec.windowMs;
    if (cell === undefined) {
      this.cells[slot] = event;
      return;
    }
    let state: ThresholdState;
    if (!(cell instanceof ThresholdState)) {
      const first = cell as SecurityEvent;
      if (first.timestamp < cutoff) {
        this.cells[slot] = event;
        return;
      }
      state = new ThresholdState([first.timestamp], [first]);
      this.cells[slot] = state;
    } else {
      state = cell;
      const { times, events } = state;
      while (times.length > 0 && (times[0] as number) < cutoff) times.shift();
      while (events.length > 0 && (events[0] as SecurityEvent).timestamp < cutoff) events.shift();
    }
    state.times.push(t);
    state.events.push(event);
    if (state.events.length > this.limits.maxEvidence) state.events.shift();
    if (state.times.length >= n) {
      this.cells[slot] = undefined;
      this.fire(slot, key, state.times, state.events);
    }
  }

  private fire(slot: number, key: string, times: number[], events: SecurityEvent[]): void {
    this.sink.report(this, slot, key, {
      events,
      eventCount: times.length,
      matched: times.length,
      required: this.threshold,
      start: times[0] as number,
      end: times[times.length - 1] as number,
    });
  }

  encode(slot: number, codec: EventCodec): unknown {
    const cell = this.cells[slot];
    if (cell === undefined) return undefined;
    if (cell instanceof ThresholdState) return { times: [...cell.times], events: cell.events.map(codec.ref) };
    const event = cell as SecurityEvent;
    return { times: [event.timestamp], events: [codec.ref(event)] };
  }

  decode(slot: number, data: unknown, codec: EventCodec): void {
    this.ensureCell(slot);
    const { times, events } = data as { times: number[]; events: number[] };
    const decoded = events.map(codec.deref);
    if (times.length === 1 && decoded.length === 1) this.cells[slot] = decoded[0];
    else this.cells[slot] = new ThresholdState([...times], decoded);
  }
}

/**
 * The distinct values of one key when there may be up to a few dozen (thresholds up to {@link SMALL_DISTINCT}): one flat
 * array of `[hash, value, event]` triples, oldest last-seen first, stored directly in the pattern's cell. No Map and no
 * wrapper object: a step reaches its values with one hop. Looking a value up compares the stored 32-bit hashes first
 * and reads only the stored strings whose hash is equal (the strings are scattered in memory; comparing against each
 * of them would cost a cache miss).
 */
type SmallDistinct = (number | string | SecurityEvent)[];

/** A small state holding two different values, `a` seen before `b` (allocated at that size). */
function smallPair(a: string, ea: SecurityEvent, b: string, eb: SecurityEvent): SmallDistinct {
  return [fnv1a32(a) | 0, a, ea, fnv1a32(b) | 0, b, eb];
}

/** Drops values last seen before `cutoff`; returns the oldest remaining last-seen time (`Infinity` when empty). */
function smallExpire(items: SmallDistinct, cutoff: number): number {
  let n = 0;
  while (n < items.length && (items[n + 2] as SecurityEvent).timestamp < cutoff) n += 3;
  if (n > 0) {
    // copyWithin + length: unlike splice, no array of removed items is allocated
    items.copyWithin(0, n);
    items.length -= n;
  }
  return items.length > 0 ? (items[2] as SecurityEvent).timestamp : Number.POSITIVE_INFINITY;
}

/**
 * Adds a value or refreshes it (moved last, with its latest event).
 *
 * @param items - the state
 * @param value - the value
 * @param event - its event
 * @param hashed - `false`: compare every stored string (the general path the hashed lookup must equal)
 */
function smallPut(items: SmallDistinct, value: string, event: SecurityEvent, hashed: boolean): void {
  const n = items.length;
  const h = fnv1a32(value) | 0;
  let i = 0;
  if (hashed) while (i < n && (items[i] !== h || items[i + 1] !== value)) i += 3;
  else while (i < n && items[i + 1] !== value) i += 3;
  if (i === n) {
    items.push(h, value, event);
    return;
  }
  items.copyWithin(i, i + 3);
  items[n - 3] = h;
  items[n - 2] = value;
  items[n - 1] = event;
}

/** Values and their latest events, oldest first. */
function smallEntries(items: SmallDistinct): { values: string[]; events: SecurityEvent[] } {
  const values: string[] = [];
  const events: SecurityEvent[] = [];
  for (let i = 0; i < items.length; i += 3) {
    values.push(items[i + 1] as string);
    events.push(items[i + 2] as SecurityEvent);
  }
  return { values, events };
}

/** Many values: a Map in last-seen order (a refreshed value is re-inserted at the end). */
class LargeDistinct {
  private readonly map = new Map<string, SecurityEvent>();
  get size(): number {
    return this.map.size;
  }
  /** Drops values last seen before `cutoff`; returns the oldest remaining last-seen time (`Infinity` when empty). */
  expire(cutoff: number): number {
    for (const [v, e] of this.map) {
      if (e.timestamp >= cutoff) return e.timestamp;
      this.map.delete(v);
    }
    return Number.POSITIVE_INFINITY;
  }
  /** Adds or refreshes a value with its latest event. */
  put(value: string, event: SecurityEvent): void {
    this.map.delete(value);
    this.map.set(value, event);
  }
  /** Values and their latest events, oldest first. */
  entries(): { values: string[]; events: SecurityEvent[] } {
    return { values: [...this.map.keys()], events: [...this.map.values()] };
  }
}

/** Thresholds up to this keep their values in a {@link SmallDistinct} array. */
const SMALL_DISTINCT = 32;

/**
 * N distinct values of a field per key within a sliding window. A match consumes its values. A cell holds nothing, the
 * key's only event so far (no allocation), a {@link SmallDistinct} array or a {@link LargeDistinct}.
 */
export class DistinctRuntime extends CountingRuntime {
  /**
   * Per slot, a lower bound of the oldest last-seen time in the key's state: while it is inside the window nothing can
   * expire, so the common step skips the expiry scan (which reads old events scattered in memory).
   */
  private oldest: Float64Array = new Float64Array(0);

  protected override growCells(capacity: number): void {
    super.growCells(capacity);
    if (this.oldest.length >= capacity) return;
    const oldest = new Float64Array(capacity).fill(Number.NEGATIVE_INFINITY);
    oldest.set(this.oldest);
    this.oldest = oldest;
  }

  private distinctValue(event: SecurityEvent): string | undefined {
    const input = this.pick(event);
    return input === undefined ? undefined : (input.value as KeyReader)(event);
  }

  protected step(event: SecurityEvent, verdicts: Verdicts): void {
    const input = this.pick(event, verdicts);
    if (input === undefined) return;
    const value = (input.value as KeyReader)(event);
    if (value === undefined) return;
    const key = input.key(event);
    if (key === undefined) return;
    const t = event.timestamp;
    const slot = this.touchSlot(key, t);
    if (this.threshold === 1) {
      this.fire(slot, key, { values: [value], events: [event] }, t);
      return;
    }
    const cell = this.cells[slot];
    if (cell === undefined) {
      this.cells[slot] = event;
      return;
    }
    const cutoff = t - this.spec.windowMs;
    const fast = this.limits.fastPaths;
    let size: number;
    if (Array.isArray(cell)) {
      const items = cell as SmallDistinct;
      // Skipping the scan when the lower bound is inside the window is the same as scanning: nothing is older.
      if (!fast || (this.oldest[slot] as number) < cutoff) {
        const oldest = smallExpire(items, cutoff);
        this.oldest[slot] = oldest < t ? oldest : t;
      }
      smallPut(items, value, event, fast);
      size = items.length / 3;
    } else if (cell instanceof LargeDistinct) {
      if (!fast || (this.oldest[slot] as number) < cutoff) {
        const oldest = cell.expire(cutoff);
        this.oldest[slot] = oldest < t ? oldest : t;
      }
      cell.put(value, event);
      size = cell.size;
    } else {
      const first = cell as SecurityEvent;
      const firstValue = this.distinctValue(first);
      if (first.timestamp < cutoff || firstValue === value || firstValue === undefined) {
        this.cells[slot] = event;
        return;
      }
      if (this.threshold <= SMALL_DISTINCT) {
        this.cells[slot] = smallPair(firstValue, first, value, event);
      } else {
        const large = new LargeDistinct();
        large.put(firstValue, first);
        large.put(value, event);
        this.cells[slot] = large;
      }
      this.oldest[slot] = first.timestamp;
      size = 2;
    }
    if (size >= this.threshold) {
      const state = this.cells[slot] as SmallDistinct | LargeDistinct;
      this.cells[slot] = undefined;
      this.fire(slot, key, Array.isArray(state) ? smallEntries(state) : state.entries(), t);
    }
  }

  private fire(slot: number, key: string, entries: { values: string[]; events: SecurityEvent[] }, end: number): void {
    const { values, events } = entries;
    const start = (events[0] as SecurityEvent).timestamp;
    const keep = Math.max(0, events.length - this.limits.maxEvidence);
    this.sink.report(this, slot, key, {
      events: keep > 0 ? events.slice(keep) : events,
      values: keep > 0 ? values.slice(keep) : values,
      eventCount: events.length,
      matched: values.length,
      required: this.threshold,
      start,
      end,
    });
  }

  encode(slot: number, codec: EventCodec): unknown {
    const cell = this.cells[slot];
    if (cell === undefined) return undefined;
    if (Array.isArray(cell) || cell instanceof LargeDistinct) {
      const { values, events } = Array.isArray(cell) ? smallEntries(cell as SmallDistinct) : cell.entries();
      return { values: values.map((v, i) => [v, codec.ref(events[i] as SecurityEvent)]) };
    }
    const event = cell as SecurityEvent;
    return { values: [[this.distinctValue(event) ?? "", codec.ref(event)]] };
  }

  decode(slot: number, data: unknown, codec: EventCodec): void {
    this.ensureCell(slot);
    const { values } = data as { values: [string, number][] };
    if (values.length === 1) {
      this.cells[slot] = codec.deref((values[0] as [string, number])[1]);
      return;
    }
    if (this.threshold <= SMALL_DISTINCT) {
      const items: SmallDistinct = [];
      for (const [v, i] of values) smallPut(items, v, codec.deref(i), this.limits.fastPaths);
      this.cells[slot] = items;
    } else {
      const large = new LargeDistinct();
      for (const [v, i] of values) large.put(v, codec.deref(i));
      this.cells[slot] = large;
    }
    this.oldest[slot] = Number.NEGATIVE_INFINITY;
  }
}

/** A partial match of an ordered sequence: the events of steps 0..k-1, waiting for step k. */
class Partial {
  constructor(
    public start: number,
    public last: number,
    readonly events: SecurityEvent[],
  ) {}
}

class SequenceState {
  /** `waiting[k]`: the partial match that fulfilled steps 0..k-1 (only the most recent one per k is kept). */
  readonly waiting: (Partial | undefined)[];
  constructor(steps: number) {
    this.waiting = new Array<Partial | undefined>(steps).fill(undefined);
  }
}

/**
 * Ordered sequences. Per key, at most one partial match waits at each step: the newest one. It dominates any older
 * partial at the same step (it started no earlier and its last event is later, so every completion of the older one
 * is also a completion of the newer one within the span and the gaps), which bounds partial matches by the number of
 * steps without losing a detection. A completed match consumes the key's partial matches (one burst, one match).
 */
export class SequenceRuntime extends PatternRuntime {
  private readonly gaps: number[];
  private readonly stepNames: string[];

  constructor(
    spec: RuntimeSpec,
    table: KeyTable,
    sink: MatchSink,
    limits: RuntimeLimits,
    gaps: number[],
    names: string[],
  ) {
    super(spec, table, sink, limits);
    this.gaps = gaps;
    this.stepNames = names;
  }

  protected step(event: SecurityEvent, verdicts: Verdicts): void {
    const inputs = this.spec.inputs;
    const n = inputs.length;
    const t = event.timestamp;
    let consumedKey: string | undefined;
    for (let i = n - 1; i >= 0; i--) {
      const input = inputs[i] as CompiledInput;
      if (!takes(input, event, verdicts, i)) continue;
      const key = input.key(event);
      if (key === undefined || key === consumedKey) continue;
      if (i === 0) {
        if (this.start(event, key, t)) consumedKey = key;
      } else if (this.advance(event, key, i, t)) {
        consumedKey = key;
      }
    }
  }

  /** Step 0: a new partial match (or an immediate match for a one-step sequence). Returns true when it matched. */
  private start(event: SecurityEvent, key: string, t: number): boolean {
    const slot = this.touchSlot(key, t);
    const n = this.spec.inputs.length;
    if (n === 1) {
      this.cells[slot] = undefined;
      this.complete(slot, key, new Partial(t, t, [event]));
      return true;
    }
    const cell = this.cells[slot];
    if (cell === undefined || !(cell instanceof SequenceState)) {
      this.cells[slot] = event;
      return false;
    }
    cell.waiting[1] = new Partial(t, t, [event]);
    this.capPartials(cell);
    return false;
  }

  /**
   * Step i > 0: extend the partial waiting for it. The partial also stays where it is (a later event of the same step
   * may extend it with a more recent last event), and the extension replaces the partial waiting at i + 1, which it
   * dominates. Returns true when the sequence completed.
   */
  private advance(event: SecurityEvent, key: string, i: number, t: number): boolean {
    const slot = this.table.find(key);
    if (slot < 0) return false;
    const cell = this.cells[slot];
    if (cell === undefined) return false;
    let state: SequenceState;
    let partial: Partial | undefined;
    if (!(cell instanceof SequenceState)) {
      if (i !== 1) return false;
      const first = cell as SecurityEvent;
      partial = new Partial(first.timestamp, first.timestamp, [first]);
      state = new SequenceState(this.spec.inputs.length);
      state.waiting[1] = partial;
      this.cells[slot] = state;
    } else {
      state = cell;
      partial = state.waiting[i];
      if (partial === undefined) return false;
    }
    this.table.refresh(slot, t);
    if (t - partial.start > this.spec.windowMs) {
      // Past the span: this partial can never complete (time only moves forward).
      state.waiting[i] = undefined;
      this.discarded++;
      this.collapse(slot, state);
      return false;
    }
    if (t - partial.last > (this.gaps[i] as number)) return false;
    const extended = new Partial(partial.start, t, [...partial.events, event]);
    if (i === this.spec.inputs.length - 1) {
      this.cells[slot] = undefined;
      this.complete(slot, key, extended);
      return true;
    }
    state.waiting[i + 1] = extended;
    this.capPartials(state);
    return false;
  }

  private collapse(slot: number, state: SequenceState): void {
    if (state.waiting.every((p) => p === undefined)) this.cells[slot] = undefined;
  }

  private capPartials(state: SequenceState): void {
    let count = 0;
    const waiting = state.waiting;
    for (let k = 0; k < waiting.length; k++) if (waiting[k] !== undefined) count++;
    while (count > this.limits.maxPartials) {
      let oldest = -1;
      for (let k = 0; k < state.waiting.length; k++) {
        const p = state.waiting[k];
        if (p !== undefined && (oldest < 0 || p.start < (state.waiting[oldest] as Partial).start)) oldest = k;
      }
      state.waiting[oldest] = undefined;
      this.discarded++;
      count--;
    }
  }

  private complete(slot: number, key: string, partial: Partial): void {
    const n = this.spec.inputs.length;
    this.sink.report(this, slot, key, {
      events: partial.events,
      steps: this.stepNames.slice(0, partial.events.length),
      eventCount: partial.events.length,
      matched: n,
      required: n,
      start: partial.start,
      end: partial.last,
    });
  }

  encode(slot: number, codec: EventCodec): unknown {
    const cell = this.cells[slot];
    if (cell === undefined) return undefined;
    if (!(cell instanceof SequenceState)) {
      const e = cell as SecurityEvent;
      return { partials: [{ waiting: 1, start: e.timestamp, last: e.timestamp, events: [codec.ref(e)] }] };
    }
    const partials: unknown[] = [];
    cell.waiting.forEach((p, waiting) => {
      if (p !== undefined) partials.push({ waiting, start: p.start, last: p.last, events: p.events.map(codec.ref) });
    });
    return { partials };
  }

  decode(slot: number, data: unknown, codec: EventCodec): void {
    this.ensureCell(slot);
    const { partials } = data as { partials: { waiting: number; start: number; last: number; events: number[] }[] };
    const state = new SequenceState(this.spec.inputs.length);
    for (const p of partials) {
      if (p.waiting < 1 || p.waiting >= this.spec.inputs.length || p.events.length !== p.waiting)
        throw new Error(`a partial match waiting at step ${p.waiting} must hold ${p.waiting} events`);
      state.waiting[p.waiting] = new Partial(p.start, p.last, p.events.map(codec.deref));
    }
    this.cells[slot] = state;
  }
}

class UnorderedState {
  readonly last: (SecurityEvent | undefined)[];
  constructor(steps: number) {
    this.last = new Array<SecurityEvent | undefined>(steps).fill(undefined);
  }
}

/**
 * Unordered sequences (Sigma `temporal`): per key, the latest event of each step; a match when at least `minSteps`
 * steps have an event within the window. One event may fulfil several steps if it matches their filters.
 */
export class UnorderedRuntime extends PatternRuntime {
  constructor(
    spec: RuntimeSpec,
    table: KeyTable,
    sink: MatchSink,
    limits: RuntimeLimits,
    readonly minSteps: number,
    private readonly stepNames: string[],
  ) {
    super(spec, table, sink, limits);
  }

  protected step(event: SecurityEvent, verdicts: Verdicts): void {
    const inputs = this.spec.inputs;
    const t = event.timestamp;
    let touched: UnorderedState | undefined;
    let touchedKey: string | undefined;
    let touchedSlot = -1;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i] as CompiledInput;
      if (!takes(input, event, verdicts, i)) continue;
      const key = input.key(event);
      if (key === undefined) continue;
      // Finish with the previous key before touching another one: touching may evict the previous key's slot.
      if (touched !== undefined && key !== touchedKey) {
        this.check(touchedSlot, touchedKey as string, touched, t);
        touched = undefined;
      }
      const slot = this.touchSlot(key, t);
      let state = this.cells[slot] as UnorderedState | undefined;
      if (state === undefined) {
        state = new UnorderedState(inputs.length);
        this.cells[slot] = state;
      }
      state.last[i] = event;
      touched = state;
      touchedKey = key;
      touchedSlot = slot;
    }
    if (touched !== undefined) this.check(touchedSlot, touchedKey as string, touched, t);
  }

  private check(slot: number, key: string, state: UnorderedState, t: number): void {
    const cutoff = t - this.spec.windowMs;
    let live = 0;
    for (let i = 0; i < state.last.length; i++) {
      const e = state.last[i];
      if (e === undefined) continue;
      if (e.timestamp < cutoff) state.last[i] = undefined;
      else live++;
    }
    if (live === 0) {
      this.cells[slot] = undefined;
      return;
    }
    if (live < this.minSteps) return;
    const order = state.last
      .map((e, i) => ({ e, i }))
      .filter((x): x is { e: SecurityEvent; i: number } => x.e !== undefined)
      .sort((a, b) => a.e.timestamp - b.e.timestamp || a.i - b.i);
    this.cells[slot] = undefined;
    this.sink.report(this, slot, key, {
      events: order.map((x) => x.e),
      steps: order.map((x) => this.stepNames[x.i] as string),
      eventCount: order.length,
      matched: live,
      required: this.minSteps,
      start: (order[0] as { e: SecurityEvent }).e.timestamp,
      end: t,
    });
  }

  encode(slot: number, codec: EventCodec): unknown {
    const cell = this.cells[slot] as UnorderedState | undefined;
    if (cell === undefined) return undefined;
    return { last: cell.last.map((e) => (e === undefined ? null : codec.ref(e))) };
  }

  decode(slot: number, data: unknown, codec: EventCodec): void {
    this.ensureCell(slot);
    const { last } = data as { last: (number | null)[] };
    if (last.length !== this.spec.inputs.length) throw new Error("the number of steps differs");
    const state = new UnorderedState(last.length);
    last.forEach((ref, i) => {
      if (ref !== null) state.last[i] = codec.deref(ref);
    });
    this.cells[slot] = state;
  }
}
