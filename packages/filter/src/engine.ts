/**
 * The walk every built-in stage shares: one pass over any JS value that
 * - converts it to plain JSON data (JSON semantics plus Map, Set, BigInt, typed arrays, errors; cycles, depth and node
 *   limits and throwing getters become markers), never reading a property twice and never mutating the input;
 * - detects sensitive values by field name and by format (also inside JSON text held in strings, and inside keys);
 * - applies the configured action to each; and
 * - counts the exact UTF-8 JSON size of the input and of the output.
 */
import type { ActionApplier } from "./actions.js";
import { type SensitiveCategory, typeTable } from "./catalog.js";
import { classifyFieldName } from "./field-names.js";
import { formatCount, jsonNumberBytes, jsonStringBytes } from "./json-size.js";
import {
  type Hit,
  isPlainShape,
  NOT_PLAIN,
  profileText,
  type ScanContext,
  scanText,
  type TextProfile,
} from "./scanner.js";
import type { ActionSetting, FilterAction, FilterFinding, FilterNote, FilterNoteKind, TokenVault } from "./types.js";

/** Everything the walk needs, resolved once per stage. */
export interface EngineConfig {
  byField: boolean;
  byValue: boolean;
  scanKeys: boolean;
  nestedJson: boolean;
  maxDepth: number;
  maxNodes: number;
  fieldExtra: ReadonlyMap<string, string> | undefined;
  fieldIgnore: ReadonlySet<string> | undefined;
  /** Action per type (`off` = not detected). */
  actionFor(type: string): ActionSetting;
  applier: ActionApplier | undefined;
  /** When set, placeholder-shaped text this vault did not issue is escaped through it (exact round trips). */
  vault: TokenVault | undefined;
  /** Caches shared across runs of one stage. */
  caches: EngineCaches;
}

/** What the walk remembers about an object key it has seen. */
interface KeyInfo {
  /** The sensitive type the name says (already `off`-filtered), if any. */
  field: TypeRecord | undefined;
  /** `field` when it spreads to everything inside (secrets do, personal data does not). */
  inherits: TypeRecord | undefined;
  /** True when the key text itself holds nothing to replace. */
  clean: boolean;
  /** JSON bytes of the key. */
  bytes: number;
  /** The key as a JSONPath segment (`.name` or `["x-y"]`). */
  segment: string;
  /** The keys last seen in an object under this key (or in the objects of an array under it). */
  shape: Shape | undefined;
}

/**
 * The keys of the object last seen in one place, with what is known about each: objects in the same place mostly
 * have the same keys in the same order (JSON.parse gives them the same key strings), so the walk compares each key
 * with the one at the same index instead of looking it up.
 */
interface Shape {
  keys: string[];
  infos: KeyInfo[];
}

/** Keys beyond this index are looked up as usual (a shape never grows past it). */
const SHAPE_WIDTH = 256;

function newShape(): Shape {
  return { keys: [], infos: [] };
}

/** Per-stage caches: what is known about keys seen before. */
/** A type with its action and category, as {@link EngineCaches.types} remembers them. */
interface TypeRecord {
  type: string;
  setting: ActionSetting;
  category: SensitiveCategory;
}

export interface EngineCaches {
  /** What the stage does with each type met so far. */
  types: Map<string, TypeRecord>;
  keys: Map<string, KeyInfo>;
  scan: ScanContext;
  /** Shapes of top-level objects, and of objects in JSON text held in strings. */
  rootShape: Shape;
  nestedShape: Shape;
}

/** Creates empty caches for a stage. */
export function createCaches(
  fieldExtra: ReadonlyMap<string, string> | undefined,
  fieldIgnore: ReadonlySet<string> | undefined,
): EngineCaches {
  return {
    types: new Map(),
    keys: new Map(),
    scan: { fieldExtra, fieldIgnore, keyCache: new Map() },
    rootShape: newShape(),
    nestedShape: newShape(),
  };
}

/** What one walk produced. */
export interface EngineOutput {
  data: unknown;
  originalBytes: number;
  filteredBytes: number;
  /** Number of changes made (replacements, conversions, markers). */
  edits: number;
}

/** Receives findings and notes. */
export interface EngineSink {
  finding(finding: FilterFinding): void;
  note(note: FilterNote): void;
}

const SKIP: unique symbol = Symbol("skip");
const NESTED: unique symbol = Symbol("nested");
type Segment = string | number | typeof NESTED;

