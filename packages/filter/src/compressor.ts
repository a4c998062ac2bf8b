import { Gunzip, gzipSync, strFromU8, strToU8 } from "fflate";
import { createCaches, type EngineConfig, runEngine } from "./engine.js";
import { FilterError } from "./errors.js";
import { parseCompressorOptions, type ResultCompressorOptions } from "./options.js";
import { type InternalStage, STAGE, type StageRun } from "./stage.js";
import { fitToBudget } from "./truncate.js";
import type { DataFilter, FilterContext, FilterNote } from "./types.js";

/**
 * What {@link ResultCompressor.truncate} returns.
 *
 * @example
 * ```ts
 * const fitted: TruncateResult = { data: [1, 2, "[truncated: 98 more items, 392 bytes]"], sizeBytes: 45, truncated: true, notes: [] };
 * ```
 */
export interface TruncateResult {
  /** Plain JSON data no larger than `maxBytes`. */
  data: unknown;
  /** Exact UTF-8 size of `JSON.stringify(data)`. */
  sizeBytes: number;
  /** True when anything was cut. */
  truncated: boolean;
  /** One note per cut, saying what was dropped. */
  notes: FilterNote[];
}

/**
 * Keeps results within a byte budget, and compresses them for storage or transport. As a pipeline stage it truncates
 * output larger than `maxBytes` with honest markers (long arrays keep their first items plus a count of the rest;
 * strings keep a prefix plus the number of characters cut).
 *
 * @example
 * ```ts
 * import { createResultCompressor } from "@athena/filter";
 * const compressor = createResultCompressor({ maxBytes: 256 });
 * const { data } = compressor.truncate({ rows: Array.from({ length: 1000 }, (_, i) => ({ id: i })) });
 * const packed = compressor.compress({ big: "x".repeat(10_000) }); // gzip bytes
 * const back = compressor.decompress(packed); // { big: "xxxx…" }
 * ```
 */
export interface ResultCompressor extends DataFilter {
  /** The byte budget. */
  readonly maxBytes: number;
  /** Converts `value` to plain JSON data and fits it into `maxBytes`. Never throws. */
  truncate(value: unknown): TruncateResult;
  /**
   * Gzips the JSON text of `value` (converted to plain JSON data first).
   *
   * @returns gzip bytes (RFC 1952), readable by `gunzip` and `DecompressionStream("gzip")`
   */
  compress(value: unknown): Uint8Array;
  /**
   * Reverses {@link ResultCompressor.compress}.
   *
   * @throws FilterError `INVALID_INPUT` when the bytes are not gzip of JSON text, or inflate beyond
   *   `maxDecompressedBytes`
   */
  decompress(bytes: Uint8Array): unknown;
}

/**
 * Creates a {@link ResultCompressor}.
 *
 * @param options - `maxBytes`, `level`, `maxDecompressedBytes`, `name`
 * @throws FilterError `INVALID_OPTIONS` when an option is out of range or unknown
 * @example
 * ```ts
 * import { createFilterPipeline, createResultCompressor } from "@athena/filter";
 * const pipeline = createFilterPipeline();
 * pipeline.removeFilter("size-limit");
 * pipeline.addFilter(createResultCompressor({ maxBytes: 16_384 }));
 * ```
 */
export function createResultCompressor(options: ResultCompressorOptions = {}): ResultCompressor {
  const parsed = parseCompressorOptions(options);
  const normaliseConfig: EngineConfig = {
    byField: false,
    byValue: false,
    scanKeys: false,
    nestedJson: false,
    maxDepth: 1000,
    maxNodes: Number.MAX_SAFE_INTEGER,
    fieldExtra: undefined,
    fieldIgnore: undefined,
    actionFor: () => "off",
    applier: undefined,
    vault: undefined,
    caches: createCaches(undefined, undefined),
  };

  const run = (value: unknown, note: (note: FilterNote) => void, knownBytes: number | undefined): StageRun => {
    let data = value;
    let bytes = knownBytes;
    let edits = 0;
    if (bytes === undefined) {
      const normal = runEngine(value, normaliseConfig, { finding: () => {}, note });
      data = normal.data;
      bytes = normal.filteredBytes;
      edits = normal.edits;
    }
    const originalBytes = bytes;
    if (bytes <= parsed.maxBytes) return { data, originalBytes, filteredBytes: bytes, edits, truncated: false };
    const fitted = fitToBudget(data, parsed.maxBytes, note);
    return { data: fitted.value, originalBytes, filteredBytes: fitted.bytes, edits: edits + 1, truncated: true };
  };

  const compressor: ResultCompressor & InternalStage = {
    name: parsed.name,
    maxBytes: parsed.maxBytes,
    apply(value: unknown, context: FilterContext): unknown {
      return run(value, (note) => context.note(note), undefined).data;
    },
    truncate(value: unknown): TruncateResult {
      const notes: FilterNote[] = [];
      const result = run(value, (note) => notes.push(note), undefined);
      return { data: result.data, sizeBytes: result.filteredBytes, truncated: result.truncated, notes };
    },
    compress(value: unknown): Uint8Array {
      const normal = runEngine(value, normaliseConfig, { finding: () => {}, note: () => {} });
      const text = normal.data === undefined ? "null" : JSON.stringify(normal.data);
      return gzipSync(strToU8(text), { level: parsed.level as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 });
    },
    decompress(bytes: Uint8Array): unknown {
      if (!(bytes instanceof Uint8Array))
        throw new FilterError("INVALID_INPUT", "decompress() takes the Uint8Array returned by compress().");
      const chunks: Uint8Array[] = [];
      let total = 0;
      let tooLarge = false;
      const inflater = new Gunzip((chunk) => {
        total += chunk.length;
        if (total > parsed.maxDecompressedBytes) {
          tooLarge = true;
          throw new RangeError("inflate limit"); // stops inflating at once
        }
        chunks.push(chunk);
      });
      try {
        inflater.push(bytes, true);
      } catch (error) {
        if (!tooLarge)
          throw new FilterError("INVALID_INPUT", "decompress(): the bytes are not valid gzip data from compress().", {
            cause: error,
          });
      }
      if (tooLarge)
        throw new FilterError(
          "INVALID_INPUT",
          `decompress(): the data inflates beyond maxDecompressedBytes (${parsed.maxDecompressedBytes}); raise the option if you trust the source.`,
        );
      if (total === 0 && chunks.length === 0 && bytes.length === 0)
        throw new FilterError("INVALID_INPUT", "decompress(): got no bytes; pass what compress() returned.");
      const joined = new Uint8Array(total);
      let offset = 0;
      for (const chunk of chunks) {
        joined.set(chunk, offset);
        offset += chunk.length;
      }
      try {
        return JSON.parse(strFromU8(joined));
      } catch (error) {
        throw new FilterError("INVALID_INPUT", "decompress(): the inflated data is not JSON text from compress().", {
          cause: error,
        });
      }
    },
    [STAGE](value, sink, knownBytes) {
      return run(value, (note) => sink.note(note), knownBytes);
    },
  };
  return compressor;
}
