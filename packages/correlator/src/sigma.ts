import { parseAllDocuments } from "yaml";
import { CorrelatorError } from "./errors.js";
import type { SecuritySeverity } from "./event.js";
import {
  checkPath,
  type EventFilter,
  type FieldCondition,
  type FieldOperators,
  type FieldPath,
  parseCidr,
} from "./filter.js";
import { type CorrelationPattern, DEFAULT_ACTIONS, threatTypeOf } from "./patterns.js";

/** Options of {@link loadSigmaRules}. */
export interface SigmaLoadOptions {
  /**
   * Base rules given directly as field matchers, by the name correlation rules use in `rules:`. Detection rules in
   * the YAML itself take precedence over these.
   */
  baseRules?: Readonly<Record<string, EventFilter>>;
  /**
   * Sigma field name → event field path, e.g. `{ User: "userId", SourceIp: "ipAddress" }`. Unmapped names that are
   * top-level event fields (`type`, `source`, `severity`, `userId`, `ipAddress`, `sessionId`) or start with `data.`
   * are used as they are; any other name `X` reads `data.X`.
   */
  fieldMap?: Readonly<Record<string, FieldPath>>;
}

const TOP_LEVEL = new Set(["type", "source", "severity", "userId", "ipAddress", "sessionId", "timestamp"]);
const LEVELS: Readonly<Record<string, SecuritySeverity>> = {
  informational: "low",
  low: "low",
  medium: "medium",
  high: "high",
  critical: "critical",
};
const SUPPORTED_MODIFIERS = new Set([
  "contains",
  "startswith",
  "endswith",
  "all",
  "re",
  "i",
  "m",
  "s",
  "cased",
  "exists",
  "gt",
  "gte",
  "lt",
  "lte",
  "cidr",
]);

class RuleError extends Error {}

function fail(where: string, message: string): never {
  throw new RuleError(`${where}: ${message}`);
}

type Doc = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function mapField(name: string, fieldMap: Readonly<Record<string, FieldPath>> | undefined, where: string): FieldPath {
  const mapped = fieldMap?.[name];
  const path = mapped ?? (TOP_LEVEL.has(name) || name.startsWith("data.") ? name : `data.${name}`);
  const problem = checkPath(path);
  if (problem !== undefined) fail(where, `field "${name}": ${problem}`);
  return path;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Sigma wildcards: `*` any run, `?` one character, `\*` `\?` `\\` literal. */
function wildcardToRegex(value: string): string | undefined {
  let out = "";
  let wild = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === "\\" && i + 1 < value.length && "*?\\".includes(value[i + 1] as string)) {
      out += escapeRegex(value[i + 1] as string);
      i++;
    } else if (c === "*") {
      out += "[\\s\\S]*";
      wild = true;
    } else if (c === "?") {
      out += "[\\s\\S]";
      wild = true;
    } else {
      out += escapeRegex(c);
    }
  }
  return wild ? `^${out}$` : undefined;
}

function unescapeWildcards(value: string): string {
  return value.replace(/\\([*?\\])/g, "$1");
}

type Scalar = string | number | boolean | null;

function scalars(value: unknown, where: string): Scalar[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
    if (v instanceof Date) return v.toISOString();
    return fail(where, `values must be strings, numbers, booleans or null (got ${JSON.stringify(v)})`);
  });
}

