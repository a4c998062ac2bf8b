/** Option types (plain interfaces) and their zod schemas (private), validated once in each factory. */
import { z } from "zod";
import { typeTable } from "./catalog.js";
import { FilterError } from "./errors.js";
import { normaliseFieldName } from "./field-names.js";
import type { ActionSetting, DataFilter, TokenVault } from "./types.js";

/**
 * How sensitive values are found; shared by the pipeline, the detector, the tokenizer and the vault.
 *
 * @example
 * ```ts
 * const detection: DetectionOptions = { fieldNames: { employeeNumber: "national_id" }, ignoreFieldNames: ["token"] };
 * ```
 */
export interface DetectionOptions {
  /**
   * Treat a value as sensitive because of its field's name (`password`, `apiKey`, `x-api-key`, `email`, …).
   * @defaultValue true
   */
  detectByFieldName?: boolean;
  /**
   * Find sensitive values by their format anywhere in strings (provider keys, JWTs, cards, IBANs, e-mails, …).
   * @defaultValue true
   */
  detectByValue?: boolean;
  /**
   * Also look for sensitive values inside object keys (e-mail addresses used as keys).
   * @defaultValue true
   */
  scanKeys?: boolean;
  /**
   * Parse strings that hold JSON (double-encoded tool results) and filter inside them.
   * @defaultValue true
   */
  parseNestedJson?: boolean;
  /**
   * Extra field names and the type they hold, e.g. `{ employeeNumber: "national_id" }`; names are normalised
   * (case, `-`, `_` ignored). A type may be one of `listSensitiveTypes()` or your own (then a `secret`).
   * @defaultValue {}
   */
  fieldNames?: Record<string, string>;
  /**
   * Field names never treated as sensitive (normalised like `fieldNames`).
   * @defaultValue []
   */
  ignoreFieldNames?: string[];
  /**
   * Objects nested deeper than this are replaced by a marker (protects against stack exhaustion).
   * @defaultValue 64
   */
  maxDepth?: number;
  /**
   * At most this many values are visited; the rest are replaced by a marker with a count.
   * @defaultValue 5_000_000
   */
  maxNodes?: number;
  /**
   * Types not to detect at all (same as setting their action to `off`).
   * @defaultValue []
   */
  disabledTypes?: string[];
}

/**
 * Options of {@link createSensitiveFieldDetector} (and of the pipeline's detection stage).
 *
 * @example
 * ```ts
 * const options: SensitiveFieldDetectorOptions = { actions: { pii: "mask", ipv4: "keep" }, hmacKey: "0123456789abcdef" };
 * ```
 */
export interface SensitiveFieldDetectorOptions extends DetectionOptions {
  /**
   * Action per type or per category (`secret`, `pii`); a type's own setting wins over its category's.
   * @defaultValue secrets `redact`; personal data `tokenize` when a vault is given, else `redact`
   */
  actions?: Record<string, ActionSetting>;
  /**
   * The vault the `tokenize` action issues placeholders from. Required when an action is `tokenize`.
   * @defaultValue none
   */
  vault?: TokenVault;
  /**
   * Key of the `hash` action's HMAC-SHA-256 (a string of 16+ characters or 16+ bytes). Without it a random key is
   * drawn per detector, so hashes are stable within it but differ between detectors and processes.
   * @defaultValue 32 random bytes from `crypto.getRandomValues`
   */
  hmacKey?: string | Uint8Array;
  /**
   * Hex characters of the HMAC kept in `[HASH:TYPE:…]` (8–64).
   * @defaultValue 16
   */
  hashLength?: number;
  /**
   * The stage's name in a pipeline.
   * @defaultValue "sensitive-data"
   */
  name?: string;
}

/**
 * Options of {@link createFilterPipeline}: detection and actions, the size cap, and extra stages.
 *
 * @example
 * ```ts
 * const options: FilterPipelineOptions = { maxBytes: 64_000, actions: { email: "mask" } };
 * ```
 */
export interface FilterPipelineOptions extends Omit<SensitiveFieldDetectorOptions, "name"> {
  /**
   * Output larger than this many bytes (UTF-8 JSON) is truncated with markers saying what was dropped.
   * @defaultValue 1_048_576
   */
  maxBytes?: number;
  /**
   * Extra stages run after detection and before the size cap.
   * @defaultValue []
   */
  filters?: DataFilter[];
}

