/**
 * Option validation without loading zod on the common path.
 *
 * Each option is declared once as a {@link Field}: a zod schema (the authority: every message a user sees comes from
 * it) and a fast check that accepts only values that schema accepts unchanged. Valid options, which is what a host
 * passes nearly always, are checked and defaulted by the fast checks alone; anything else (a wrong type, an unknown
 * key, a class instance) goes through zod, which is loaded then. Loading zod costs ~80 ms of CommonJS module
 * evaluation in a fresh process, more than the whole first-execution budget, so it is kept off the startup path.
 * `test/validate.test.ts` checks with fast-check that the fast path never accepts what zod rejects and gives the same
 * result when both accept.
 */
import type { ZodType } from "zod";
import { SandboxError } from "./errors.js";
import { zod } from "./zod.js";

type Zod = typeof import("zod");

/** Returned by a fast check for "not sure": the value then goes through zod. */
export const UNSURE: unique symbol = Symbol("unsure");

/** One option: its zod schema and a fast check that may only accept what the schema accepts. */
export interface Field {
  /** The zod schema of a present value (without `.optional()`/`.default()`, which {@link Field.default} adds). */
  schema(z: Zod): ZodType;
  /** The value zod would output for `value` (a present, non-`undefined` value), or {@link UNSURE}. */
  fast(value: unknown): unknown;
  /** Filled in when the option is absent or `undefined`; when absent from the field, the option is optional. */
  default?: unknown;
  /** A required option (no default, `undefined` rejected). */
  required?: boolean;
}

/** Numeric constraints, applied the same way by the zod schema and the fast check. */
export interface NumberRule {
  /** A safe integer (zod 4's `.int()`). */
  int?: boolean;
  /** `> 0`. */
  positive?: boolean;
  /** `>= min`. */
  min?: number;
  /** `<= max`. */
  max?: number;
}

/** A number option (finite, as zod 4 requires), with optional integer and range constraints. */
export function numberField(rule: NumberRule, defaultValue?: number): Field {
  const field: Field = {
    schema: (z) => {
      let s = z.number();
      if (rule.int === true) s = s.int();
      if (rule.positive === true) s = s.positive();
      if (rule.min !== undefined) s = s.min(rule.min);
      if (rule.max !== undefined) s = s.max(rule.max);
      return s;
    },
    fast: (v) =>
      typeof v === "number" &&
      Number.isFinite(v) &&
      (rule.int !== true || Number.isSafeInteger(v)) &&
      (rule.positive !== true || v > 0) &&
      (rule.min === undefined || v >= rule.min) &&
      (rule.max === undefined || v <= rule.max)
        ? v
        : UNSURE,
  };
  if (defaultValue !== undefined) field.default = defaultValue;
  return field;
}

/** An option checked by a predicate (functions, host objects); the message is zod's error for a failed check. */
export function customField(predicate: (value: unknown) => boolean, message: string): Field {
  return {
    schema: (z) => z.custom((v) => predicate(v), { message }),
    fast: (v) => (predicate(v) ? v : UNSURE),
  };
}

/** One of a few strings. */
export function enumField<const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]): Field {
  return {
    schema: (z) => z.enum(values),
    fast: (v) => (typeof v === "string" && values.includes(v) ? v : UNSURE),
    default: defaultValue,
  };
}

/** A string of at least `minLength` (and at most `maxLength`) characters. */
export function stringField(minLength: number, maxLength?: number): Field {
  return {
    schema: (z) => (maxLength === undefined ? z.string().min(minLength) : z.string().min(minLength).max(maxLength)),
    fast: (v) =>
      typeof v === "string" && v.length >= minLength && (maxLength === undefined || v.length <= maxLength) ? v : UNSURE,
  };
}