/** One `field|modifiers: value(s)` entry of a selection. */
function fieldCondition(key: string, raw: unknown, options: SigmaLoadOptions, where: string): EventFilter {
  const [name, ...mods] = key.split("|");
  if (name === undefined || name === "") fail(where, `"${key}" has no field name (keyword searches are not supported)`);
  for (const m of mods)
    if (!SUPPORTED_MODIFIERS.has(m))
      fail(
        where,
        `the modifier "${m}" is not supported (supported: ${[...SUPPORTED_MODIFIERS].join(", ")}); see the README's Sigma section`,
      );
  const path = mapField(name, options.fieldMap, where);
  const values = scalars(raw, `${where}, field "${key}"`);
  const has = (m: string): boolean => mods.includes(m);
  const all = has("all");
  const ignoreCase = !has("cased");
  const where1 = (condition: FieldCondition): EventFilter => ({ where: { [path]: condition } });
  const combine = (filters: EventFilter[]): EventFilter => {
    if (filters.length === 1) return filters[0] as EventFilter;
    return all ? { all: filters } : { any: filters };
  };
  if (has("exists")) {
    const flag = values[0];
    if (values.length !== 1 || typeof flag !== "boolean") fail(where, `"${key}" needs true or false`);
    return where1({ exists: flag });
  }
  for (const op of ["gt", "gte", "lt", "lte"] as const) {
    if (has(op)) {
      return combine(
        values.map((v) => {
          if (typeof v !== "number") fail(where, `"${key}" compares numbers (got ${JSON.stringify(v)})`);
          return where1({ [op]: v } as FieldOperators);
        }),
      );
    }
  }
  if (has("cidr")) {
    return combine(
      values.map((v) => {
        if (typeof v !== "string" || parseCidr(v) === undefined)
          fail(where, `"${key}" needs IPv4 CIDR ranges such as "10.0.0.0/8" (got ${JSON.stringify(v)})`);
        return where1({ cidr: v });
      }),
    );
  }
  if (has("re")) {
    if (has("m") || has("s")) fail(where, `the regular expression flags m and s are not supported in "${key}"`);
    return combine(
      values.map((v) => {
        if (typeof v !== "string") fail(where, `"${key}" needs a regular expression string`);
        try {
          new RegExp(v);
        } catch (error) {
          fail(where, `"${key}": ${(error as Error).message}`);
        }
        return where1(has("i") ? { matches: v, ignoreCase: true } : { matches: v });
      }),
    );
  }
  const stringOp = has("contains") ? "contains" : has("startswith") ? "startsWith" : has("endswith") ? "endsWith" : "";
  return combine(
    values.map((v): EventFilter => {
      if (v === null) return where1({ exists: false });
      if (typeof v !== "string") {
        if (stringOp !== "") return where1({ [stringOp]: String(v), ignoreCase } as FieldOperators);
        return where1({ equals: v });
      }
      if (stringOp !== "") {
        // Wildcards inside contains/startswith/endswith values: turn the whole thing into one regular expression.
        const core = stringOp === "contains" ? `*${v}*` : stringOp === "startsWith" ? `${v}*` : `*${v}`;
        const regex = /(?<!\\)[*?]/.test(v) ? wildcardToRegex(core) : undefined;
        if (regex !== undefined) return where1({ matches: regex, ignoreCase });
        return where1({ [stringOp]: unescapeWildcards(v), ignoreCase } as FieldOperators);
      }
      const regex = wildcardToRegex(v);
      if (regex !== undefined) return where1({ matches: regex, ignoreCase });
      return where1({ equals: unescapeWildcards(v), ignoreCase });
    }),
  );
}

function selectionFilter(selection: unknown, options: SigmaLoadOptions, where: string): EventFilter {
  if (Array.isArray(selection)) {
    if (selection.some((s) => !isRecord(s)))
      fail(where, "keyword lists (search terms without a field) are not supported; match a field instead");
    const parts = selection.map((s, i) => selectionFilter(s, options, `${where}[${i}]`));
    return parts.length === 1 ? (parts[0] as EventFilter) : { any: parts };
  }
  if (!isRecord(selection)) fail(where, "a selection must be a map of fields to values, or a list of such maps");
  const parts = Object.entries(selection).map(([key, value]) => fieldCondition(key, value, options, where));
  if (parts.length === 0) fail(where, "a selection must name at least one field");
  return parts.length === 1 ? (parts[0] as EventFilter) : { all: parts };
}

/** Tokens of a detection condition. */
function tokenize(condition: string, where: string): string[] {
  const tokens = condition.match(/\(|\)|[^\s()]+/g) ?? [];
  if (tokens.length === 0) fail(where, "the condition is empty");
  return tokens;
}

function globToRegex(glob: string): RegExp {
  return new RegExp(`^${glob.split("*").map(escapeRegex).join(".*")}$`);
}

