import { compileAccessor, compileFilter, type EventFilter, filterTypes } from "./filter.js";
import { fnv1a32 } from "./hash.js";
import {
  type CorrelationPattern,
  canonicalJson,
  DEFAULT_ACTIONS,
  type SequencePattern,
  threatTypeOf,
} from "./patterns.js";
import { type CompiledInput, compileKeyReader, type RuntimeSpec } from "./runtime.js";

/** A pattern after defaults were applied and its filters compiled; shared by every engine built from the options. */
export interface CompiledPattern {
  spec: RuntimeSpec;
  threshold: number;
  /** Sequence: max gap before each step (index 0 unused). */
  gaps: number[];
  /** Sequence: step names. */
  stepNames: string[];
  ordered: boolean;
  minSteps: number;
  /** Key of the shared key table: the group-by names. */
  tableName: string;
}

/** Defaults that come from the correlator's options. */
export interface CompileDefaults {
  timeWindowMs: number;
  minEventsForThreat: number;
}

function asArray<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

function input(filter: EventFilter, groupBy: readonly string[], valuePath: string | undefined): CompiledInput {
  return {
    match: compileFilter(filter),
    key: compileKeyReader(groupBy, filter.aliases),
    fields: groupBy.map((name) => compileAccessor(filter.aliases?.[name] ?? name)),
    value: valuePath === undefined ? undefined : compileKeyReader([valuePath], filter.aliases),
    types: filterTypes(filter),
    typeOnly: Object.keys(filter).every((k) => k === "type" || k === "aliases") && filter.type !== undefined,
  };
}

/**
 * Applies defaults and compiles validated patterns. Checks what a schema cannot: unique ids, references of
 * `correlation` filters to patterns that output events, and the absence of cycles among them.
 *
 * @param patterns - patterns that passed the schema
 * @param defaults - the correlator's window and minimum count
 * @returns compiled patterns, in the given order
 * @throws Error with a readable message (the factory wraps it as `INVALID_OPTIONS`)
 */
export function compilePatterns(patterns: readonly CorrelationPattern[], defaults: CompileDefaults): CompiledPattern[] {
  const ids = new Set<string>();
  for (const p of patterns) {
    if (ids.has(p.id)) throw new Error(`two patterns have the id "${p.id}"; pattern ids must be unique`);
    ids.add(p.id);
  }
  const producers = new Map(patterns.map((p) => [p.id, p]));
  const consumes = new Map<string, Set<string>>();
  for (const p of patterns) {
    const refs = new Set<string>();
    const filters: EventFilter[] =
      p.kind === "sequence" ? p.steps.map((s) => s.filter) : [...asArray<EventFilter>(p.filter)];
    if (p.until !== undefined) filters.push(p.until);
    const visit = (f: EventFilter): void => {
      if (f.correlation !== undefined) refs.add(f.correlation);
      for (const c of f.all ?? []) visit(c);
      for (const c of f.any ?? []) visit(c);
      if (f.not !== undefined) visit(f.not);
    };
    filters.forEach(visit);
    for (const ref of refs) {
      const producer = producers.get(ref);
      if (producer === undefined)
        throw new Error(`pattern "${p.id}" refers to correlation "${ref}", which is not one of the patterns`);
      if ((producer.output ?? "threat") === "threat")
        throw new Error(
          `pattern "${p.id}" consumes the events of pattern "${ref}", which only reports threats: give "${ref}" output "event" or "both"`,
        );
    }
    consumes.set(p.id, refs);
  }
  const state = new Map<string, "visiting" | "done">();
  const walk = (id: string, path: string[]): void => {
    if (state.get(id) === "done") return;
    if (state.get(id) === "visiting")
      throw new Error(`patterns form a cycle through their derived events: ${[...path, id].join(" → ")}`);
    state.set(id, "visiting");
    for (const ref of consumes.get(id) ?? []) walk(ref, [...path, id]);
    state.set(id, "done");
  };
  for (const p of patterns) walk(p.id, []);

  return patterns.map((p) => compileOne(p, defaults));
}

function compileOne(p: CorrelationPattern, defaults: CompileDefaults): CompiledPattern {
  const groupBy = [...asArray<string>(p.groupBy)];
  const windowMs = p.windowMs ?? defaults.timeWindowMs;
  const inputs =
    p.kind === "sequence"
      ? p.steps.map((s) => input(s.filter, groupBy, undefined))
      : asArray<EventFilter>(p.filter).map((f) => input(f, groupBy, p.kind === "distinct" ? p.field : undefined));
  const spec: RuntimeSpec = {
    info: {
      id: p.id,
      name: p.name ?? p.id,
      description: p.description ?? `${p.name ?? p.id} (${p.kind} pattern)`,
      threatType: p.threatType ?? threatTypeOf(p.id),
      severity: p.severity ?? "medium",
      groupBy,
      windowMs,
      recommendedActions: [...(p.recommendedActions ?? DEFAULT_ACTIONS[p.kind])],
      iocFields: (p.iocFields ?? []).map((path) => ({ path, read: compileAccessor(path) })),
      distinctField: p.kind === "distinct" ? p.field : undefined,
    },
    kind: p.kind,
    windowMs,
    suppressMs: p.suppressMs ?? windowMs,
    output: p.output ?? "threat",
    fingerprint: "",
    inputs,
    until: p.until,
    groupBy,
  };
  const seq = p.kind === "sequence" ? (p as SequencePattern) : undefined;
  const gaps = seq === undefined ? [] : seq.steps.map((s) => s.maxGapMs ?? seq.maxGapMs ?? windowMs);
  const threshold =
    p.kind === "sequence" ? 0 : p.kind === "threshold" ? (p.threshold ?? defaults.minEventsForThreat) : p.threshold;
  // The fingerprint covers the effective settings, so a snapshot is refused by a correlator whose defaults differ.
  spec.fingerprint = fnv1a32(canonicalJson({ ...p, windowMs, suppressMs: spec.suppressMs, threshold })).toString(16);
  return {
    spec,
    threshold,
    gaps,
    stepNames: seq === undefined ? [] : seq.steps.map((s, i) => s.name ?? `step ${i + 1}`),
    ordered: seq?.ordered ?? true,
    minSteps: seq === undefined ? 0 : (seq.minSteps ?? seq.steps.length),
    tableName: groupBy.join(","),
  };
}
