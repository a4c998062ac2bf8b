const reserved = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await arguments eval undefined NaN " +
    "Infinity"
  ).split(" "),
);
const identifierPattern = /^[A-Za-z_$][\w$]*$/;

/**
 * True when `name` can be used as a JavaScript/TypeScript identifier everywhere (variables, named imports and
 * exports, function declarations): the ASCII identifier pattern and not a reserved word.
 *
 * @param name - the candidate
 * @returns whether it is safe as an identifier
 * @example
 * ```ts
 * isIdentifier("read_file"); // true
 * isIdentifier("read-file"); // false
 * isIdentifier("delete"); // false (reserved)
 * ```
 */
export function isIdentifier(name: string): boolean {
  return identifierPattern.test(name) && !reserved.has(name);
}

/**
 * Turns any tool or server name into a safe identifier: every character outside `[A-Za-z0-9_$]` becomes `_`, a
 * leading digit gets a `_` prefix, a reserved word gets a `_` suffix, and an empty name becomes `_`.
 *
 * @param name - e.g. an MCP tool name such as `read-file`, `2fa.check`, `delete`
 * @returns e.g. `read_file`, `_2fa_check`, `delete_`
 * @example
 * ```ts
 * toIdentifier("get-tiny-image"); // "get_tiny_image"
 * ```
 */
export function toIdentifier(name: string): string {
  let out = name.replace(/[^\w$]/g, "_");
  if (out === "") out = "_";
  if (/^\d/.test(out)) out = `_${out}`;
  if (reserved.has(out)) out = `${out}_`;
  return out;
}

/**
 * Gives `toIdentifier(name)`, or, when that is already taken, the same with `_2`, `_3`, … appended.
 *
 * @param name - the original name
 * @param taken - identifiers already in use; the result is added to it
 * @returns a unique identifier
 */
export function uniqueIdentifier(name: string, taken: Set<string>): string {
  const base = toIdentifier(name);
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
  taken.add(candidate);
  return candidate;
}
