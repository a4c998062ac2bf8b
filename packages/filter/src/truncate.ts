/**
 * Fitting plain JSON data into a byte budget, honestly: what is dropped is replaced by a marker saying what and how
 * much. Arrays keep their first items plus a count of the rest; objects keep every small entry and give the remaining
 * budget to the larger ones in order; strings keep a prefix plus the number of characters cut.
 */
import { formatCount, jsonNumberBytes, jsonStringBytes } from "./json-size.js";
import type { FilterNote } from "./types.js";

/** The result of fitting: the data and its exact JSON size. */
export interface Fitted {
  value: unknown;
  bytes: number;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Fits `value` (plain JSON data, a tree) into `budget` bytes; notes each cut. `budget` must be at least 64. */
export function fitToBudget(value: unknown, budget: number, note: (note: FilterNote) => void): Fitted {
  const fitter = new Fitter(note);
  return fitter.fit(value, budget, "$");
}

class Fitter {
  readonly #sizes = new Map<object, number>();
  readonly #note: (note: FilterNote) => void;

  constructor(note: (note: FilterNote) => void) {
    this.#note = note;
  }

  size(value: unknown): number {
    switch (typeof value) {
      case "string":
        return jsonStringBytes(value);
      case "number":
        return jsonNumberBytes(value);
      case "boolean":
        return value ? 4 : 5;
      case "object": {
        if (value === null) return 4;
        const cached = this.#sizes.get(value);
        if (cached !== undefined) return cached;
        let bytes: number;
        if (Array.isArray(value)) {
          bytes = 2 + Math.max(0, value.length - 1);
          for (const item of value) bytes += this.size(item);
        } else {
          bytes = 2;
          let first = true;
          for (const key of Object.keys(value)) {
            bytes += (first ? 0 : 1) + jsonStringBytes(key) + 1 + this.size((value as Record<string, unknown>)[key]);
            first = false;
          }
        }
        this.#sizes.set(value, bytes);
        return bytes;
      }
      default:
        return 4;
    }
  }

  fit(value: unknown, budget: number, path: string): Fitted {
    const size = this.size(value);
    if (size <= budget) return { value, bytes: size };
    if (typeof value === "string") return this.#string(value, budget, path);
    if (typeof value !== "object" || value === null) return this.#marker("[truncated]", budget, path, "value dropped");
    if (Array.isArray(value)) return this.#array(value, budget, path, size);
    return this.#object(value as Record<string, unknown>, budget, path, size);
  }

  /** A marker string, shortened if the budget demands; `null` (4 bytes) as a last resort. */
  #marker(text: string, budget: number, path: string, detail: string): Fitted {
    this.#note({ path, kind: "truncated", detail });
    for (const candidate of [text, "[truncated]", "[…]"]) {
      const bytes = jsonStringBytes(candidate);
      if (bytes <= budget) return { value: candidate, bytes };
    }
    return { value: null, bytes: 4 };
  }