/**
 * Options of {@link createResultCompressor}.
 *
 * @example
 * ```ts
 * const options: ResultCompressorOptions = { maxBytes: 32_768, level: 9 };
 * ```
 */
export interface ResultCompressorOptions {
  /**
   * Output larger than this many bytes (UTF-8 JSON) is truncated; at least 64.
   * @defaultValue 1_048_576
   */
  maxBytes?: number;
  /**
   * Compression level of `compress()` (0 = store … 9 = smallest).
   * @defaultValue 6
   */
  level?: number;
  /**
   * `decompress()` refuses to inflate more than this many bytes (guards against zip bombs).
   * @defaultValue 67_108_864
   */
  maxDecompressedBytes?: number;
  /**
   * The stage's name in a pipeline.
   * @defaultValue "size-limit"
   */
  name?: string;
}

/**
 * Options of {@link createDataTokenizer}.
 *
 * @example
 * ```ts
 * import { createTokenVault } from "@athena/filter";
 * const options: DataTokenizerOptions = { vault: createTokenVault(), disabledTypes: ["ipv4"] };
 * ```
 */
export interface DataTokenizerOptions extends DetectionOptions {
  /**
   * The vault placeholders come from; a new one when absent (read it back from `tokenizer.vault`).
   * @defaultValue a new vault
   */
  vault?: TokenVault;
  /**
   * The stage's name in a pipeline.
   * @defaultValue "tokenizer"
   */
  name?: string;
}

/**
 * Options of {@link createTokenVault}.
 *
 * @example
 * ```ts
 * const options: TokenVaultOptions = { maxEntries: 10_000 };
 * ```
 */
export interface TokenVaultOptions extends DetectionOptions {
  /**
   * Most values held; once full, `issue` returns undefined and `tokenize` redacts new values instead.
   * @defaultValue 100_000
   */
  maxEntries?: number;
}

const actionSetting = z.enum(["redact", "mask", "hash", "tokenize", "keep", "off"]);

const vaultShape = z.custom<TokenVault>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as TokenVault).issue === "function" &&
    typeof (value as TokenVault).has === "function" &&
    typeof (value as TokenVault).detokenize === "function",
  { message: "expected a TokenVault (from createTokenVault())" },
);

const filterShape = z.custom<DataFilter>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as DataFilter).name === "string" &&
    (value as DataFilter).name.length > 0 &&
    typeof (value as DataFilter).apply === "function",
  { message: "expected a DataFilter ({ name, apply(value, context) })" },
);

const detectionShape = {
  detectByFieldName: z.boolean().default(true),
  detectByValue: z.boolean().default(true),
  scanKeys: z.boolean().default(true),
  parseNestedJson: z.boolean().default(true),
  fieldNames: z
    .record(z.string().min(1), z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, "types are snake_case, e.g. national_id"))
    .default({}),
  ignoreFieldNames: z.array(z.string().min(1)).default([]),
  maxDepth: z.number().int().min(1).max(1000).default(64),
  maxNodes: z.number().int().min(1).default(5_000_000),
  disabledTypes: z.array(z.string().min(1)).default([]),
};

const detectorShape = {
  ...detectionShape,
  actions: z.record(z.string().min(1), actionSetting).default({}),
  vault: vaultShape.optional(),
  hmacKey: z
    .union([
      z.string().min(16, "hmacKey needs 16+ characters"),
      z.instanceof(Uint8Array).refine((key) => key.length >= 16, "hmacKey needs 16+ bytes"),
    ])
    .optional(),
  hashLength: z.number().int().min(8).max(64).default(16),
};

const detectorSchema = z.strictObject({ ...detectorShape, name: z.string().min(1).default("sensitive-data") });

const pipelineSchema = z.strictObject({
  ...detectorShape,
  maxBytes: z.number().int().min(64).default(1_048_576),
  filters: z.array(filterShape).default([]),
});

const compressorSchema = z.strictObject({
  maxBytes: z.number().int().min(64).default(1_048_576),
  level: z.number().int().min(0).max(9).default(6),
  maxDecompressedBytes: z.number().int().min(1).default(67_108_864),
  name: z.string().min(1).default("size-limit"),
});

const tokenizerSchema = z.strictObject({
  ...detectionShape,
  vault: vaultShape.optional(),
  name: z.string().min(1).default("tokenizer"),
});

const tokenVaultSchema = z.strictObject({
  ...detectionShape,
  maxEntries: z.number().int().min(1).default(100_000),
});

