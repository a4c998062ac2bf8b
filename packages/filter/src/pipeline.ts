import { createResultCompressor } from "./compressor.js";
import { detectorFromParsed } from "./detector.js";
import { createCaches, type EngineConfig, type EngineSink, runEngine } from "./engine.js";
import { FilterError } from "./errors.js";
import { formatCount } from "./json-size.js";
import { type FilterPipelineOptions, parsePipelineOptions } from "./options.js";
import { isInternalStage, STAGE } from "./stage.js";
import type { DataFilter, FilterContext, FilterFinding, FilterNote, FilterResult, TokenVault } from "./types.js";

/**
 * Where {@link FilterPipeline.addFilter} puts a stage: before or after a named one. Without either, a stage goes
 * before the size cap (`size-limit`) when there is one, else last.
 *
 * @example
 * ```ts
 * const position: FilterPosition = { after: "sensitive-data" };
 * ```
 */
export interface FilterPosition {
  /** Insert before the stage with this name. */
  before?: string;
  /** Insert after the stage with this name. */
  after?: string;
}

/**
 * An ordered list of {@link DataFilter} stages applied to tool results and program output before a model sees them.
 * `apply` is synchronous, never throws on JSON-like input (cycles, deep nesting, huge strings, typed arrays, Map,
 * Set, throwing getters) and never mutates it. Structurally an `OutputFilter` for @athena/sandbox-wasm and
 * @athena/adapters.
 *
 * @example
 * ```ts
 * import { createFilterPipeline } from "@athena/filter";
 * const pipeline = createFilterPipeline();
 * const { data, findings } = pipeline.apply({ user: "ada", password: "hunter2", note: "key AKIAZ7Q2RL5XW3MNBV4P" });
 * // data = { user: "ada", password: "[REDACTED:PASSWORD]", note: "key [REDACTED:AWS_ACCESS_KEY_ID]" }
 * ```
 */
export interface FilterPipeline {
  /** Runs every stage on `value`; see {@link FilterResult}. */
  apply(value: unknown): FilterResult;
  /**
   * Adds a stage.
   *
   * @throws FilterError `DUPLICATE_FILTER` when a stage already has that name; `UNKNOWN_FILTER` when `before` or
   *   `after` names no stage
   */
  addFilter(filter: DataFilter, position?: FilterPosition): void;
  /** Removes the stage with this name; false when there was none. */
  removeFilter(name: string): boolean;
  /** The stages, in order (a copy). */
  getFilters(): readonly DataFilter[];
  /** The vault the `tokenize` action uses, when one was given. */
  readonly vault: TokenVault | undefined;
  /** Releases the pipeline; `apply` and the stage methods then throw `DISPOSED`. Idempotent. */
  dispose(): void;
  /** Same as `dispose()`. */
  [Symbol.dispose](): void;
}

const MAX_NOTES = 100;
const MAX_FINDINGS = 10_000;

/**
 * Creates a {@link FilterPipeline} with two stages: `sensitive-data` (detection by field name and by value, and the
 * action per type) and `size-limit` (truncation to `maxBytes`), plus any `filters` between them.
 *
 * @param options - detection and actions (see {@link SensitiveFieldDetectorOptions}), `maxBytes`, `filters`
 * @returns a ready pipeline
 * @throws FilterError `INVALID_OPTIONS` for unknown options or types, out-of-range numbers, or `tokenize` without a
 *   vault
 * @example
 * ```ts
 * import { createFilterPipeline, createTokenVault } from "@athena/filter";
 *
 * const vault = createTokenVault();
 * const pipeline = createFilterPipeline({ vault, maxBytes: 64_000 });
 * const result = pipeline.apply({ customer: "ada@example.com", token: "ghp_…" });
 * // result.data.customer === "[EMAIL_1]"; vault.detokenize(result.data) gives the e-mail back
 * ```
 */
export function createFilterPipeline(options: FilterPipelineOptions = {}): FilterPipeline {
  const parsed = parsePipelineOptions(options);
  const { maxBytes, filters, ...detectorOptions } = parsed;
  const detector = detectorFromParsed({ ...detectorOptions, name: "sensitive-data" }, "createFilterPipeline");
  const compressor = createResultCompressor({ maxBytes, name: "size-limit" });
  const stages: DataFilter[] = [detector];
  for (const filter of filters) addStage(stages, filter, undefined, true);
  stages.push(compressor);
  const normalise = normaliser();
  let disposed = false;

  const alive = (operation: string): void => {
    if (disposed)
      throw new FilterError("DISPOSED", `FilterPipeline.${operation}() called after dispose(): create a new pipeline.`);
  };

  const pipeline: FilterPipeline = {
    apply(value: unknown): FilterResult {
      alive("apply");
      return run(stages, value, normalise);
    },
    addFilter(filter: DataFilter, position?: FilterPosition): void {
      alive("addFilter");
      addStage(stages, filter, position, false);
    },
    removeFilter(name: string): boolean {
      alive("removeFilter");
      const index = stages.findIndex((stage) => stage.name === name);
      if (index === -1) return false;
      stages.splice(index, 1);
      return true;
    },
    getFilters(): readonly DataFilter[] {
      alive("getFilters");
      return [...stages];
    },
    vault: parsed.vault,
    dispose(): void {
      disposed = true;
      stages.length = 0;
    },
    [Symbol.dispose](): void {
      pipeline.dispose();
    },
  };
  return pipeline;
}

