/**
 * The patterns every registry denies, whatever its allow list says: administration, configuration, destructive
 * database and system operations, and security tooling. Matched case-insensitively.
 *
 * @example
 * ```ts
 * import { DEFAULT_DENY_PATTERNS } from "@athena/adapters";
 *
 * DEFAULT_DENY_PATTERNS.includes("admin/*"); // true
 * ```
 */
export const DEFAULT_DENY_PATTERNS: readonly string[] = Object.freeze([
  "admin/*",
  "config/*",
  "database/(truncate|drop|reset)",
  "system/(shutdown|restart|reset_database)",
  "security/*",
]);

/**
 * Compiles a glob over tool ids to a RegExp: `*` matches within one `/` segment, `**` across segments, `?` one
 * character, `(a|b)` and `{a,b}` alternatives; every other character is literal.
 *
 * @param pattern - e.g. `memory/*`, `**`, `database/(truncate|drop)`
 * @param ignoreCase - match case-insensitively
 * @returns the anchored RegExp
 * @throws Error when the pattern's brackets do not balance (the registry reports it as `INVALID_OPTIONS`)
 * @example
 * ```ts
 * compileGlob("memory/*").test("memory/read_graph"); // true
 * compileGlob("memory/*").test("memory/a/b"); // false
 * ```
 */
export function compileGlob(pattern: string, ignoreCase = false): RegExp {
  let out = "";
  let groups = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*") {
      if (pattern[i + 1] === "*") {
        out += ".*";
        i++;
      } else out += "[^/]*";
    } else if (char === "?") out += "[^/]";
    else if (char === "(" || char === "{") {
      out += "(?:";
      groups++;
    } else if (char === ")" || char === "}") {
      if (groups === 0) throw new Error(`unbalanced "${char}" in pattern "${pattern}"`);
      out += ")";
      groups--;
    } else if ((char === "|" || char === ",") && groups > 0) out += "|";
    else out += char.replace(/[\\^$.+[\]|(){}*?,]/g, "\\$&");
  }
  if (groups !== 0) throw new Error(`unclosed group in pattern "${pattern}"`);
  return new RegExp(`^${out}$`, ignoreCase ? "i" : "");
}

/** Why the policy refused a tool. */
export type DenyReason = "deny_pattern" | "not_allowed" | "destructive_needs_explicit_allow";

/** A policy decision. */
export type PolicyDecision = { allowed: true } | { allowed: false; reason: DenyReason; pattern?: string };

interface Compiled {
  pattern: string;
  regex: RegExp;
}

/** A compiled allow/deny policy. */
export interface CompiledPolicy {
  decide(id: string, destructive: boolean): PolicyDecision;
}

/**
 * Compiles the registry's policy: deny patterns (the defaults plus `deny`) win; then a destructive tool needs an
 * exact id in `allow` or a match in `allowDestructive`; then any `allow` or `allowDestructive` match allows; everything
 * else is denied.
 *
 * @param allow - allow globs
 * @param deny - extra deny globs
 * @param allowDestructive - globs that also allow destructive tools
 * @returns the decision function
 */
export function compilePolicy(
  allow: readonly string[],
  deny: readonly string[],
  allowDestructive: readonly string[],
): CompiledPolicy {
  const denies: Compiled[] = [...DEFAULT_DENY_PATTERNS, ...deny].map((pattern) => ({
    pattern,
    regex: compileGlob(pattern, true),
  }));
  const allows: Compiled[] = allow.map((pattern) => ({ pattern, regex: compileGlob(pattern) }));
  const exact = new Set(allow.filter((pattern) => !/[*?(){}|,]/.test(pattern)));
  const destructiveAllows: Compiled[] = allowDestructive.map((pattern) => ({ pattern, regex: compileGlob(pattern) }));
  return {
    decide(id: string, destructive: boolean): PolicyDecision {
      for (const rule of denies)
        if (rule.regex.test(id)) return { allowed: false, reason: "deny_pattern", pattern: rule.pattern };
      if (destructive) {
        if (exact.has(id)) return { allowed: true };
        for (const rule of destructiveAllows) if (rule.regex.test(id)) return { allowed: true };
        for (const rule of allows) {
          if (rule.regex.test(id))
            return { allowed: false, reason: "destructive_needs_explicit_allow", pattern: rule.pattern };
        }
        return { allowed: false, reason: "not_allowed" };
      }
      for (const rule of allows) if (rule.regex.test(id)) return { allowed: true };
      for (const rule of destructiveAllows) if (rule.regex.test(id)) return { allowed: true };
      return { allowed: false, reason: "not_allowed" };
    },
  };
}