/** Parses `sel1 and not (sel2 or 1 of filter_*)` into a filter. */
function conditionFilter(condition: string, selections: Map<string, EventFilter>, where: string): EventFilter {
  if (condition.includes("|"))
    fail(where, `aggregations in conditions ("${condition}") are obsolete; use a correlation rule`);
  const tokens = tokenize(condition, where);
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const next = (): string => {
    const t = tokens[pos++];
    if (t === undefined) fail(where, `the condition "${condition}" ends too early`);
    return t;
  };
  const names = (pattern: string): EventFilter[] => {
    const matching =
      pattern === "them"
        ? [...selections.keys()].filter((n) => !n.startsWith("_"))
        : [...selections.keys()].filter((n) => globToRegex(pattern).test(n));
    if (matching.length === 0) fail(where, `"${pattern}" in the condition matches no selection`);
    return matching.map((n) => selections.get(n) as EventFilter);
  };
  const primary = (): EventFilter => {
    const t = next();
    const lower = t.toLowerCase();
    if (t === "(") {
      const inner = or();
      if (next() !== ")") fail(where, `missing ")" in the condition "${condition}"`);
      return inner;
    }
    if (lower === "not") return { not: primary() };
    if (lower === "1" || lower === "all" || lower === "any") {
      if (peek()?.toLowerCase() !== "of") fail(where, `expected "of" after "${t}" in "${condition}"`);
      next();
      const group = names(next());
      if (group.length === 1) return group[0] as EventFilter;
      return lower === "all" ? { all: group } : { any: group };
    }
    if (/^\d+$/.test(lower)) fail(where, `"${t} of" is not supported; use "1 of" or "all of"`);
    if (t.includes("|"))
      fail(where, `aggregations in conditions ("${condition}") are obsolete; use a correlation rule`);
    const selection = selections.get(t);
    if (selection === undefined) fail(where, `the condition names "${t}", which is not a selection`);
    return selection;
  };
  const and = (): EventFilter => {
    const parts = [primary()];
    while (peek()?.toLowerCase() === "and") {
      next();
      parts.push(primary());
    }
    return parts.length === 1 ? (parts[0] as EventFilter) : { all: parts };
  };
  const or = (): EventFilter => {
    const parts = [and()];
    while (peek()?.toLowerCase() === "or") {
      next();
      parts.push(and());
    }
    return parts.length === 1 ? (parts[0] as EventFilter) : { any: parts };
  };
  const result = or();
  if (pos !== tokens.length) fail(where, `unexpected "${tokens[pos]}" in the condition "${condition}"`);
  return result;
}

function detectionFilter(doc: Doc, options: SigmaLoadOptions, where: string): EventFilter {
  const detection = doc.detection;
  if (!isRecord(detection)) fail(where, "detection must be a map of selections plus a condition");
  const selections = new Map<string, EventFilter>();
  for (const [name, value] of Object.entries(detection)) {
    if (name === "condition" || name === "timeframe") continue;
    selections.set(name, selectionFilter(value, options, `${where}, selection "${name}"`));
  }
  if (detection.timeframe !== undefined)
    fail(where, "detection.timeframe is obsolete (Sigma v1 aggregation); use a correlation rule with a timespan");
  const condition = detection.condition;
  const conditions = Array.isArray(condition) ? condition : [condition];
  if (conditions.length === 0 || conditions.some((c) => typeof c !== "string"))
    fail(where, "detection.condition must be a string (or a list of strings, any of which may hold)");
  const filters = (conditions as string[]).map((c) => conditionFilter(c, selections, where));
  return filters.length === 1 ? (filters[0] as EventFilter) : { any: filters };
}

function parseTimespan(value: unknown, where: string): number {
  const match = typeof value === "string" ? /^(\d+)([smhd])$/.exec(value.trim()) : null;
  if (match === null)
    fail(where, `timespan must be a number and a unit s, m, h or d, such as "10m" (got ${JSON.stringify(value)})`);
  const n = Number(match[1]);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "s" | "m" | "h" | "d"];
  if (n <= 0) fail(where, "timespan must be positive");
  return n * unit;
}

