/** Exact UTF-8 byte counts of values as `JSON.stringify` writes them, without serialising. */

// Anything JSON escapes (controls, quote, backslash) or encodes on more than one byte.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes
const NOT_PLAIN = /[\u0000-\u001f"\\\u0080-\uffff]/;

/** Bytes of `JSON.stringify(value)` for a string, quotes included. */
export function jsonStringBytes(value: string): number {
  const length = value.length;
  let i = 0;
  if (length < 8) {
    // A regex call costs more than reading a few characters.
    while (i < length) {
      const code = value.charCodeAt(i);
      if (code < 0x20 || code >= 0x80 || code === 34 || code === 92) break;
      i++;
    }
    if (i === length) return length + 2;
  } else if (!NOT_PLAIN.test(value)) return length + 2;
  let bytes = 2 + i;
  for (; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) {
      if (code === 34 || code === 92 || code === 8 || code === 9 || code === 10 || code === 12 || code === 13)
        bytes += 2;
      else if (code < 0x20) bytes += 6;
      else bytes += 1;
    } else if (code < 0x800) {
      bytes += 2;
    } else if (code >= 0xd800 && code <= 0xdbff) {
      const next = i + 1 < length ? value.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 6; // a lone surrogate is written as \udxxx
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      bytes += 6;
    } else {
      bytes += 3;
    }
  }
  return bytes;
}

/** Bytes of `JSON.stringify(value)` for a number (`null` for non-finite ones). */
export function jsonNumberBytes(value: number): number {
  // Integers below 1e15 print as their digits (and a minus sign): count them without building a string.
  if (Number.isInteger(value) && value < 1e15 && value > -1e15) {
    let n = value < 0 ? -value : value;
    let bytes = value < 0 ? 2 : 1;
    if (n >= 1e8) {
      bytes += 8;
      n = Math.floor(n / 1e8);
    }
    if (n >= 1e4) {
      bytes += 4;
      n = Math.floor(n / 1e4);
    }
    if (n >= 100) {
      bytes += 2;
      n = Math.floor(n / 100);
    }
    return n >= 10 ? bytes + 1 : bytes;
  }
  return Number.isFinite(value) ? String(value).length : 4;
}

/** Bytes of `JSON.stringify(value)` for plain JSON data (no cycles, no undefined inside arrays). */
export function jsonBytes(value: unknown): number {
  switch (typeof value) {
    case "string":
      return jsonStringBytes(value);
    case "number":
      return jsonNumberBytes(value);
    case "boolean":
      return value ? 4 : 5;
    case "object": {
      if (value === null) return 4;
      if (Array.isArray(value)) {
        let bytes = 2 + Math.max(0, value.length - 1);
        for (const item of value) bytes += item === undefined ? 4 : jsonBytes(item);
        return bytes;
      }
      let bytes = 2;
      let first = true;
      for (const key of Object.keys(value)) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
        bytes += (first ? 0 : 1) + jsonStringBytes(key) + 1 + jsonBytes(item);
        first = false;
      }
      return bytes;
    }
    default:
      return 0;
  }
}

/** Thousands separators for markers: 12345 → "12,345" (no locale, same output everywhere). */
export function formatCount(value: number): string {
  const text = String(Math.trunc(value));
  return text.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
