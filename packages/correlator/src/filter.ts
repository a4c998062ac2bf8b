import { SEVERITY_RANK, type SecurityEvent, type SecuritySeverity } from "./event.js";

/**
 * A path to a field of an event: a top-level name (`"userId"`, `"ipAddress"`, `"sessionId"`, `"source"`, `"type"`,
 * `"severity"`) or a dotted path into `data` (`"data.tool.name"`).
 */
export type FieldPath = string;

/** A value a field can be compared with. */
export type FieldValue = string | number | boolean | null;

/**
 * Operators on one field; every operator given must hold. When the event's field holds an array, the condition holds
 * if it holds for any element (except `exists`, which looks at the field itself).
 */
export interface FieldOperators {
  /** Equal to this value (a number also equals its decimal string, for logs that carry numbers as text). */
  equals?: FieldValue;
  /** Equal to one of these values. */
  in?: readonly FieldValue[];
  /** Equal to none of these values (a missing field passes). */
  notIn?: readonly FieldValue[];
  /** A string containing this (or, with a list, any of these; all of them when `all` is set). */
  contains?: string | readonly string[];
  /** A string starting with this (or any/all of a list). */
  startsWith?: string | readonly string[];
  /** A string ending with this (or any/all of a list). */
  endsWith?: string | readonly string[];
  /** A string matching this regular expression source (not anchored unless you anchor it). */
  matches?: string;
  /** IPv4 address inside this CIDR range (or any of a list), e.g. `"10.0.0.0/8"`. */
  cidr?: string | readonly string[];
  /** `true`: the field is present and not null; `false`: it is absent or null. */
  exists?: boolean;
  /** Numeric comparisons (numeric strings are converted). */
  gt?: number;
  /** Numeric comparison: greater than or equal. */
  gte?: number;
  /** Numeric comparison: less than. */
  lt?: number;
  /** Numeric comparison: less than or equal. */
  lte?: number;
  /** Compare strings case-insensitively (`equals`, `in`, `notIn`, `contains`, `startsWith`, `endsWith`, `matches`). */
  ignoreCase?: boolean;
  /** With a list in `contains`/`startsWith`/`endsWith`: every entry must match instead of any. */
  all?: boolean;
}

/** A value (equality), a list of values (any of them) or {@link FieldOperators}. */
export type FieldCondition = FieldValue | readonly FieldValue[] | FieldOperators;

/**
 * Which events a pattern step (or a threshold/distinct pattern) takes. Every constraint given must hold.
 *
 * @example
 * ```ts
 * import type { EventFilter } from "@athena/correlator";
 *
 * const toolAbuse: EventFilter = {
 *   type: ["SANDBOX_VIOLATION", "RESOURCE_EXHAUSTION"],
 *   minSeverity: "medium",
 *   where: { "data.tool": { startsWith: "filesystem/" } },
 * };
 * ```
 */
export interface EventFilter {
  /** The event's type is this one (or one of these). Patterns are indexed by it: give it whenever you can. */
  type?: string | readonly string[];
  /** The event's source is this one (or one of these). */
  source?: string | readonly string[];
  /** The event's severity is at least this. */
  minSeverity?: SecuritySeverity;
  /** Conditions on fields, by path. */
  where?: Readonly<Record<FieldPath, FieldCondition>>;
  /** Only events the correlator derived from a match of the pattern with this id (patterns with `output: "event"`). */
  correlation?: string;
  /** Every one of these filters holds. */
  all?: readonly EventFilter[];
  /** At least one of these filters holds. */
  any?: readonly EventFilter[];
  /** This filter does not hold. */
  not?: EventFilter;
  /**
   * Field aliases (Sigma's `aliases`): for events taken by this filter, read the group-by name on the left from the
   * path on the right. Honoured on a step's filter and on each entry of a pattern's filter list.
   */
  aliases?: Readonly<Record<string, FieldPath>>;
}