function patternId(doc: Doc, index: number): string {
  const raw = typeof doc.name === "string" ? doc.name : typeof doc.id === "string" ? doc.id : undefined;
  const base = raw ?? (typeof doc.title === "string" ? doc.title : `sigma-correlation-${index + 1}`);
  const id = base.replace(/[^A-Za-z0-9_.:-]+/g, "_").slice(0, 128);
  return id === "" ? `sigma-correlation-${index + 1}` : id;
}

interface CountCondition {
  min: number | undefined;
  upper: boolean;
  field: string | undefined;
}

function countCondition(value: unknown, where: string): CountCondition {
  if (!isRecord(value)) fail(where, "condition must be a map such as { gte: 10 }");
  let min: number | undefined;
  let upper = false;
  let field: string | undefined;
  for (const [op, v] of Object.entries(value)) {
    if (op === "field") {
      if (typeof v !== "string") fail(where, "condition.field must be a field name");
      field = v;
      continue;
    }
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) fail(where, `condition.${op} must be a whole number`);
    if (op === "gte") min = Math.max(min ?? 0, v);
    else if (op === "gt") min = Math.max(min ?? 0, v + 1);
    else if (op === "eq") {
      min = Math.max(min ?? 0, v);
      upper = true;
    } else if (op === "lt" || op === "lte") upper = true;
    else fail(where, `condition.${op} is not one of gt, gte, lt, lte, eq`);
  }
  return { min, upper, field };
}

/**
 * Loads Sigma correlation rules (specification v2: `event_count`, `value_count`, `temporal`, `temporal_ordered`)
 * from a YAML text of one or more documents, into patterns for {@link createSecurityEventCorrelator}.
 *
 * Base rules come from detection documents in the same text (selections with field modifiers and a boolean
 * condition) or from `options.baseRules`. Correlations may refer to other correlations (chaining): a referenced
 * correlation becomes a pattern with `output: "event"`. See the README for what is and is not supported.
 *
 * @param source - YAML text
 * @param options - base rules and field mapping
 * @returns the patterns, in document order
 * @throws {@link CorrelatorError} `INVALID_RULE` saying which document and what is wrong
 * @example
 * ```ts
 * import { createSecurityEventCorrelator, loadSigmaRules } from "@athena/correlator";
 *
 * const patterns = loadSigmaRules(
 *   `
 * title: Many failed logins from one address
 * name: failed_logins_by_ip
 * correlation:
 *   type: event_count
 *   rules: [failed_login]
 *   group-by: [ipAddress]
 *   timespan: 5m
 *   condition: { gte: 10 }
 * level: high
 * `,
 *   { baseRules: { failed_login: { type: "AUTHENTICATION_FAILURE" } } },
 * );
 * const correlator = createSecurityEventCorrelator({ patterns });
 * ```
 */
export function loadSigmaRules(source: string, options: SigmaLoadOptions = {}): CorrelationPattern[] {
  try {
    return load(source, options);
  } catch (error) {
    if (error instanceof RuleError) {
      throw new CorrelatorError("INVALID_RULE", `Cannot load the Sigma rules: ${error.message}.`, { cause: error });
    }
    throw error;
  }
}

