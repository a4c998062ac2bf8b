import type { SensitiveCategory } from "./catalog.js";

/**
 * What to do with a sensitive value:
 * - `redact`: replace it with `[REDACTED:TYPE]`;
 * - `mask`: keep a few harmless characters (`j***@example.com`, `************1111`);
 * - `hash`: replace it with `[HASH:TYPE:<hex>]`, a keyed HMAC-SHA-256 (equal values give equal hashes);
 * - `tokenize`: replace it with a placeholder such as `[EMAIL_1]` kept in a {@link TokenVault}, restorable later;
 * - `keep`: leave it, but report the finding.
 *
 * @example
 * ```ts
 * const action: FilterAction = "tokenize";
 * ```
 */
export type FilterAction = "redact" | "mask" | "hash" | "tokenize" | "keep";

/**
 * An {@link FilterAction}, or `off` to not detect a type at all.
 *
 * @example
 * ```ts
 * const actions: Record<string, ActionSetting> = { ipv4: "off", email: "mask" };
 * ```
 */
export type ActionSetting = FilterAction | "off";

/**
 * One sensitive value found. Never contains the value itself.
 *
 * @example
 * ```ts
 * const finding: FilterFinding = { path: "$.users[0].email", type: "email", action: "tokenize", category: "pii",
 *   source: "field", replacement: "[EMAIL_1]" };
 * ```
 */
export interface FilterFinding {
  /** JSONPath of the value in the input, e.g. `$.users[0].email` (keys already filtered). */
  path: string;
  /** The sensitive type, e.g. `email`, `github_pat` (see `listSensitiveTypes()`). */
  type: string;
  /** What was done to it. */
  action: FilterAction;
  /** `secret` or `pii`. */
  category: SensitiveCategory;
  /** Found by the field's name or by the value's format. */
  source: "field" | "value";
  /** When the value sat in JSON text inside a string: its path inside that text (`$.user.email`). */
  innerPath?: string;
  /** Found inside the object key at `path` rather than in its value. */
  inKey?: boolean;
  /**
   * Offsets `[start, end)` of a value found inside text: in the string at `path`, or, with `innerPath`, in the string
   * at `innerPath` inside the JSON text.
   */
  start?: number;
  /** See `start`. */
  end?: number;
  /** What replaced the value (a marker, mask, hash or placeholder); absent for `keep`. */
  replacement?: string;
}

/**
 * Why a kind of structural change was made: the value was not JSON (`converted`, `binary`), could not be read
 * (`unreadable`, `circular`), exceeded a limit (`max_depth`, `max_nodes`, `truncated`), a custom filter threw
 * (`filter_failed`), or a value could not get a placeholder (`vault_full`).
 *
 * @example
 * ```ts
 * const kind: FilterNoteKind = "truncated";
 * ```
 */
export type FilterNoteKind =
  | "circular"
  | "max_depth"
  | "max_nodes"
  | "binary"
  | "unreadable"
  | "converted"
  | "truncated"
  | "filter_failed"
  | "vault_full";

/**
 * A structural change to the data that is not a sensitive finding (a cycle cut, an array shortened, …).
 *
 * @example
 * ```ts
 * const note: FilterNote = { path: "$.items", kind: "truncated", detail: "kept 100 of 10,000 items" };
 * ```
 */
export interface FilterNote {
  /** JSONPath of the changed value. */
  path: string;
  /** What happened. */
  kind: FilterNoteKind;
  /** Human-readable detail: what was dropped and how much. */
  detail: string;
}

/**
 * What {@link FilterPipeline.apply} returns. Structurally an `OutputFilter` outcome for @athena/sandbox-wasm and
 * @athena/adapters.
 *
 * @example
 * ```ts
 * const result: FilterResult = { data: "[REDACTED:PASSWORD]", wasFiltered: true, originalSizeBytes: 9,
 *   filteredSizeBytes: 21, findings: [], notes: [], truncated: false };
 * ```
 */
