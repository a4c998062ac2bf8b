import { ActionApplier, labelOf } from "./actions.js";
import { createCaches, type EngineConfig, runEngine } from "./engine.js";
import { FilterError } from "./errors.js";
import { parseVaultOptions, resolveDetection, type TokenVaultOptions } from "./options.js";
import type { TokenValue, TokenVault } from "./types.js";

interface Entry {
  placeholder: string;
  value: TokenValue;
}

const PLACEHOLDER = /\[[A-Z][A-Z0-9_]{0,48}_[1-9]\d{0,9}\]/g;

/**
 * Creates a {@link TokenVault}: reversible placeholders such as `[EMAIL_1]` for sensitive values, held in memory on
 * the host side. Pass it to `createFilterPipeline({ vault })` so the pipeline's `tokenize` action uses it, and to
 * @athena/adapters as its `privacy` vault so tool results are tokenized and tool arguments detokenized.
 *
 * @param options - detection options for `tokenize` (same as the pipeline's) and `maxEntries`
 * @returns a new, empty vault
 * @throws FilterError `INVALID_OPTIONS` when an option is out of range or unknown
 * @example
 * ```ts
 * import { createTokenVault } from "@athena/filter";
 *
 * const vault = createTokenVault();
 * const safe = vault.tokenize({ customer: { email: "ada@example.com" }, note: "call +44 20 7946 0958" });
 * // { customer: { email: "[EMAIL_1]" }, note: "call [PHONE_1]" }
 * const args = vault.detokenize({ to: "[EMAIL_1]" }); // { to: "ada@example.com" }
 * ```
 */
export function createTokenVault(options: TokenVaultOptions = {}): TokenVault {
  const parsed = parseVaultOptions(options);
  const detection = resolveDetection(parsed);
  const byText = new Map<string, Entry>();
  const byNumber = new Map<number | "-0", Entry>(); // -0 kept apart from 0 so it comes back as -0
  const byPlaceholder = new Map<string, Entry>();
  const counters = new Map<string, number>();
  let disposed = false;

  const alive = (operation: string): void => {
    if (disposed)
      throw new FilterError(
        "DISPOSED",
        `TokenVault.${operation}() called after dispose(): create a new vault instead.`,
      );
  };

  const vault: TokenVault = {
    tokenize(value: unknown): unknown {
      alive("tokenize");
      return runEngine(value, config, { finding: () => {}, note: () => {} }).data;
    },
    detokenize(value: unknown): unknown {
      alive("detokenize");
      return restore(value, byPlaceholder, 0, new Set());
    },
    issue(type: string, value: TokenValue): string | undefined {
      alive("issue");
      const numberKey = typeof value === "number" && Object.is(value, -0) ? "-0" : value;
      const existing = typeof value === "number" ? byNumber.get(numberKey as number | "-0") : byText.get(value);
      if (existing !== undefined) return existing.placeholder;
      if (byText.size + byNumber.size >= parsed.maxEntries) return undefined;
      const label = labelOf(type);
      const n = (counters.get(label) ?? 0) + 1;
      counters.set(label, n);
      const entry: Entry = { placeholder: `[${label}_${n}]`, value };
      if (typeof value === "number") byNumber.set(numberKey as number | "-0", entry);
      else byText.set(value, entry);
      byPlaceholder.set(entry.placeholder, entry);
      return entry.placeholder;
    },
    reveal(placeholder: string): TokenValue | undefined {
      alive("reveal");
      return byPlaceholder.get(placeholder)?.value;
    },
    has(placeholder: string): boolean {
      alive("has");
      return byPlaceholder.has(placeholder);
    },
    get size(): number {
      return byText.size + byNumber.size;
    },
    clear(): void {
      alive("clear");
      byText.clear();
      byNumber.clear();
      byPlaceholder.clear();
      counters.clear();
    },
    dispose(): void {
      if (disposed) return;
      byText.clear();
      byNumber.clear();
      byPlaceholder.clear();
      counters.clear();
      disposed = true;
    },
    [Symbol.dispose](): void {
      vault.dispose();
    },
  };

  const config: EngineConfig = {
    ...detection,
    actionFor: (type: string) => (detection.off.has(type) ? "off" : "tokenize"),
    applier: new ActionApplier(new Uint8Array(32), 16, vault),
    vault,
    caches: createCaches(detection.fieldExtra, detection.fieldIgnore),
  };
  return vault;
}

/** Copies `value` with every issued placeholder restored. Non-plain objects are passed through untouched. */
function restore(value: unknown, table: ReadonlyMap<string, Entry>, depth: number, ancestors: Set<object>): unknown {
  if (typeof value === "string") return restoreText(value, table);
  if (typeof value !== "object" || value === null || depth > 10_000 || ancestors.has(value)) return value;
  try {
    if (Array.isArray(value)) {
      ancestors.add(value);
      const out = value.map((item) => restore(item, table, depth + 1, ancestors));
      ancestors.delete(value);
      return out;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    ancestors.add(value);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const restoredKey = restoreText(key, table);
      const item = restore((value as Record<string, unknown>)[key], table, depth + 1, ancestors);
      Object.defineProperty(out, typeof restoredKey === "string" ? restoredKey : String(restoredKey), {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    ancestors.delete(value);
    return out;
  } catch {
    ancestors.delete(value);
    return value;
  }
}

function restoreText(text: string, table: ReadonlyMap<string, Entry>): string | number {
  if (text.indexOf("[") === -1 || table.size === 0) return text;
  const whole = table.get(text);
  if (whole !== undefined) return whole.value; // a whole-value placeholder gives back the original type
  PLACEHOLDER.lastIndex = 0;
  return text.replace(PLACEHOLDER, (placeholder) => {
    const entry = table.get(placeholder);
    return entry === undefined ? placeholder : String(entry.value);
  });
}