function load(source: string, options: SigmaLoadOptions): CorrelationPattern[] {
  if (typeof source !== "string") fail("input", "the rules must be given as YAML text");
  if (source.length > 10_000_000) fail("input", "the YAML text is larger than 10 MB");
  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    parsed = parseAllDocuments(source, { uniqueKeys: true });
  } catch (error) {
    return fail("input", `invalid YAML: ${(error as Error).message}`);
  }
  const documents = Array.isArray(parsed) ? parsed : [];
  const docs: Doc[] = [];
  documents.forEach((d, i) => {
    if (d.errors.length > 0) fail(`document ${i + 1}`, `invalid YAML: ${d.errors[0]?.message ?? "unknown error"}`);
    let value: unknown;
    try {
      value = d.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // e.g. an alias to an anchor that does not exist, or too many aliases (a "billion laughs" document)
      fail(`document ${i + 1}`, `invalid YAML: ${(error as Error).message}`);
    }
    if (value === null || value === undefined) return;
    if (!isRecord(value)) fail(`document ${i + 1}`, "a Sigma document must be a map");
    docs.push(value);
  });
  const label = (doc: Doc, i: number): string =>
    `document ${i + 1}${typeof doc.title === "string" ? ` ("${doc.title}")` : ""}`;

  // Index every document by name and id.
  const byRef = new Map<string, { doc: Doc; index: number }>();
  docs.forEach((doc, index) => {
    for (const ref of [doc.name, doc.id]) {
      if (typeof ref !== "string") continue;
      if (byRef.has(ref)) fail(label(doc, index), `the name or id "${ref}" is used by two documents`);
      byRef.set(ref, { doc, index });
    }
    if (doc.correlation === undefined && doc.detection === undefined)
      fail(label(doc, index), "it is neither a correlation rule (correlation:) nor a detection rule (detection:)");
  });

  const correlations = docs.map((doc, index) => ({ doc, index })).filter(({ doc }) => doc.correlation !== undefined);
  if (correlations.length === 0) fail("input", "there is no correlation rule (a document with correlation:)");
  const ids = new Map<Doc, string>();
  const usedIds = new Set<string>();
  for (const { doc, index } of correlations) {
    const id = patternId(doc, index);
    if (usedIds.has(id)) fail(label(doc, index), `two correlation rules map to the pattern id "${id}"`);
    usedIds.add(id);
    ids.set(doc, id);
  }
  const referencedCorrelations = new Set<Doc>();
  const baseCache = new Map<string, EventFilter>();
  const baseFilter = (ref: string, where: string): EventFilter | Doc => {
    const found = byRef.get(ref);
    if (found !== undefined) {
      if (found.doc.correlation !== undefined) {
        referencedCorrelations.add(found.doc);
        return found.doc;
      }
      let filter = baseCache.get(ref);
      if (filter === undefined) {
        filter = detectionFilter(found.doc, options, label(found.doc, found.index));
        baseCache.set(ref, filter);
      }
      return filter;
    }
    const given = options.baseRules?.[ref];
    if (given !== undefined) return given;
    return fail(where, `rules refers to "${ref}", which is neither a document's name or id nor one of baseRules`);
  };

  const patterns: CorrelationPattern[] = [];
  for (const { doc, index } of correlations) {
    const where = label(doc, index);
    const c = doc.correlation;
    if (!isRecord(c)) fail(where, "correlation must be a map");
    const type = c.type;
    const rules = c.rules;
    if (!Array.isArray(rules) || rules.length === 0 || rules.some((r) => typeof r !== "string"))
      fail(where, "correlation.rules must be a list of rule names or ids");
    const rawGroupBy = c["group-by"] ?? [];
    const groupByList = Array.isArray(rawGroupBy) ? rawGroupBy : [rawGroupBy];
    if (groupByList.some((g) => typeof g !== "string"))
      fail(where, "correlation.group-by must be a list of field names");
    const aliases = c.aliases ?? {};
    if (!isRecord(aliases)) fail(where, "correlation.aliases must be a map of alias → { rule name: field }");
    const windowMs = parseTimespan(c.timespan, where);
    const groupBy = (groupByList as string[]).map((g) =>
      aliases[g] !== undefined ? g : mapField(g, options.fieldMap, where),
    );
    // Aliased names are read per rule from the field the alias names for it.
    const inputs = (rules as string[]).map((ref) => {
      const resolved = baseFilter(ref, where);
      const filter: EventFilter =
        isRecord(resolved) && (resolved as Doc).correlation !== undefined
          ? { correlation: ids.get(resolved as Doc) as string }
          : (resolved as EventFilter);
      const aliasMap: Record<string, FieldPath> = { ...(filter.aliases ?? {}) };
      for (const [alias, perRule] of Object.entries(aliases)) {
        if (!isRecord(perRule)) fail(where, `alias "${alias}" must map rule names to fields`);
        const field = perRule[ref];
        if (field === undefined) continue;
        if (typeof field !== "string") fail(where, `alias "${alias}" for rule "${ref}" must be a field name`);
        aliasMap[alias] = mapField(field, options.fieldMap, where);
      }
      return Object.keys(aliasMap).length === 0 ? filter : { ...filter, aliases: aliasMap };
    });
    const level = doc.level;
    if (level !== undefined && (typeof level !== "string" || LEVELS[level] === undefined))
      fail(where, `level must be informational, low, medium, high or critical (got ${JSON.stringify(level)})`);
    const title = typeof doc.title === "string" ? doc.title : (ids.get(doc) as string);
    const falsePositives = Array.isArray(doc.falsepositives)
      ? doc.falsepositives.filter((f): f is string => typeof f === "string")
      : [];
    const id = ids.get(doc) as string;
    const common = {
      id,
      name: title,
      description: typeof doc.description === "string" ? doc.description : title,
      threatType: threatTypeOf(title) || threatTypeOf(id),
      severity: LEVELS[(level as string | undefined) ?? "medium"] as SecuritySeverity,
      groupBy,
      windowMs,
    };
    const actions = (kind: CorrelationPattern["kind"]): string[] => [
      ...DEFAULT_ACTIONS[kind],
      ...(falsePositives.length > 0 ? [`Rule out the known false positives: ${falsePositives.join("; ")}`] : []),
    ];
    if (type === "event_count") {
      const cond = countCondition(c.condition, where);
      if (cond.upper)
        fail(where, "event_count conditions with an upper bound (eq, lt, lte) are not supported; use gte or gt");
      if (cond.min === undefined || cond.min < 1) fail(where, "event_count needs condition gte or gt of at least 1");
      patterns.push({
        ...common,
        kind: "threshold",
        filter: inputs,
        threshold: cond.min,
        recommendedActions: actions("threshold"),
      });
    } else if (type === "value_count") {
      const cond = countCondition(c.condition, where);
      if (cond.upper)
        fail(where, "value_count conditions with an upper bound (eq, lt, lte) are not supported; use gte or gt");
      if (cond.min === undefined || cond.min < 1) fail(where, "value_count needs condition gte or gt of at least 1");
      const rawField = cond.field ?? (typeof c.field === "string" ? c.field : undefined);
      if (rawField === undefined) fail(where, "value_count needs condition.field: the field whose values are counted");
      const field = aliases[rawField] !== undefined ? rawField : mapField(rawField, options.fieldMap, where);
      patterns.push({
        ...common,
        kind: "distinct",
        filter: inputs,
        field,
        threshold: cond.min,
        recommendedActions: actions("distinct"),
      });
    } else if (type === "temporal" || type === "temporal_ordered") {
      const n = inputs.length;
      let minSteps = n;
      if (c.condition !== undefined) {
        const cond = countCondition(c.condition, where);
        if (cond.min === undefined) fail(where, `${type} conditions need gte, gt or eq`);
        if (cond.upper && cond.min !== n)
          fail(where, `${type} conditions with an upper bound are supported only as "all rules" (eq: ${n})`);
        if (cond.min > n) fail(where, `the condition asks for ${cond.min} rules but only ${n} are listed`);
        minSteps = Math.max(1, cond.min);
      }
      const ordered = type === "temporal_ordered";
      if (ordered && minSteps !== n)
        fail(where, "temporal_ordered with a condition below the number of rules is not supported");
      patterns.push({
        ...common,
        kind: "sequence",
        ordered,
        ...(ordered ? {} : { minSteps }),
        steps: inputs.map((filter, i) => ({ name: (rules as string[])[i] as string, filter })),
        recommendedActions: actions("sequence"),
      });
    } else {
      fail(
        where,
        `correlation.type must be event_count, value_count, temporal or temporal_ordered (got ${JSON.stringify(type)}); value_sum, value_avg, value_percentile and value_median are not supported`,
      );
    }
  }
  // Correlations that other correlations consume feed them derived events instead of reporting threats.
  for (const pattern of patterns) {
    const doc = correlations.find(({ doc }) => ids.get(doc) === pattern.id)?.doc as Doc;
    if (referencedCorrelations.has(doc)) pattern.output = "event";
  }
  return patterns;
}