export interface FilterResult {
  /** The filtered value: plain JSON data (objects, arrays, strings, finite numbers, booleans, null). */
  data: unknown;
  /** True when `data` differs from the input in any way. */
  wasFiltered: boolean;
  /** UTF-8 size of the input serialised as JSON (non-JSON parts counted as their converted form). */
  originalSizeBytes: number;
  /** UTF-8 size of `JSON.stringify(data)`, exactly. */
  filteredSizeBytes: number;
  /** Every sensitive value found, in document order per stage. */
  findings: readonly FilterFinding[];
  /** Structural changes (conversions, cycles, truncation); at most 100, then one summary note. */
  notes: readonly FilterNote[];
  /** True when the size cap dropped data. */
  truncated: boolean;
}

/**
 * What a {@link DataFilter} stage receives besides the value: ways to report what it did.
 *
 * @example
 * ```ts
 * const stage: DataFilter = {
 *   name: "drop-debug",
 *   apply(value, context) {
 *     context.note({ path: "$", kind: "converted", detail: "debug fields dropped" });
 *     return value;
 *   },
 * };
 * ```
 */
export interface FilterContext {
  /** Records a finding in the result. */
  report(finding: FilterFinding): void;
  /** Records a structural note in the result. */
  note(note: FilterNote): void;
}

/**
 * One stage of a {@link FilterPipeline}. `apply` receives plain JSON data (the pipeline converts anything else
 * first) that it may modify or replace, and returns the value for the next stage. It must be synchronous; if it
 * throws, the pipeline withholds the data rather than pass it on unfiltered.
 *
 * @example
 * ```ts
 * const dropInternal: DataFilter = {
 *   name: "drop-internal",
 *   apply: (value) => (typeof value === "object" && value !== null && "internal" in value ? { ...value, internal: undefined } : value),
 * };
 * ```
 */
export interface DataFilter {
  /** Unique name within a pipeline; `removeFilter(name)` uses it. */
  readonly name: string;
  /** Filters one value. */
  apply(value: unknown, context: FilterContext): unknown;
}

/**
 * A value restorable through a vault: what {@link TokenVault.reveal} returns for a placeholder.
 *
 * @example
 * ```ts
 * const original: TokenValue = "ada@example.com";
 * ```
 */
export type TokenValue = string | number;

/**
 * Reversible placeholders for sensitive values, kept on the host side. `tokenize` finds sensitive values in any nested
 * JSON (by field name and format) and replaces each with a placeholder like `[EMAIL_1]`; `detokenize` restores exactly
 * the placeholders this vault issued, anywhere in nested data. One value always gets the same placeholder. Neither
 * mutates its input. Structurally a `PrivacyVault` for @athena/adapters.
 *
 * @example
 * ```ts
 * import { createTokenVault } from "@athena/filter";
 * const vault = createTokenVault();
 * const safe = vault.tokenize({ to: "ada@example.com" }); // { to: "[EMAIL_1]" }
 * const real = vault.detokenize(safe); // { to: "ada@example.com" }
 * ```
 */
export interface TokenVault {
  /** Replaces every sensitive value in `value` by a placeholder; returns new data, never throws on JSON-like input. */
  tokenize(value: unknown): unknown;
  /** Restores every placeholder this vault issued, anywhere in `value` (strings and keys); returns new data. */
  detokenize(value: unknown): unknown;
  /**
   * The placeholder for one value (the same one each time for the same value), or undefined when the vault is full.
   *
   * @param type - the sensitive type; its label names the placeholder (`email` → `[EMAIL_n]`)
   * @param value - the original value
   */
  issue(type: string, value: TokenValue): string | undefined;
  /** The original value behind a placeholder this vault issued, or undefined. */
  reveal(placeholder: string): TokenValue | undefined;
  /** True when this vault issued `placeholder`. */
  has(placeholder: string): boolean;
  /** Number of values held. */
  readonly size: number;
  /** Forgets every value (placeholders issued before can no longer be restored). */
  clear(): void;
  /** Forgets every value; any later call throws a `FilterError` with code `DISPOSED`. Idempotent. */
  dispose(): void;
  /** Same as `dispose()`. */
  [Symbol.dispose](): void;
}