const PLACEHOLDER_SHAPE = /\[[A-Z][A-Z0-9_]{0,48}_[1-9]\d{0,9}\]/g;
const PLACEHOLDER_SHAPE_ONE = /\[[A-Z][A-Z0-9_]{0,48}_[1-9]\d{0,9}\]/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const CACHE_LIMIT = 20_000;
/** Shared, never modified: the scan result of strings with nothing in them. */
const NO_HITS: Hit[] = [];

/** Runs one walk over `value`. Never throws for anything `value` contains. */
export function runEngine(value: unknown, config: EngineConfig, sink: EngineSink): EngineOutput {
  const walker = new Walker(config, sink);
  const data = walker.visitRoot(value);
  return { data, originalBytes: walker.originalBytes, filteredBytes: walker.filteredBytes, edits: walker.edits };
}

class Walker {
  readonly #config: EngineConfig;
  readonly #sink: EngineSink;
  /** The segments of the current path: the first `#depth` entries (the rest are stale). */
  readonly #path: Segment[] = [];
  #depth = 0;
  /** The path last formatted, and its formatted prefixes (`$.a`, `$.a[3]`, …). */
  readonly #lastSegments: Segment[] = [];
  readonly #lastPrefixes: string[] = [];
  #lastDepth = 0;
  /** Set by `#formatPath`. */
  #innerPath: string | undefined;
  /** Objects on the current path (a stack: shallow in practice, and cheaper than hashing every object). */
  readonly #ancestors: object[] = [];
  #values = 0;
  #counting = true;
  originalBytes = 0;
  filteredBytes = 0;
  edits = 0;
  findings = 0;
  /** While filtering a key: its findings wait here until the key's final path is known. */
  #pendingKey: FilterFinding[] | undefined;
  /** Reused by every scan; copied only when something was found. */
  readonly #scratch: Hit[] = [];
  /** Placeholders issued during this walk. */
  readonly #issuedNow = new Set<string>();
  /** Set by `#text`: its result is JSON text written anew (its characters need counting). */
  #reserialized = false;
  /** Where the next object's keys are compared (see {@link Shape}). */
  #shape: Shape;
  /** Reused by every string profile. */
  readonly #profile: TextProfile = { flags: 0, firstDigit: -1 };

  constructor(config: EngineConfig, sink: EngineSink) {
    this.#config = config;
    this.#sink = sink;
    this.#shape = config.caches.rootShape;
  }

  visitRoot(value: unknown): unknown {
    this.#shape = this.#config.caches.rootShape;
    const out = this.#visit(value, 0, undefined, undefined);
    return out === SKIP ? undefined : out;
  }