/** Detection options with defaults filled. */
export interface ParsedDetection {
  detectByFieldName: boolean;
  detectByValue: boolean;
  scanKeys: boolean;
  parseNestedJson: boolean;
  fieldNames: Record<string, string>;
  ignoreFieldNames: string[];
  maxDepth: number;
  maxNodes: number;
  disabledTypes: string[];
}

/** Detector options with defaults filled. */
export interface ParsedDetector extends ParsedDetection {
  actions: Record<string, ActionSetting>;
  vault?: TokenVault | undefined;
  hmacKey?: string | Uint8Array | undefined;
  hashLength: number;
}

/** Validates {@link SensitiveFieldDetectorOptions}. */
export function parseDetectorOptions(options: unknown): ParsedDetector & { name: string } {
  return parseOptions(detectorSchema, options, "createSensitiveFieldDetector");
}

/** Validates {@link FilterPipelineOptions}. */
export function parsePipelineOptions(options: unknown): ParsedDetector & { maxBytes: number; filters: DataFilter[] } {
  return parseOptions(pipelineSchema, options, "createFilterPipeline");
}

/** Validates {@link ResultCompressorOptions}. */
export function parseCompressorOptions(options: unknown): {
  maxBytes: number;
  level: number;
  maxDecompressedBytes: number;
  name: string;
} {
  return parseOptions(compressorSchema, options, "createResultCompressor");
}

/** Validates {@link DataTokenizerOptions}. */
export function parseTokenizerOptions(
  options: unknown,
): ParsedDetection & { vault?: TokenVault | undefined; name: string } {
  return parseOptions(tokenizerSchema, options, "createDataTokenizer");
}

/** Validates {@link TokenVaultOptions}. */
export function parseVaultOptions(options: unknown): ParsedDetection & { maxEntries: number } {
  return parseOptions(tokenVaultSchema, options, "createTokenVault");
}

/** Validates `options` or throws `FilterError("INVALID_OPTIONS")` with every problem listed. */
function parseOptions<T extends z.ZodType>(schema: T, options: unknown, factory: string): z.output<T> {
  const result = schema.safeParse(options ?? {});
  if (!result.success) {
    throw new FilterError(
      "INVALID_OPTIONS",
      `${factory}: invalid options.\n${z.prettifyError(result.error)}\nFix the options above (see the README's options table).`,
      { cause: result.error },
    );
  }
  return result.data;
}

/** Detection settings resolved for the engine. */
export interface ResolvedDetection {
  byField: boolean;
  byValue: boolean;
  scanKeys: boolean;
  nestedJson: boolean;
  maxDepth: number;
  maxNodes: number;
  fieldExtra: ReadonlyMap<string, string> | undefined;
  fieldIgnore: ReadonlySet<string> | undefined;
  off: ReadonlySet<string>;
  customTypes: ReadonlySet<string>;
}

/** Normalises the detection part of parsed options; throws INVALID_OPTIONS for unknown disabled types. */
export function resolveDetection(parsed: ParsedDetection): ResolvedDetection {
  const fieldExtra = new Map<string, string>();
  for (const [name, type] of Object.entries(parsed.fieldNames)) fieldExtra.set(normaliseFieldName(name), type);
  const customTypes = new Set(fieldExtra.values());
  const off = new Set<string>();
  for (const type of parsed.disabledTypes) {
    if (!typeTable().has(type) && !customTypes.has(type)) throw unknownType(type, "disabledTypes");
    off.add(type);
  }
  return {
    byField: parsed.detectByFieldName,
    byValue: parsed.detectByValue,
    scanKeys: parsed.scanKeys,
    nestedJson: parsed.parseNestedJson,
    maxDepth: parsed.maxDepth,
    maxNodes: parsed.maxNodes,
    fieldExtra: fieldExtra.size > 0 ? fieldExtra : undefined,
    fieldIgnore:
      parsed.ignoreFieldNames.length > 0 ? new Set(parsed.ignoreFieldNames.map(normaliseFieldName)) : undefined,
    off,
    customTypes,
  };
}

/** The error for a type name nobody knows, with what to do. */
export function unknownType(type: string, option: string): FilterError {
  return new FilterError(
    "INVALID_OPTIONS",
    `Unknown sensitive type "${type}" in ${option}: use a type from listSensitiveTypes(), a category ("secret", "pii"), or a type you declared in fieldNames.`,
  );
}
