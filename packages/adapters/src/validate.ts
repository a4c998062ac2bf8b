import type { z } from "zod";
import type { ValidationResult } from "./contracts.js";
import type { ValidationIssue } from "./errors.js";

const plainKey = /^[A-Za-z_$][\w$]*$/;

/**
 * Formats a path of keys and indices the way a programmer writes it: `entities[0].name`, `["odd key"]`.
 *
 * @param segments - keys and indices from the root
 * @returns the readable path; the empty string for the root
 * @example
 * ```ts
 * formatPath(["entities", 0, "name"]); // "entities[0].name"
 * ```
 */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "symbol") out += `[${String(segment)}]`;
    else if (plainKey.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Validates `value` with a zod schema and reports every issue with its path.
 *
 * @param schema - any zod schema
 * @param value - the value to check
 * @returns the parsed value, or the issues
 * @example
 * ```ts
 * import { z } from "zod";
 *
 * const result = validateWith(z.object({ n: z.number() }), { n: "1" });
 * // result.valid === false, result.issues[0].path === "n"
 * ```
 */
export function validateWith<T>(schema: z.ZodType<T>, value: unknown): ValidationResult<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { valid: true, value: parsed.data, issues: [] };
  return { valid: false, issues: toIssues(parsed.error.issues) };
}

/** Turns zod issues into path-named validation issues. */
export function toIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    const segments = issue.path.map((key) => (typeof key === "symbol" ? String(key) : key));
    out.push({ path: formatPath(issue.path), segments, message: issue.message, code: issue.code });
  }
  return out;
}

/**
 * One line per issue, `path: message` (the root shows as `(arguments)`), for error messages.
 *
 * @param issues - the issues to describe
 * @returns a `; `-joined description
 */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path === "" ? "(arguments)" : issue.path}: ${issue.message}`).join("; ");
}