/** A compiled filter. */
export type Predicate = (event: SecurityEvent) => boolean;
/** A compiled field read. */
export type Accessor = (event: SecurityEvent) => unknown;

const derivedFrom = new WeakMap<object, string>();

/**
 * Marks an event as derived from a match of a pattern (chained correlation).
 *
 * @param event - the derived event
 * @param patternId - the pattern that produced it
 */
export function markDerived(event: SecurityEvent, patternId: string): void {
  derivedFrom.set(event, patternId);
}

/**
 * The pattern id an event was derived from, if it is a derived event.
 *
 * @param event - any event
 * @returns the producing pattern's id or `undefined`
 */
export function derivedPattern(event: SecurityEvent): string | undefined {
  return derivedFrom.get(event);
}

/** The event type a derived event of pattern `id` carries. */
export function derivedType(patternId: string): string {
  return `correlation:${patternId}`;
}

const FORBIDDEN_SEGMENTS = new Set(["__proto__", "prototype", "constructor"]);

/**
 * Whether a field path is well formed: non-empty dot-separated segments, none of them a prototype key.
 *
 * @param path - a field path
 * @returns `undefined` when fine, else what is wrong
 */
export function checkPath(path: string): string | undefined {
  if (path.length === 0 || path.length > 256) return "a field path must have 1 to 256 characters";
  for (const segment of path.split(".")) {
    if (segment.length === 0) return `field path "${path}" has an empty segment`;
    if (FORBIDDEN_SEGMENTS.has(segment)) return `field path "${path}" uses the reserved segment "${segment}"`;
  }
  return undefined;
}

/**
 * Compiles a field path to a fast reader. Top-level fields get their own monomorphic reader.
 *
 * @param path - a valid field path
 * @returns a function reading that field from an event
 */
export function compileAccessor(path: FieldPath): Accessor {
  switch (path) {
    case "type":
      return (e) => e.type;
    case "source":
      return (e) => e.source;
    case "severity":
      return (e) => e.severity;
    case "timestamp":
      return (e) => e.timestamp;
    case "userId":
      return (e) => e.userId;
    case "ipAddress":
      return (e) => e.ipAddress;
    case "sessionId":
      return (e) => e.sessionId;
    case "data":
      return (e) => e.data;
  }
  const parts = path.split(".");
  const [first, ...rest] = parts;
  if (first === "data" && rest.length === 1) {
    const name = rest[0] as string;
    return (e) => {
      const data = e.data;
      return data !== undefined && Object.hasOwn(data, name) ? data[name] : undefined;
    };
  }
  return (e) => {
    let current: unknown = e;
    for (const part of parts) {
      if (typeof current !== "object" || current === null || !Object.hasOwn(current, part)) return undefined;
      current = (current as Record<string, unknown>)[part];
    }
    return current;
  };
}

/**
 * Turns a field value into a group key: strings as they are, finite numbers and booleans as text, anything else
 * (missing, null, objects) gives `undefined` so the event does not take part.
 *
 * @param value - a field value
 * @returns the key text or `undefined`
 */
export function keyText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === "boolean") return value ? "true" : "false";
  return undefined;
}

