/**
 * JSON crossing the sandbox boundary. Everything that leaves the guest arrives as a string that was length-checked
 * before it was copied; here it is depth-checked without recursion and parsed without ever letting a `__proto__` key
 * reach an object's prototype slot in the host.
 */

/** Nesting depth of a JSON text, measured by scanning (no recursion, so no host stack overflow). */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

function dropProto(this: unknown, key: string, value: unknown): unknown {
  return key === "__proto__" ? undefined : value;
}

/** Thrown when JSON from the guest is too deep; carries a readable message. */
export class JsonDepthError extends Error {
  override name = "JsonDepthError";
}

/**
 * Parses JSON that came out of the sandbox: checks nesting first (only texts long enough to exceed the limit are
 * scanned), and drops `__proto__` keys so merging the result into host objects cannot change a prototype.
 *
 * @throws {@link JsonDepthError} when nested deeper than `maxDepth`; `SyntaxError` for malformed JSON.
 */
export function parseGuestJson(text: string, maxDepth: number): unknown {
  if (text.length > maxDepth * 2 && jsonDepth(text, maxDepth) > maxDepth) {
    throw new JsonDepthError(`nested deeper than ${maxDepth} levels`);
  }
  return text.includes('"__proto__"') ? JSON.parse(text, dropProto) : JSON.parse(text);
}

/** UTF-8 byte length of a string. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/**
 * Serialises host data for the guest: JSON text or `undefined`, and an error message for data that is not JSON
 * (cycles, BigInt) instead of throwing.
 */
export function toJson(value: unknown): { ok: true; text: string | undefined } | { ok: false; message: string } {
  try {
    return { ok: true, text: JSON.stringify(value) };
  } catch (error) {
    return { ok: false, message: `value is not JSON data (${error instanceof Error ? error.message : String(error)})` };
  }
}
