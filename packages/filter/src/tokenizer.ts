import { ActionApplier } from "./actions.js";
import { createCaches, type EngineConfig, runEngine } from "./engine.js";
import { type DataTokenizerOptions, parseTokenizerOptions, resolveDetection } from "./options.js";
import { type InternalStage, STAGE } from "./stage.js";
import type { DataFilter, FilterContext, TokenVault } from "./types.js";
import { createTokenVault } from "./vault.js";

/**
 * A pipeline stage that tokenizes every sensitive value it finds (secrets and personal data alike) through a
 * {@link TokenVault}, so data can flow on to other tools and be restored with `detokenize` while the model sees only
 * placeholders.
 *
 * @example
 * ```ts
 * import { createDataTokenizer } from "@athena/filter";
 * const tokenizer = createDataTokenizer();
 * const safe = tokenizer.tokenize({ card: "4111 1111 1111 1111" }); // { card: "[CREDIT_CARD_1]" }
 * tokenizer.detokenize(safe); // { card: "4111 1111 1111 1111" }
 * ```
 */
export interface DataTokenizer extends DataFilter {
  /** The vault placeholders are issued from. */
  readonly vault: TokenVault;
  /** Same as `apply` without a context: a tokenized copy of `value`. */
  tokenize(value: unknown): unknown;
  /** Restores this vault's placeholders anywhere in `value`. */
  detokenize(value: unknown): unknown;
}

/**
 * Creates a {@link DataTokenizer}.
 *
 * @param options - detection options, and the `vault` to use (a new one by default)
 * @throws FilterError `INVALID_OPTIONS` for unknown options or types
 * @example
 * ```ts
 * import { createDataTokenizer, createFilterPipeline, createTokenVault } from "@athena/filter";
 * const vault = createTokenVault();
 * const pipeline = createFilterPipeline();
 * pipeline.addFilter(createDataTokenizer({ vault }), { before: "sensitive-data" });
 * ```
 */
export function createDataTokenizer(options: DataTokenizerOptions = {}): DataTokenizer {
  const parsed = parseTokenizerOptions(options);
  const detection = resolveDetection(parsed);
  const vault = parsed.vault ?? createTokenVault();
  const config: EngineConfig = {
    ...detection,
    actionFor: (type: string) => (detection.off.has(type) ? "off" : "tokenize"),
    applier: new ActionApplier(new Uint8Array(32), 16, vault),
    vault,
    caches: createCaches(detection.fieldExtra, detection.fieldIgnore),
  };
  const tokenizer: DataTokenizer & InternalStage = {
    name: parsed.name,
    vault,
    apply(value: unknown, context: FilterContext): unknown {
      return runEngine(value, config, {
        finding: (finding) => context.report(finding),
        note: (note) => context.note(note),
      }).data;
    },
    tokenize(value: unknown): unknown {
      return runEngine(value, config, { finding: () => {}, note: () => {} }).data;
    },
    detokenize(value: unknown): unknown {
      return vault.detokenize(value);
    },
    [STAGE](value, sink) {
      const out = runEngine(value, config, sink);
      return {
        data: out.data,
        originalBytes: out.originalBytes,
        filteredBytes: out.filteredBytes,
        edits: out.edits,
        truncated: false,
      };
    },
  };
  return tokenizer;
}