  #add(original: number, filtered: number): void {
    if (this.#counting) {
      this.originalBytes += original;
      this.filteredBytes += filtered;
    }
  }

  /**
   * `field`: the type the field's name says (already `off`-filtered); `inherited`: the secret type of a container
   * further up (`credentials: {…}`), for strings.
   */
  #visit(value: unknown, depth: number, field: TypeRecord | undefined, inherited: TypeRecord | undefined): unknown {
    this.#values++;
    switch (typeof value) {
      case "string":
        return this.#visitString(value, depth, field ?? inherited);
      case "number":
        return this.#visitNumber(value, field);
      case "boolean":
        this.#add(value ? 4 : 5, value ? 4 : 5);
        return value;
      case "bigint": {
        const text = value.toString();
        this.#note("converted", "BigInt written as a string of digits");
        this.edits++;
        if (field !== undefined) return this.#visitFieldScalar(text, text, field);
        const bytes = text.length + 2;
        this.#add(bytes, bytes);
        return text;
      }
      case "object":
        if (value === null) {
          this.#add(4, 4);
          return null;
        }
        return this.#visitObject(value, depth, field, inherited);
      default:
        return SKIP; // undefined, functions, symbols: dropped as JSON.stringify does
    }
  }

  #visitNumber(value: number, field: TypeRecord | undefined): unknown {
    if (!Number.isFinite(value)) {
      this.#add(4, 4);
      this.edits++;
      return null;
    }
    if (field !== undefined && field.setting !== "off") return this.#visitFieldScalar(value, String(value), field);
    const bytes = jsonNumberBytes(value);
    this.#add(bytes, bytes);
    return value;
  }

  /** A number or BigInt under a sensitive field name. */
  #visitFieldScalar(original: number | string, raw: string, field: TypeRecord): unknown {
    const originalBytes = typeof original === "number" ? jsonNumberBytes(original) : jsonStringBytes(raw);
    const replaced = field.setting === "off" ? undefined : this.#replaceWhole(field, raw, original);
    if (replaced === undefined) {
      this.#add(originalBytes, originalBytes);
      return original;
    }
    this.#add(originalBytes, jsonStringBytes(replaced));
    return replaced;
  }

  /** Applies the action for a whole-value (field-name) finding; undefined when the value stays. */
  #replaceWhole(field: TypeRecord, raw: string, original: string | number): string | undefined {
    const applier = this.#config.applier;
    if (applier === undefined) return undefined;
    // A placeholder this vault already issued is safe as it is (tokenizing twice would break the chain back).
    if (typeof original === "string" && original.charCodeAt(0) === 91 && this.#issuedBefore(original)) return undefined;
    const sizeBefore = this.#config.vault?.size ?? 0;
    const setting = field.setting as FilterAction;
    const replacement = applier.apply(field.type, raw, setting, original);
    const action = applier.action;
    if (action === "tokenize") this.#noteIssued(action, replacement, sizeBefore);
    this.#finding(field, action, "field", replacement, -1, -1, false);
    if (action !== setting) this.#note("vault_full", `vault full: ${field.type} redacted instead of tokenized`);
    if (replacement !== undefined) this.edits++;
    return replacement;
  }

  #visitString(value: string, depth: number, field: TypeRecord | undefined): string {
    if (field !== undefined && value.length > 0) return this.#visitFieldString(value, depth, field);
    if (!(this.#config.byValue || this.#config.vault !== undefined)) {
      const bytes = jsonStringBytes(value);
      this.#add(bytes, bytes);
      return value;
    }
    if (isPlainShape(value)) {
      // A UUID or an ISO timestamp: plain ASCII with nothing in it.
      this.#add(value.length + 2, value.length + 2);
      return value;
    }
    // One profile of the string gives its size (when it is plain ASCII) and gates the scanner's passes.
    const profile = this.#profile;
    profileText(value, profile);
    const flags = profile.flags;
    const originalBytes = (flags & NOT_PLAIN) === 0 ? value.length + 2 : jsonStringBytes(value);
    if (flags === 0 && value.length < 16) {
      // No digit, no anchor, too short for a token: nothing can be found in it, nor in JSON text it might be.
      this.#add(originalBytes, originalBytes);
      return value;
    }
    const out = this.#text(value, depth, false, flags, profile.firstDigit);
    if (out === value) {
      this.#add(originalBytes, originalBytes);
      return out;
    }
    // Replacements (markers, placeholders, hashes, masks of the original's own characters) are plain ASCII, so
    // plain text stays plain; re-serialised JSON text may not be.
    const plain = (flags & NOT_PLAIN) === 0 && !this.#reserialized;
    this.#add(originalBytes, plain ? out.length + 2 : jsonStringBytes(out));
    return out;
  }

  /** A string under a sensitive field name: replaced whole, unless it carries this vault's tokens already. */
  #visitFieldString(value: string, depth: number, field: TypeRecord): string {
    const originalBytes = jsonStringBytes(value);
    if (!this.#holdsTokens(value)) {
      const setting = field.setting;
      if (setting !== "off") {
        const replaced = this.#replaceWhole(field, value, value);
        if (replaced !== undefined) {
          // Redaction markers, hashes and placeholders are plain ASCII: their JSON size is their length plus the quotes.
          this.#add(originalBytes, setting === "mask" ? jsonStringBytes(replaced) : replaced.length + 2);
          return replaced;
        }
        this.#add(originalBytes, originalBytes);
        return value;
      }
    }
    const out =
      this.#config.byValue || this.#config.vault !== undefined ? this.#text(value, depth, false, -1, -1) : value;
    this.#add(originalBytes, out === value ? originalBytes : jsonStringBytes(out));
    return out;
  }

  /**
   * Filters free text: JSON held in the string, else value detection. `flags` and `firstDigit` are the string's
   * profile when the caller has it (`flags` -1 when not).
   */
  #text(value: string, depth: number, inKey: boolean, flags: number, firstDigit: number): string {
    if (this.#config.nestedJson && !inKey && value.length >= 2) {
      const nested = this.#nestedJson(value, depth);
      if (nested !== undefined) {
        this.#reserialized = nested !== value;
        return nested;
      }
    }
    this.#reserialized = false;
    let hits: Hit[] = NO_HITS;
    if (this.#config.byValue) hits = this.#scan(value, flags, firstDigit);
    const vault = this.#config.vault;
    if (vault !== undefined && value.indexOf("[") !== -1) {
      hits = hits.slice();
      this.#literalHits(value, hits);
    }
    if (hits.length === 0) return value;
    return this.#replaceHits(value, hits, inKey);
  }

  #scan(value: string, flags: number, firstDigit: number): Hit[] {
    // (A per-walk memo of repeated strings was measured slower than scanning them again: hashing every string
    // costs more than the scan it saves.)
    const scratch = this.#scratch;
    let profile: TextProfile | undefined;
    if (flags !== -1) {
      // Nested JSON may have profiled other strings since: restore this one's.
      profile = this.#profile;
      profile.flags = flags;
      profile.firstDigit = firstDigit;
    }
    scanText(value, this.#config.caches.scan, scratch, profile);
    if (scratch.length === 0) return NO_HITS;
    const found = scratch.slice();
    scratch.length = 0;
    return found;
  }

  /** Placeholder-shaped text the vault did not issue: escaped through the vault so detokenize gives it back. */
  #literalHits(value: string, hits: Hit[]): void {
    PLACEHOLDER_SHAPE.lastIndex = 0;
    let match = PLACEHOLDER_SHAPE.exec(value);
    const found: Hit[] = [];
    while (match !== null) {
      if (!this.#issuedBefore(match[0]))
        found.push({ type: "", start: match.index, end: match.index + match[0].length, priority: 1000 });
      match = PLACEHOLDER_SHAPE.exec(value);
    }
    if (found.length === 0) return;
    // Merge: literals win over anything overlapping them.
    const merged: Hit[] = [];
    let i = 0;
    for (const literal of found) {
      while (i < hits.length && (hits[i] as Hit).end <= literal.start) merged.push(hits[i++] as Hit);
      while (i < hits.length && (hits[i] as Hit).start < literal.end) i++;
      merged.push(literal);
    }
    while (i < hits.length) merged.push(hits[i++] as Hit);
    hits.length = 0;
    for (const hit of merged) hits.push(hit);
  }

  #replaceHits(value: string, hits: readonly Hit[], inKey: boolean): string {
    const applier = this.#config.applier;
    let out = "";
    let last = 0;
    for (const hit of hits) {
      const raw = value.slice(hit.start, hit.end);
      let replacement: string | undefined;
      if (hit.type === "") {
        // An escaped literal: only reachable with a vault.
        const sizeBefore = this.#config.vault?.size ?? 0;
        replacement = this.#config.vault?.issue("text", raw);
        if (replacement === undefined) replacement = "[REDACTED:TEXT]";
        else this.#noteIssued("tokenize", replacement, sizeBefore);
        this.edits++;
      } else {
        const record = this.#typeRecord(hit.type);
        const setting = record.setting;
        if (setting === "off" || applier === undefined) continue;
        // Text that already holds this vault's tokens (`Basic [BASIC_AUTH_1]`) was filtered before: leave it.
        if (raw.indexOf("[") !== -1 && this.#holdsTokens(raw, true)) continue;
        const sizeBefore = this.#config.vault?.size ?? 0;
        replacement = applier.apply(hit.type, raw, setting, raw);
        const action = applier.action;
        if (action === "tokenize") this.#noteIssued(action, replacement, sizeBefore);
        this.#finding(record, action, "value", replacement, hit.start, hit.end, inKey);
        if (action !== setting) this.#note("vault_full", `vault full: ${hit.type} redacted instead of tokenized`);
        if (replacement === undefined) continue;
        this.edits++;
      }
      out += value.slice(last, hit.start) + replacement;
      last = hit.end;
    }
    if (last === 0) return value;
    return out + value.slice(last);
  }

  /** JSON text in a string: filtered as data and written back (same indentation) if anything changed. */
  #nestedJson(value: string, depth: number): string | undefined {
    let first = 0;
    while (first < value.length && first < 8 && isSpace(value.charCodeAt(first))) first++;
    let lastIndex = value.length - 1;
    while (lastIndex > first && value.length - lastIndex < 8 && isSpace(value.charCodeAt(lastIndex))) lastIndex--;
    const open = value.charCodeAt(first);
    const close = value.charCodeAt(lastIndex);
    if (!((open === 123 && close === 125) || (open === 91 && close === 93) || (open === 34 && close === 34)))
      return undefined;
    if (open === 91) {
      // `[EMAIL_1]`, `[link]`: not JSON arrays.
      let second = first + 1;
      while (second < lastIndex && isSpace(value.charCodeAt(second))) second++;
      const c = value.charCodeAt(second);
      if (
        !(
          c === 123 ||
          c === 91 ||
          c === 34 ||
          c === 93 ||
          c === 45 ||
          (c >= 48 && c <= 57) ||
          c === 116 ||
          c === 102 ||
          c === 110
        )
      )
        return undefined;
    }
    if (depth >= this.#config.maxDepth) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
    const editsBefore = this.edits;
    const counting = this.#counting;
    this.#counting = false;
    this.#path[this.#depth++] = NESTED;
    let out: unknown;
    try {
      out =
        typeof parsed === "string"
          ? this.#text(parsed, depth + 1, false, -1, -1)
          : this.#visitNested(parsed, depth + 1);
    } finally {
      this.#depth--;
      this.#counting = counting;
    }
    if (this.edits === editsBefore) return value;
    const indent = /^[[{]\r?\n([ \t]+)/.exec(value.slice(first));
    return JSON.stringify(out, null, indent === null ? undefined : indent[1]);
  }

  #visitNested(parsed: unknown, depth: number): unknown {
    const shape = this.#shape;
    this.#shape = this.#config.caches.nestedShape;
    try {
      return this.#visit(parsed, depth, undefined, undefined);
    } finally {
      this.#shape = shape;
    }
  }

  #visitObject(
    value: object,
    depth: number,
    field: TypeRecord | undefined,
    inherited: TypeRecord | undefined,
  ): unknown {
    if (depth >= this.#config.maxDepth)
      return this.#marker("max_depth", `[max depth ${this.#config.maxDepth}: ${describe(value)}]`);
    const ancestors = this.#ancestors;
    for (let i = ancestors.length - 1; i >= 0; i--)
      if (ancestors[i] === value) return this.#marker("circular", "[circular reference]");
    ancestors.push(value);
    const pathDepth = this.#depth;
    try {
      return this.#visitContainer(value, depth, field, inherited);
    } catch (error) {
      this.#depth = pathDepth;
      return this.#marker("unreadable", `[unreadable: ${errorName(error)}]`);
    } finally {
      ancestors.pop();
    }
  }

  #visitContainer(
    value: object,
    depth: number,
    field: TypeRecord | undefined,
    inherited: TypeRecord | undefined,
  ): unknown {
    if (Array.isArray(value)) return this.#visitArray(value, depth, field, inherited);
    // Plain objects (all of JSON.parse's) skip the checks for dates, buffers, maps, sets, boxes and errors.
    const proto: unknown = Object.getPrototypeOf(value);
    if (
      (proto === Object.prototype || proto === null) &&
      typeof (value as { toJSON?: unknown }).toJSON !== "function"
    ) {
      // `for...in` reads JSON.parse's objects fastest; it lists exactly the own keys unless someone has put an
      // enumerable property on Object.prototype (checked at every object: a getter might do it mid-walk).
      if (proto === null || objectPrototypeClean())
        return this.#visitOwn(value as Record<string, unknown>, depth, inherited);
      return this.#visitPlain(value as Record<string, unknown>, Object.keys(value), depth, inherited);
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") {
      // Dates and friends: JSON semantics.
      const converted: unknown = toJSON.call(value, "");
      return this.#visit(converted, depth + 1, field, inherited);
    }
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || isSharedArrayBuffer(value)) {
      const bytes = (value as { byteLength: number }).byteLength;
      return this.#marker("binary", `[binary: ${constructorName(value)}, ${formatCount(bytes)} bytes]`);
    }
    if (value instanceof Map) {
      this.#note("converted", "Map written as an object (or as [key, value] pairs when keys are not strings)");
      this.edits++;
      const entries = [...value.entries()];
      if (entries.every(([k]) => typeof k === "string" || typeof k === "number")) {
        const object: Record<string, unknown> = {};
        for (const [k, v] of entries) setOwn(object, String(k), v);
        return this.#visitPlain(object, Object.keys(object), depth, inherited);
      }
      return this.#visitArray(entries, depth, field, inherited);
    }
    if (value instanceof Set) {
      this.#note("converted", "Set written as an array");
      this.edits++;
      return this.#visitArray([...value], depth, field, inherited);
    }
    if (value instanceof Number || value instanceof String || value instanceof Boolean) {
      return this.#visit(value.valueOf(), depth, field, inherited);
    }
    if (value instanceof Error) {
      const object: Record<string, unknown> = { name: value.name, message: value.message };
      for (const key of Object.keys(value)) setOwn(object, key, (value as unknown as Record<string, unknown>)[key]);
      return this.#visitPlain(object, Object.keys(object), depth, inherited);
    }
    return this.#visitPlain(value as Record<string, unknown>, Object.keys(value), depth, inherited);
  }

  #visitArray(
    value: readonly unknown[],
    depth: number,
    field: TypeRecord | undefined,
    inherited: TypeRecord | undefined,
  ): unknown[] {
    const length = value.length;
    const out: unknown[] = [];
    this.#add(2, 2);
    const path = this.#path;
    const shape = this.#shape;
    for (let i = 0; i < length; i++) {
      if (i > 0) this.#add(1, 1);
      if (this.#values >= this.#config.maxNodes) {
        out.push(
          this.#marker(
            "max_nodes",
            `[node limit ${formatCount(this.#config.maxNodes)}: ${formatCount(length - i)} more items]`,
          ),
        );
        break;
      }
      path[this.#depth++] = i;
      let item: unknown;
      try {
        item = value[i];
      } catch (error) {
        item = this.#marker("unreadable", `[unreadable: ${errorName(error)}]`);
      }
      // Elements of an array under a sensitive name (`emails: [...]`) are that type too.
      this.#shape = shape;
      const child = this.#visit(item, depth + 1, field, inherited);
      if (child === SKIP) {
        this.#add(4, 4);
        out.push(null);
      } else {
        out.push(child);
      }
      this.#depth--;
    }
    return out;
  }

  /** A plain object whose `for...in` keys are its own enumerable keys. */
  #visitOwn(value: Record<string, unknown>, depth: number, inherited: TypeRecord | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.#add(2, 2);
    const maxNodes = this.#config.maxNodes;
    const shape = this.#shape;
    let first = true;
    let index = 0;
    for (const key in value) {
      if (this.#values >= maxNodes) {
        this.#nodeLimit(out, first, Object.keys(value).length - index);
        break;
      }
      let item: unknown;
      try {
        item = value[key];
      } catch (error) {
        item = this.#marker("unreadable", `[unreadable: ${errorName(error)}]`);
      }
      const info = shape.keys[index] === key ? (shape.infos[index] as KeyInfo) : this.#keyAt(shape, index, key);
      index++;
      if (this.#entry(out, key, info, item, depth, inherited, first)) first = false;
    }
    return out;
  }

  #visitPlain(
    value: Record<string, unknown>,
    keys: readonly string[],
    depth: number,
    inherited: TypeRecord | undefined,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.#add(2, 2);
    const maxNodes = this.#config.maxNodes;
    const shape = this.#shape;
    let first = true;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string;
      if (this.#values >= maxNodes) {
        this.#nodeLimit(out, first, keys.length - index);
        break;
      }
      let item: unknown;
      try {
        item = value[key];
      } catch (error) {
        item = this.#marker("unreadable", `[unreadable: ${errorName(error)}]`);
      }
      const info = shape.keys[index] === key ? (shape.infos[index] as KeyInfo) : this.#keyAt(shape, index, key);
      if (this.#entry(out, key, info, item, depth, inherited, first)) first = false;
    }
    return out;
  }

  /** The node limit reached inside an object: one marker entry stands for the `rest` keys not visited. */
  #nodeLimit(out: Record<string, unknown>, first: boolean, rest: number): void {
    const marker = `[node limit ${formatCount(this.#config.maxNodes)}: ${formatCount(rest)} more keys]`;
    const bytes = (first ? 0 : 1) + jsonStringBytes("…") + 1;
    this.#add(bytes, bytes);
    out["…"] = this.#marker("max_nodes", marker);
  }

  /** What is known about `key`, the `index`th key of an object in the place `shape` stands for. */
  #keyAt(shape: Shape, index: number, key: string): KeyInfo {
    const keyCache = this.#config.caches.keys;
    let info = keyCache.get(key);
    if (info === undefined) {
      info = this.#keyInfo(key);
      if (keyCache.size < CACHE_LIMIT) keyCache.set(key, info);
    }
    if (index < SHAPE_WIDTH) {
      shape.keys[index] = key;
      shape.infos[index] = info;
    }
    return info;
  }

  /** Filters one entry of an object into `out`; false when JSON leaves it out (undefined, functions, symbols). */
  #entry(
    out: Record<string, unknown>,
    key: string,
    info: KeyInfo,
    item: unknown,
    depth: number,
    inherited: TypeRecord | undefined,
    first: boolean,
  ): boolean {
    const kind = typeof item;
    if (item === undefined || kind === "function" || kind === "symbol") return false;
    let outKey = key;
    let outKeyBytes = info.bytes;
    let segment = info.segment;
    let keyFindings: FilterFinding[] | undefined;
    if (!info.clean) {
      keyFindings = [];
      this.#pendingKey = keyFindings;
      try {
        outKey = this.#text(key, 0, true, -1, -1);
      } finally {
        this.#pendingKey = undefined;
      }
      if (outKey !== key) {
        if (Object.hasOwn(out, outKey)) outKey = uniqueKey(out, outKey);
        outKeyBytes = jsonStringBytes(outKey);
        segment = formatSegment(outKey);
      }
    }
    const originalEntry = info.bytes + 1 + (first ? 0 : 1);
    const filteredEntry = outKeyBytes + 1 + (first ? 0 : 1);
    this.#add(originalEntry, filteredEntry);
    this.#path[this.#depth++] = segment;
    if (keyFindings !== undefined && keyFindings.length > 0) {
      const where = this.#formatPath();
      const innerPath = this.#innerPath;
      for (const finding of keyFindings) {
        finding.path = where;
        if (innerPath !== undefined) finding.innerPath = innerPath;
        this.#sink.finding(finding);
      }
    }
    if (kind === "object") {
      info.shape ??= newShape();
      this.#shape = info.shape;
    }
    // A secret-named container (`credentials: {…}`) makes every string inside it that type.
    const child = this.#visit(item, depth + 1, info.field, info.inherits ?? inherited);
    this.#depth--;
    if (child === SKIP) {
      // A toJSON() that gave undefined: JSON leaves the entry out.
      this.#add(-originalEntry, -filteredEntry);
      return false;
    }
    if (outKey === "__proto__") {
      Object.defineProperty(out, outKey, { value: child, enumerable: true, writable: true, configurable: true });
    } else {
      out[outKey] = child;
    }
    return true;
  }

  #keyInfo(key: string): KeyInfo {
    const config = this.#config;
    let field: TypeRecord | undefined;
    if (config.byField) {
      const type = classifyFieldName(key, config.fieldExtra, config.fieldIgnore);
      if (type !== undefined) field = this.#typeRecord(type);
      if (field?.setting === "off") field = undefined;
    }
    let clean = true;
    if (config.scanKeys && key.length >= 5) {
      const hits: Hit[] = [];
      if (config.byValue) scanText(key, config.caches.scan, hits);
      if (hits.length > 0 || (config.vault !== undefined && PLACEHOLDER_SHAPE_ONE.test(key))) clean = false;
    }
    const inherits = field !== undefined && field.category !== "pii" ? field : undefined;
    return { field, inherits, clean, bytes: jsonStringBytes(key), segment: formatSegment(key), shape: undefined };
  }

  /** Remembers a placeholder the vault created during this walk (not one it gave back for a value seen before). */
  #noteIssued(action: FilterAction, replacement: string | undefined, sizeBefore: number): void {
    if (action === "tokenize" && replacement !== undefined && (this.#config.vault?.size ?? 0) > sizeBefore)
      this.#issuedNow.add(replacement);
  }

  /**
   * True when a string holds placeholders this vault issued before (and is not one itself): it carries tokens, so it
   * is filtered as text (the tokens stay) rather than wrapped whole into a new token.
   */
  #holdsTokens(value: string, whole = false): boolean {
    if (this.#config.vault === undefined || value.indexOf("[") === -1) return false;
    const shape = new RegExp(PLACEHOLDER_SHAPE.source, "g");
    let match = shape.exec(value);
    while (match !== null) {
      if ((whole || match[0].length !== value.length) && this.#issuedBefore(match[0])) return true;
      match = shape.exec(value);
    }
    return false;
  }

  /**
   * True when `placeholder` was issued by the vault before this walk: it is a token already (kept as is). Text that
   * only became a placeholder during this walk, or never was one, is literal input and gets escaped.
   */
  #issuedBefore(placeholder: string): boolean {
    const vault = this.#config.vault;
    return vault?.has(placeholder) === true && !this.#issuedNow.has(placeholder);
  }

  #marker(kind: FilterNoteKind, text: string): string {
    this.#note(kind, text);
    this.edits++;
    const bytes = jsonStringBytes(text);
    this.#add(bytes, bytes);
    return text;
  }

  #note(kind: FilterNoteKind, detail: string): void {
    this.#sink.note({ path: this.#formatPath(), kind, detail });
  }

  /** Reports a finding; `start` -1 for a whole value. */
  #finding(
    record: TypeRecord,
    action: FilterAction,
    source: "field" | "value",
    replacement: string | undefined,
    start: number,
    end: number,
    inKey: boolean,
  ): void {
    const path = this.#formatPath();
    const innerPath = this.#innerPath;
    const type = record.type;
    const category = record.category;
    let finding: FilterFinding;
    if (innerPath === undefined && !inKey && replacement !== undefined) {
      // The common shapes, written whole (same key order as below).
      finding =
        start === -1
          ? { path, type, action, category, source, replacement }
          : { path, type, action, category, source, start, end, replacement };
    } else {
      finding = { path, type, action, category, source };
      if (innerPath !== undefined) finding.innerPath = innerPath;
      if (inKey) finding.inKey = true;
      if (start !== -1) {
        finding.start = start;
        finding.end = end;
      }
      if (replacement !== undefined) finding.replacement = replacement;
    }
    this.findings++;
    if (this.#pendingKey !== undefined) this.#pendingKey.push(finding);
    else this.#sink.finding(finding);
  }

  /** What the stage does with a type: one lookup for its action and its category. */
  #typeRecord(type: string): TypeRecord {
    const types = this.#config.caches.types;
    let record = types.get(type);
    if (record === undefined) {
      record = { type, setting: this.#config.actionFor(type), category: typeTable().get(type)?.category ?? "secret" };
      if (types.size < CACHE_LIMIT) types.set(type, record);
    }
    return record;
  }

  /** The current path; the part inside JSON text held in a string goes to `#innerPath` (undefined when none). */
  #formatPath(): string {
    const stack = this.#path;
    const length = this.#depth;
    // Findings cluster (siblings, array items): reuse the formatted prefix shared with the previous path.
    const last = this.#lastSegments;
    const prefixes = this.#lastPrefixes;
    let common = 0;
    const limit = Math.min(length, this.#lastDepth);
    while (common < limit && stack[common] === last[common]) common++;
    let nested = -1;
    for (let i = 0; i < common; i++) if (last[i] === NESTED) nested = i;
    for (let i = common; i < length; i++) {
      const segment = stack[i] as Segment;
      last[i] = segment;
      const before = i === 0 ? "$" : (prefixes[i - 1] as string);
      if (segment === NESTED) {
        nested = i;
        prefixes[i] = before;
      } else {
        prefixes[i] = before + (typeof segment === "number" ? `[${segment}]` : segment);
      }
    }
    this.#lastDepth = length;
    const full = length === 0 ? "$" : (prefixes[length - 1] as string);
    if (nested === -1) {
      this.#innerPath = undefined;
      return full;
    }
    // JSON text inside strings: split at the first boundary; deeper ones are joined with " > ".
    let path = "$";
    let inner: string | undefined;
    for (let i = 0; i < length; i++) {
      const segment = stack[i] as Segment;
      if (segment === NESTED) {
        inner = inner === undefined ? "$" : `${inner} > $`;
        continue;
      }
      const part = typeof segment === "number" ? `[${segment}]` : segment;
      if (inner === undefined) path += part;
      else inner += part;
    }
    this.#innerPath = inner;
    return path;
  }
}

/** True while Object.prototype has no enumerable property, so `for...in` lists own keys only. */
function objectPrototypeClean(): boolean {
  for (const _ in Object.prototype) return false;
  return true;
}

function formatSegment(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function isSharedArrayBuffer(value: object): boolean {
  return typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function uniqueKey(target: Record<string, unknown>, key: string): string {
  let n = 2;
  while (Object.hasOwn(target, `${key}#${n}`)) n++;
  return `${key}#${n}`;
}

function constructorName(value: object): string {
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name.length > 0 ? name : "object";
  } catch {
    return "object";
  }
}

function describe(value: object): string {
  try {
    if (Array.isArray(value)) return `array of ${formatCount(value.length)} items`;
    return `object with ${formatCount(Object.keys(value).length)} keys`;
  } catch {
    return "object";
  }
}

function errorName(error: unknown): string {
  try {
    if (error instanceof Error) return error.name;
  } catch {
    // a hostile error object
  }
  return "error";
}