/** Any value, kept as it is. */
export function unknownField(): Field {
  return { schema: (z) => z.unknown(), fast: (v) => v };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A record (zod outputs a copy): keys matching `keyPattern` (with `keyMessage` when they do not), values of type
 * `valueType` (`"string"`) or anything (`"unknown"`).
 */
export function recordField(valueType: "string" | "unknown", keyPattern?: RegExp, keyMessage?: string): Field {
  return {
    schema: (z) => {
      const key = keyPattern === undefined ? z.string() : z.string().regex(keyPattern, keyMessage);
      return z.record(key, valueType === "string" ? z.string() : z.unknown());
    },
    fast: (v) => {
      if (!isPlainObject(v) || Object.getOwnPropertySymbols(v).length > 0) return UNSURE;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        if (key === "__proto__" || (keyPattern !== undefined && !keyPattern.test(key))) return UNSURE;
        const item = v[key];
        if (valueType === "string" && typeof item !== "string") return UNSURE;
        out[key] = item;
      }
      return out;
    },
  };
}

/** A validator built from fields: the fast path first, zod (loaded on first need) for anything it is unsure of. */
export interface Validator<T> {
  /**
   * Validates and fills defaults.
   * @throws {@link SandboxError} `INVALID_OPTIONS` with zod's description of what is wrong.
   */
  parse(input: unknown, what?: string): T;
  /** The fast path alone: the output, or {@link UNSURE} (exposed for the equivalence tests). */
  fast(input: unknown): T | typeof UNSURE;
  /** zod alone (exposed for the equivalence tests). */
  slow(input: unknown): { success: true; data: T } | { success: false; message: string };
}

/**
 * Builds a validator for an object of `fields`. `strict` objects reject unknown keys (zod's `strictObject`); others
 * drop them (`object`).
 *
 * @param fields - the options, in output order
 * @param strict - reject unknown keys
 * @param what - names the options in error messages, e.g. `"createWasmSandbox"` (`parse` can override it)
 */
export function createValidator<T>(
  fields: Readonly<Record<string, Field>>,
  strict: boolean,
  what: string,
): Validator<T> {
  const keys = Object.keys(fields);
  let schema: ZodType | undefined;
  const slowSchema = (): ZodType => {
    if (schema === undefined) {
      const z = zod();
      const shape: Record<string, ZodType> = {};
      for (const key of keys) {
        const field = fields[key] as Field;
        const base = field.schema(z);
        shape[key] =
          field.default !== undefined ? base.default(field.default) : field.required === true ? base : base.optional();
      }
      schema = strict ? z.strictObject(shape) : z.object(shape);
    }
    return schema;
  };
  const fast = (input: unknown): T | typeof UNSURE => {
    if (!isPlainObject(input)) return UNSURE;
    if (strict) {
      for (const key in input) if (!Object.hasOwn(fields, key)) return UNSURE;
    }
    if (Object.getOwnPropertySymbols(input).length > 0) return UNSURE;
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const field = fields[key] as Field;
      const present = Object.hasOwn(input, key);
      const value = present ? input[key] : undefined;
      if (value === undefined) {
        if (field.required === true) return UNSURE;
        if (field.default !== undefined) out[key] = field.default;
        else if (present) out[key] = undefined;
        continue;
      }
      const parsed = field.fast(value);
      if (parsed === UNSURE) return UNSURE;
      out[key] = parsed;
    }
    return out as T;
  };
  const slow = (input: unknown): { success: true; data: T } | { success: false; message: string } => {
    const parsed = slowSchema().safeParse(input);
    return parsed.success
      ? { success: true, data: parsed.data as T }
      : { success: false, message: zod().prettifyError(parsed.error) };
  };
  return {
    fast,
    slow,
    parse(input, name = what) {
      const quick = fast(input);
      if (quick !== UNSURE) return quick;
      const parsed = slow(input);
      if (!parsed.success) throw new SandboxError("INVALID_OPTIONS", `Invalid ${name} options: ${parsed.message}`);
      return parsed.data;
    },
  };
}