function addStage(
  stages: DataFilter[],
  filter: DataFilter,
  position: FilterPosition | undefined,
  initial: boolean,
): void {
  if (
    typeof filter !== "object" ||
    filter === null ||
    typeof filter.name !== "string" ||
    typeof filter.apply !== "function"
  )
    throw new FilterError(
      "INVALID_OPTIONS",
      "addFilter() takes a DataFilter: an object with a `name` and an `apply(value, context)`.",
    );
  if (stages.some((stage) => stage.name === filter.name))
    throw new FilterError(
      "DUPLICATE_FILTER",
      `A stage named "${filter.name}" is already in the pipeline: remove it first or rename the new one.`,
    );
  const indexOf = (name: string): number => {
    const index = stages.findIndex((stage) => stage.name === name);
    if (index === -1)
      throw new FilterError(
        "UNKNOWN_FILTER",
        `No stage named "${name}"; stages are: ${stages.map((s) => s.name).join(", ")}.`,
      );
    return index;
  };
  if (position?.before !== undefined) stages.splice(indexOf(position.before), 0, filter);
  else if (position?.after !== undefined) stages.splice(indexOf(position.after) + 1, 0, filter);
  else if (initial) stages.push(filter);
  else {
    const cap = stages.findIndex((stage) => stage.name === "size-limit");
    if (cap === -1) stages.push(filter);
    else stages.splice(cap, 0, filter);
  }
}

/** The conversion-only walk used around custom stages. */
function normaliser(): EngineConfig {
  return {
    byField: false,
    byValue: false,
    scanKeys: false,
    nestedJson: false,
    maxDepth: 1000,
    maxNodes: 5_000_000,
    fieldExtra: undefined,
    fieldIgnore: undefined,
    actionFor: () => "off",
    applier: undefined,
    vault: undefined,
    caches: createCaches(undefined, undefined),
  };
}

function run(stages: readonly DataFilter[], value: unknown, normalise: EngineConfig): FilterResult {
  const findings: FilterFinding[] = [];
  const notes: FilterNote[] = [];
  let findingCount = 0;
  let noteOverflow = 0;
  const sink: EngineSink = {
    finding(finding) {
      findingCount++;
      if (findings.length < MAX_FINDINGS) findings.push(finding);
    },
    note(note) {
      if (notes.length < MAX_NOTES) notes.push(note);
      else noteOverflow++;
    },
  };
  const context: FilterContext = { report: (finding) => sink.finding(finding), note: (note) => sink.note(note) };

  let data = value;
  let normalised = false;
  let knownBytes: number | undefined;
  let originalBytes = 0;
  let changed = false;
  let truncated = false;
  try {
    for (const stage of stages) {
      if (isInternalStage(stage)) {
        const result = stage[STAGE](data, sink, normalised ? knownBytes : undefined);
        if (!normalised) originalBytes = result.originalBytes;
        data = result.data;
        knownBytes = result.filteredBytes;
        normalised = true;
        if (result.edits > 0) changed = true;
        if (result.truncated) truncated = true;
        continue;
      }
      if (!normalised) {
        const first = runEngine(data, normalise, sink);
        originalBytes = first.originalBytes;
        data = first.data;
        knownBytes = first.filteredBytes;
        normalised = true;
        if (first.edits > 0) changed = true;
      }
      let out: unknown;
      try {
        out = stage.apply(data, context);
      } catch (error) {
        // Fail closed: data a stage could not filter is withheld, never passed on unfiltered.
        sink.note({
          path: "$",
          kind: "filter_failed",
          detail: `filter "${stage.name}" threw ${describeError(error)}: output withheld`,
        });
        out = `[withheld: filter "${stage.name}" failed]`;
      }
      const before = knownBytes;
      const after = runEngine(out, normalise, sink);
      if (out !== data || after.filteredBytes !== before || after.edits > 0) changed = true;
      data = after.data;
      knownBytes = after.filteredBytes;
    }
    if (!normalised) {
      const only = runEngine(data, normalise, sink);
      originalBytes = only.originalBytes;
      data = only.data;
      knownBytes = only.filteredBytes;
      if (only.edits > 0) changed = true;
    }
  } catch (error) {
    // Not reachable by any input we know of; if it happens, fail closed as well.
    sink.note({ path: "$", kind: "filter_failed", detail: `internal error ${describeError(error)}: output withheld` });
    data = "[withheld: filter error]";
    knownBytes = 26;
    changed = true;
  }
  if (findingCount > findings.length)
    notes.push({
      path: "$",
      kind: "truncated",
      detail: `findings list: showing ${formatCount(findings.length)} of ${formatCount(findingCount)}`,
    });
  if (noteOverflow > 0)
    notes.push({ path: "$", kind: "truncated", detail: `${formatCount(noteOverflow)} more notes not listed` });
  return {
    data,
    wasFiltered: changed,
    originalSizeBytes: originalBytes,
    filteredSizeBytes: knownBytes ?? 0,
    findings,
    notes,
    truncated,
  };
}

function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}`;
    return typeof error;
  } catch {
    return "an error";
  }
}