function looseEquals(actual: unknown, expected: FieldValue, ignoreCase: boolean): boolean {
  if (actual === expected) return true;
  if (expected === null) return actual === null || actual === undefined;
  if (typeof actual === "string") {
    if (typeof expected === "string") return ignoreCase && actual.toLowerCase() === expected.toLowerCase();
    if (typeof expected === "number") return actual.trim() !== "" && Number(actual) === expected;
    return ignoreCase ? actual.toLowerCase() === String(expected) : actual === String(expected);
  }
  if (typeof actual === "number" && typeof expected === "string")
    return expected.trim() !== "" && Number(expected) === actual;
  return false;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/**
 * Parses an IPv4 CIDR range.
 *
 * @param range - e.g. `"10.0.0.0/8"`
 * @returns the network and mask as unsigned numbers, or `undefined` when malformed
 */
export function parseCidr(range: string): { network: number; size: number } | undefined {
  const [address, bitsText] = range.split("/");
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (address === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const ip = parseIpv4(address);
  if (ip === undefined) return undefined;
  const size = 2 ** (32 - bits);
  return { network: ip - (ip % size), size };
}

type ValueTest = (value: unknown) => boolean;

function stringTest(
  needles: string | readonly string[],
  all: boolean,
  ignoreCase: boolean,
  op: (haystack: string, needle: string) => boolean,
): ValueTest {
  const list = (typeof needles === "string" ? [needles] : [...needles]).map((n) => (ignoreCase ? n.toLowerCase() : n));
  return (value) => {
    if (typeof value !== "string") return false;
    const haystack = ignoreCase ? value.toLowerCase() : value;
    return all ? list.every((n) => op(haystack, n)) : list.some((n) => op(haystack, n));
  };
}

function compileOperators(ops: FieldOperators): { tests: ValueTest[]; exists: boolean | undefined } {
  const ignoreCase = ops.ignoreCase === true;
  const all = ops.all === true;
  const tests: ValueTest[] = [];
  if (ops.equals !== undefined) {
    const expected = ops.equals;
    tests.push((v) => looseEquals(v, expected, ignoreCase));
  }
  if (ops.in !== undefined) {
    const list = [...ops.in];
    const plain = !ignoreCase && list.every((x) => typeof x === "string");
    const set = new Set<unknown>(list);
    tests.push(plain ? (v) => set.has(v) : (v) => list.some((x) => looseEquals(v, x, ignoreCase)));
  }
  if (ops.contains !== undefined) tests.push(stringTest(ops.contains, all, ignoreCase, (h, n) => h.includes(n)));
  if (ops.startsWith !== undefined) tests.push(stringTest(ops.startsWith, all, ignoreCase, (h, n) => h.startsWith(n)));
  if (ops.endsWith !== undefined) tests.push(stringTest(ops.endsWith, all, ignoreCase, (h, n) => h.endsWith(n)));
  if (ops.matches !== undefined) {
    const re = new RegExp(ops.matches, ignoreCase ? "i" : "");
    tests.push((v) => typeof v === "string" && re.test(v));
  }
  if (ops.cidr !== undefined) {
    const ranges = (typeof ops.cidr === "string" ? [ops.cidr] : [...ops.cidr]).map((r) => {
      const parsed = parseCidr(r);
      if (parsed === undefined) throw new Error(`"${r}" is not an IPv4 CIDR range such as "10.0.0.0/8"`);
      return parsed;
    });
    tests.push((v) => {
      if (typeof v !== "string") return false;
      const ip = parseIpv4(v);
      return ip !== undefined && ranges.some((r) => ip >= r.network && ip < r.network + r.size);
    });
  }
  const numeric: [keyof FieldOperators, (a: number, b: number) => boolean][] = [
    ["gt", (a, b) => a > b],
    ["gte", (a, b) => a >= b],
    ["lt", (a, b) => a < b],
    ["lte", (a, b) => a <= b],
  ];
  for (const [name, compare] of numeric) {
    const bound = ops[name];
    if (typeof bound === "number") {
      tests.push((v) => {
        const n = toNumber(v);
        return n !== undefined && compare(n, bound);
      });
    }
  }
  return { tests, exists: ops.exists };
}

function compileCondition(accessor: Accessor, condition: FieldCondition): Predicate {
  if (condition === null || typeof condition !== "object") {
    const expected = condition;
    return (e) => {
      const v = accessor(e);
      if (Array.isArray(v)) return v.some((x) => looseEquals(x, expected, false));
      return looseEquals(v, expected, false);
    };
  }
  if (Array.isArray(condition)) {
    return compileCondition(accessor, { in: condition as readonly FieldValue[] });
  }
  const ops = condition as FieldOperators;
  const { tests, exists } = compileOperators(ops);
  const notIn = ops.notIn === undefined ? undefined : [...ops.notIn];
  const ignoreCase = ops.ignoreCase === true;
  return (e) => {
    const v = accessor(e);
    if (exists !== undefined && (v !== undefined && v !== null) !== exists) return false;
    if (notIn !== undefined) {
      const values = Array.isArray(v) ? v : [v];
      if (values.some((x) => notIn.some((n) => looseEquals(x, n, ignoreCase)))) return false;
    }
    if (tests.length === 0) return true;
    if (Array.isArray(v)) return v.some((x) => tests.every((t) => t(x)));
    for (const t of tests) if (!t(v)) return false;
    return true;
  };
}

function asList(value: string | readonly string[]): readonly string[] {
  return typeof value === "string" ? [value] : value;
}

/**
 * Compiles a filter into a predicate. Checks run cheapest first (type, source, severity, then fields).
 *
 * @param filter - a validated filter
 * @returns the predicate
 * @throws Error when a regular expression or CIDR range inside does not parse (the caller wraps it)
 */
export function compileFilter(filter: EventFilter): Predicate {
  const checks: Predicate[] = [];
  if (filter.type !== undefined) {
    const types = asList(filter.type);
    if (types.length === 1) {
      const only = types[0];
      checks.push((e) => e.type === only);
    } else {
      const set = new Set(types);
      checks.push((e) => set.has(e.type));
    }
  }
  if (filter.correlation !== undefined) {
    const id = filter.correlation;
    checks.push((e) => derivedFrom.get(e) === id);
  }
  if (filter.source !== undefined) {
    const set = new Set(asList(filter.source));
    checks.push((e) => set.has(e.source));
  }
  if (filter.minSeverity !== undefined) {
    const min = SEVERITY_RANK[filter.minSeverity];
    checks.push((e) => SEVERITY_RANK[e.severity] >= min);
  }
  if (filter.where !== undefined) {
    for (const [path, condition] of Object.entries(filter.where)) {
      checks.push(compileCondition(compileAccessor(path), condition));
    }
  }
  if (filter.all !== undefined) for (const child of filter.all) checks.push(compileFilter(child));
  if (filter.any !== undefined) {
    const children = filter.any.map(compileFilter);
    checks.push((e) => children.some((c) => c(e)));
  }
  if (filter.not !== undefined) {
    const inner = compileFilter(filter.not);
    checks.push((e) => !inner(e));
  }
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0] as Predicate;
  if (checks.length === 2) {
    const [a, b] = checks as [Predicate, Predicate];
    return (e) => a(e) && b(e);
  }
  return (e) => {
    for (const check of checks) if (!check(e)) return false;
    return true;
  };
}

/**
 * The event types a filter can possibly accept, for indexing; `undefined` means "any type".
 *
 * @param filter - a filter
 * @returns the set of types, or `undefined` when unconstrained
 */
export function filterTypes(filter: EventFilter): Set<string> | undefined {
  let result: Set<string> | undefined;
  const intersect = (other: Set<string> | undefined): void => {
    if (other === undefined) return;
    result = result === undefined ? new Set(other) : new Set([...result].filter((t) => other.has(t)));
  };
  if (filter.type !== undefined) intersect(new Set(asList(filter.type)));
  if (filter.correlation !== undefined) intersect(new Set([derivedType(filter.correlation)]));
  if (filter.all !== undefined) for (const child of filter.all) intersect(filterTypes(child));
  if (filter.any !== undefined) {
    const union = new Set<string>();
    let open = false;
    for (const child of filter.any) {
      const types = filterTypes(child);
      if (types === undefined) open = true;
      else for (const t of types) union.add(t);
    }
    if (!open) intersect(union);
  }
  return result;
}
