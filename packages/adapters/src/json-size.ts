/**
 * The UTF-8 byte length of `JSON.stringify(value)`, computed without building the string (the audit record's
 * argument size on every call). Returns -1 where `JSON.stringify` would throw (cycles, BigInt; also nesting deeper
 * than 1,000 levels) and 0 where it would return `undefined` (a function, a symbol, `undefined`).
 *
 * @param value - any value
 * @returns bytes, 0 or -1
 * @example
 * ```ts
 * jsonByteLength({ a: "é" }); // 10, as Buffer.byteLength(JSON.stringify({ a: "é" }))
 * ```
 */
export function jsonByteLength(value: unknown): number {
  try {
    const bytes = size(value, "", undefined, 0);
    return bytes === -2 ? 0 : bytes;
  } catch {
    return -1;
  }
}

/** Characters JSON.stringify escapes, or that need care in UTF-8 (surrogates). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes
const needsCare = /["\\\u0000-\u001f\ud800-\udfff]/;

function stringBytes(text: string): number {
  // Fast path for longer strings with nothing to escape and no surrogates: the native UTF-8 length. Short strings are
  // cheaper to count in the loop below than to hand to native code.
  if (text.length > 24 && !needsCare.test(text)) return Buffer.byteLength(text, "utf8") + 2;
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      if (
        code === 0x22 ||
        code === 0x5c ||
        code === 0x08 ||
        code === 0x0c ||
        code === 0x0a ||
        code === 0x0d ||
        code === 0x09
      ) {
        bytes += 2;
      } else if (code < 0x20) bytes += 6;
      else bytes += 1;
    } else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 6; // a lone high surrogate is escaped as \udXXX
    } else if (code >= 0xdc00 && code <= 0xdfff)
      bytes += 6; // a lone low surrogate
    else bytes += 3;
  }
  return bytes;
}

function numberBytes(n: number): number {
  if (!Number.isFinite(n)) return 4; // null
  if (Number.isInteger(n) && n >= 0 && n < 1e15) {
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    return digits;
  }
  return String(n).length;
}

/** Deeper than this counts as a cycle (JSON.stringify would throw on a cycle; nothing real nests this deep). */
const maxDepth = 1_000;

/** Size of `value` as JSON.stringify would write it; `undefined` marks "omitted" (returned as -2). */
function size(input: unknown, key: string, holder: unknown, depth: number): number {
  let value = input;
  if (typeof value === "object" && value !== null && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  void holder;
  switch (typeof value) {
    case "string":
      return stringBytes(value);
    case "number":
      return numberBytes(value);
    case "boolean":
      return value ? 4 : 5;
    case "bigint":
      throw new TypeError("BigInt");
    case "undefined":
    case "function":
    case "symbol":
      return -2;
  }
  if (value === null) return 4;
  const object = value as object;
  if (depth > maxDepth) throw new TypeError("cycle or nesting too deep");
  let bytes = 2;
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) {
      const item = size(object[i], String(i), object, depth + 1);
      bytes += (item === -2 ? 4 : item) + (i > 0 ? 1 : 0);
    }
  } else if (object instanceof Number || object instanceof String || object instanceof Boolean) {
    return size(object.valueOf(), key, holder, depth);
  } else {
    let first = true;
    for (const name of Object.keys(object)) {
      const item = size((object as Record<string, unknown>)[name], name, object, depth + 1);
      if (item === -2) continue;
      bytes += stringBytes(name) + 1 + item + (first ? 0 : 1);
      first = false;
    }
  }
  return bytes;
}
