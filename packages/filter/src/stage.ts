/** The protocol between the pipeline and its built-in stages (not exported from the package). */
import type { EngineSink } from "./engine.js";

/** Marks a built-in stage: it accepts any JS value and reports exact sizes. */
export const STAGE: unique symbol = Symbol("@athena/filter/stage");

/** What a built-in stage returns to the pipeline. */
export interface StageRun {
  data: unknown;
  /** JSON size of the input (exact when the input was already plain JSON). */
  originalBytes: number;
  /** Exact JSON size of `data`. */
  filteredBytes: number;
  /** Changes made (replacements, conversions, cuts). */
  edits: number;
  truncated: boolean;
}

/** A built-in stage. `knownBytes` is the exact size of `value` when the previous stage knew it. */
export interface InternalStage {
  [STAGE](value: unknown, sink: EngineSink, knownBytes: number | undefined): StageRun;
}

/** True for built-in stages. */
export function isInternalStage(value: unknown): value is InternalStage {
  return typeof value === "object" && value !== null && STAGE in value;
}