  #string(value: string, budget: number, path: string): Fitted {
    const suffixFor = (kept: number) => `…[truncated: ${formatCount(value.length - kept)} more characters]`;
    // Largest prefix length whose string with its suffix fits: binary search on the exact JSON size.
    let low = 0;
    let high = Math.min(value.length, budget);
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (jsonStringBytes(value.slice(0, mid) + suffixFor(mid)) <= budget) low = mid;
      else high = mid - 1;
    }
    let kept = low;
    const code = value.charCodeAt(kept - 1);
    if (kept > 0 && code >= 0xd800 && code <= 0xdbff) kept--; // never split a surrogate pair
    const text = value.slice(0, kept) + suffixFor(kept);
    const bytes = jsonStringBytes(text);
    if (bytes > budget)
      return this.#marker(
        `[truncated: string of ${formatCount(value.length)} characters]`,
        budget,
        path,
        "string dropped",
      );
    this.#note({
      path,
      kind: "truncated",
      detail: `kept ${formatCount(kept)} of ${formatCount(value.length)} characters`,
    });
    return { value: text, bytes };
  }

  #array(value: readonly unknown[], budget: number, path: string, size: number): Fitted {
    const length = value.length;
    const tail = (rest: number, restBytes: number) =>
      `[truncated: ${formatCount(rest)} more item${rest === 1 ? "" : "s"}, ${formatCount(restBytes)} bytes]`;
    const reserve = 1 + jsonStringBytes(tail(length, size));
    // Too small for even one item and the count: a marker string stands for the whole array.
    if (budget < 2 + reserve)
      return this.#marker(`[truncated: array of ${formatCount(length)} items]`, budget, path, "array dropped");
    const out: unknown[] = [];
    let used = 2;
    let i = 0;
    for (; i < length; i++) {
      const item = value[i];
      const cost = this.size(item) + (i > 0 ? 1 : 0);
      const last = i === length - 1;
      if (used + cost <= budget - (last ? 0 : reserve)) {
        out.push(item);
        used += cost;
        continue;
      }
      // The first item that does not fit: keep a shortened copy when there is room for something useful.
      const room = budget - reserve - used - (i > 0 ? 1 : 0);
      if (room >= 64 && typeof item === "object" && item !== null) {
        const fitted = this.fit(item, room, `${path}[${i}]`);
        out.push(fitted.value);
        used += fitted.bytes + (i > 0 ? 1 : 0);
        i++;
      } else if (room >= 64 && typeof item === "string") {
        const fitted = this.#string(item, room, `${path}[${i}]`);
        out.push(fitted.value);
        used += fitted.bytes + (i > 0 ? 1 : 0);
        i++;
      }
      break;
    }
    if (i < length) {
      let restBytes = 0;
      for (let j = i; j < length; j++) restBytes += this.size(value[j]);
      const marker = tail(length - i, restBytes);
      out.push(marker);
      used += (out.length > 1 ? 1 : 0) + jsonStringBytes(marker);
      this.#note({ path, kind: "truncated", detail: `kept ${formatCount(i)} of ${formatCount(length)} items` });
    }
    return { value: out, bytes: used };
  }

  #object(value: Record<string, unknown>, budget: number, path: string, size: number): Fitted {
    const keys = Object.keys(value);
    const count = keys.length;
    const keyBytes = keys.map((key) => jsonStringBytes(key));
    const valueBytes = keys.map((key) => this.size(value[key]));
    const summary = (dropped: number) => `[truncated: ${formatCount(dropped)} more keys]`;
    const reserve = 1 + jsonStringBytes("…") + 1 + jsonStringBytes(summary(count));
    if (budget < 2 + reserve)
      return this.#marker(`[truncated: object with ${formatCount(count)} keys]`, budget, path, "object dropped");
    const avail = budget - 2 - reserve;
    // Phase 1: every entry that is small, smallest first, in full.
    const order = keys.map((_, i) => i).sort((a, b) => (valueBytes[a] as number) - (valueBytes[b] as number));
    const kept: Array<Fitted | undefined> = new Array(count).fill(undefined);
    let used = 0;
    let included = 0;
    for (const i of order) {
      const cost = (keyBytes[i] as number) + 1 + (valueBytes[i] as number) + 1;
      if (used + cost > avail) break;
      kept[i] = { value: value[keys[i] as string], bytes: valueBytes[i] as number };
      used += cost;
      included++;
    }
    // Phase 2: the larger entries in document order share what is left; each leaves room for a marker per
    // entry after it.
    let remaining = count - included;
    for (let i = 0; i < count; i++) {
      if (kept[i] !== undefined) continue;
      // A fair share of what is left; what an entry does not use goes to the ones after it.
      const overhead = (keyBytes[i] as number) + 2;
      const allowance = Math.floor((avail - used) / remaining) - overhead;
      remaining--;
      if (allowance >= 16) {
        const fitted = this.fit(value[keys[i] as string], allowance, childPath(path, keys[i] as string));
        kept[i] = fitted;
        used += overhead + fitted.bytes;
      }
    }
    const out: Record<string, unknown> = {};
    let bytes = 2;
    let dropped = 0;
    for (let i = 0; i < count; i++) {
      const entry = kept[i];
      if (entry === undefined) {
        dropped++;
        continue;
      }
      const key = keys[i] as string;
      Object.defineProperty(out, key, { value: entry.value, enumerable: true, writable: true, configurable: true });
      bytes += (bytes > 2 ? 1 : 0) + (keyBytes[i] as number) + 1 + entry.bytes;
    }
    if (dropped > 0) {
      const marker = summary(dropped);
      let key = "…";
      while (Object.hasOwn(out, key)) key += "…";
      out[key] = marker;
      bytes += (bytes > 2 ? 1 : 0) + jsonStringBytes(key) + 1 + jsonStringBytes(marker);
      this.#note({ path, kind: "truncated", detail: `dropped ${formatCount(dropped)} of ${formatCount(count)} keys` });
    }
    void size;
    return { value: out, bytes };
  }
}

function childPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
