/**
 * Checksums and format validators the value rules use to keep false positives down. All are linear in their input
 * and never throw.
 */

/** True when the digits of `value` (non-digits ignored) pass the Luhn check used by payment cards and others. */
export function luhnValid(value: string): boolean {
  let sum = 0;
  let double = false;
  let count = 0;
  for (let i = value.length - 1; i >= 0; i--) {
    const code = value.charCodeAt(i) - 48;
    if (code < 0 || code > 9) continue;
    count++;
    let digit = code;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return count > 0 && sum % 10 === 0;
}

/** IBAN length by country (ISO 13616 registry), for the countries that issue IBANs. */
// biome-ignore format: a table reads better packed
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27,
  MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33,
  SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/**
 * True when `value` (spaces ignored, case-insensitive) is an IBAN of a registered country with the right length and a
 * valid ISO 7064 mod-97-10 check.
 */
export function ibanValid(value: string): boolean {
  const compact = value.replace(/ /g, "").toUpperCase();
  const expected = IBAN_LENGTHS[compact.slice(0, 2)];
  if (expected === undefined || compact.length !== expected) return false;
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      remainder = (remainder * 10 + (code - 48)) % 97;
    } else {
      const n = code - 55; // A=10 … Z=35: two digits
      remainder = (remainder * 100 + n) % 97;
    }
  }
  return remainder === 1;
}

/** Computes the ISO 7064 mod-97-10 check digits that make `country + "00" + bban` a valid IBAN (for generators). */
export function ibanCheckDigits(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`;
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    remainder = code >= 48 && code <= 57 ? (remainder * 10 + (code - 48)) % 97 : (remainder * 100 + (code - 55)) % 97;
  }
  return String(98 - remainder).padStart(2, "0");
}

/** The expected IBAN length of a country, or undefined when it issues none. */
export function ibanLength(country: string): number | undefined {
  return IBAN_LENGTHS[country];
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as zlib) of the Latin-1 code units of `value`. */
export function crc32(value: string): number {
  let table = crcTable;
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    crcTable = table;
  }
  let crc = 0xffffffff;
  for (let i = 0; i < value.length; i++) {
    crc = (table[(crc ^ value.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `value` in base 62 (digits, upper case, lower case), left-padded with "0" to `width`. */
export function base62(value: number, width: number): string {
  let out = "";
  let n = value;
  while (n > 0) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(width, "0");
}

/**
 * True when a GitHub classic-format or npm token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `npm_` + 30 random characters
 * + 6) carries the right checksum: the last six characters are the base-62 CRC-32 of the 30 random ones.
 */
export function prefixedCrcValid(token: string): boolean {
  const body = token.slice(4);
  if (body.length !== 36) return false;
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

/** Shannon entropy of `value` in bits per character. */
export function entropy(value: string): number {
  const length = value.length;
  if (length === 0) return 0;
  // Counts in a reused table for ASCII (a Map for anything wider); the sum runs over characters in order of first
  // appearance, as a Map would iterate them.
  asciiCounts ??= new Uint32Array(128);
  firstSeen ??= new Uint16Array(128);
  const counts = asciiCounts;
  const order = firstSeen;
  let distinct = 0;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 128) {
      for (let j = 0; j < distinct; j++) counts[order[j] as number] = 0;
      return entropyWide(value);
    }
    if (counts[code] === 0) order[distinct++] = code;
    counts[code] = (counts[code] as number) + 1;
  }
  let bits = 0;
  for (let j = 0; j < distinct; j++) {
    const code = order[j] as number;
    const p = (counts[code] as number) / length;
    counts[code] = 0;
    bits -= p * Math.log2(p);
  }
  return bits;
}

let asciiCounts: Uint32Array | undefined;
let firstSeen: Uint16Array | undefined;

function entropyWide(value: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** True when a payment card number (separators ignored) has a known issuer prefix, a matching length and Luhn. */
export function cardValid(value: string): boolean {
  // One pass: the digits (spaces and dashes ignored), whether they are all the same, and the six-digit prefix.
  let length = 0;
  let first = -1;
  let allSame = true;
  let six = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 32 || code === 45) continue;
    if (code < 48 || code > 57) return false;
    const digit = code - 48;
    if (length === 0) first = digit;
    else if (digit !== first) allSame = false;
    if (length < 6) six = six * 10 + digit;
    length++;
    if (length > 19) return false;
  }
  if (length < 13 || allSame) return false;
  const four = Math.floor(six / 100);
  const three = Math.floor(six / 1000);
  const two = Math.floor(six / 10000);
  let brand = false;
  if (first === 4)
    brand = length === 13 || length === 16 || length === 19; // Visa
  else if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720))
    brand = length === 16; // Mastercard
  else if (two === 34 || two === 37)
    brand = length === 15; // American Express
  else if (four === 6011 || two === 65 || (three >= 644 && three <= 649) || (six >= 622126 && six <= 622925))
    brand = length >= 16 && length <= 19; // Discover
  else if (four >= 3528 && four <= 3589)
    brand = length >= 16 && length <= 19; // JCB
  else if ((three >= 300 && three <= 305) || two === 36 || two === 38 || two === 39 || three === 309)
    brand = length >= 14 && length <= 19; // Diners Club
  else if (two === 62)
    brand = length >= 16 && length <= 19; // UnionPay
  else if (two === 50 || (two >= 56 && two <= 69)) brand = length >= 12 && length <= 19; // Maestro and others
  if (!brand) return false;
  return luhnValid(value); // skips the separators
}

/** True when `value` (`AAA-GG-SSSS` or `AAA GG SSSS`) is a US social security number the SSA could issue. */
export function ssnValid(value: string): boolean {
  const digits = value.replace(/[ -]/g, "");
  if (!/^\d{9}$/.test(digits)) return false;
  const area = Number(digits.slice(0, 3));
  const group = Number(digits.slice(3, 5));
  const serial = Number(digits.slice(5));
  if (area === 0 || area === 666 || area >= 900) return false;
  if (group === 0 || serial === 0) return false;
  // Numbers the SSA published in advertising and that are never issued.
  if (digits === "078051120" || digits === "219099999") return false;
  return true;
}

const NINO_BAD_PREFIX = new Set(["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"]);

/** True when `value` is a UK National Insurance number in the allocated ranges. */
export function ninoValid(value: string): boolean {
  const compact = value.replace(/ /g, "").toUpperCase();
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(compact)) return false;
  return !NINO_BAD_PREFIX.has(compact.slice(0, 2));
}

/** Decodes base64url (or base64) text to a string of Latin-1 code units; undefined if it is not base64. */
export function decodeBase64(value: string): string | undefined {
  const stripped = value.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  if (stripped.length % 4 === 1 || !/^[A-Za-z0-9+/]*$/.test(stripped)) return undefined;
  try {
    return atob(stripped + "==".slice(0, (4 - (stripped.length % 4)) % 4));
  } catch {
    return undefined;
  }
}

/** True when the first segment of a JWT decodes to a JSON object with an `alg` (a JOSE header). */
export function jwtHeaderValid(token: string): boolean {
  const dot = token.indexOf(".");
  if (dot < 4) return false;
  const header = decodeBase64(token.slice(0, dot));
  if (header === undefined) return false;
  try {
    const parsed: unknown = JSON.parse(header);
    return typeof parsed === "object" && parsed !== null && typeof (parsed as { alg?: unknown }).alg === "string";
  } catch {
    return false;
  }
}

/** True when `value` is a textual IPv6 address (with `::` compression and an optional IPv4 tail). */
export function ipv6Valid(value: string): boolean {
  if (value.length < 3 || value.length > 45) return false;
  let text = value;
  const lastColon = text.lastIndexOf(":");
  if (text.indexOf(".", lastColon + 1) !== -1) {
    // An IPv4 tail stands for the last two groups.
    if (!ipv4Valid(text.slice(lastColon + 1))) return false;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const double = text.indexOf("::");
  if (double !== text.lastIndexOf("::")) return false;
  if (double === -1) return hexGroups(text, 0, text.length) === 8;
  const head = double === 0 ? 0 : hexGroups(text, 0, double);
  const rest = double + 2 === text.length ? 0 : hexGroups(text, double + 2, text.length);
  return head !== -1 && rest !== -1 && head + rest <= 7;
}

/** Number of `:`-separated groups of 1–4 hex digits in `text[from, to)`, or -1 when any group is not one. */
function hexGroups(text: string, from: number, to: number): number {
  let groups = 0;
  let length = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === 58) {
      if (length === 0) return -1;
      groups++;
      length = 0;
    } else if ((code >= 48 && code <= 57) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70)) {
      if (++length > 4) return -1;
    } else {
      return -1;
    }
  }
  return length === 0 ? -1 : groups + 1;
}

/** True when `value` is a dotted-quad IPv4 address without leading zeros. */
export function ipv4Valid(value: string): boolean {
  let parts = 0;
  let octet = 0;
  let digits = 0;
  for (let i = 0; i <= value.length; i++) {
    const code = i === value.length ? 46 : value.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || octet > 255) return false;
      parts++;
      octet = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return false; // leading zero
      octet = octet * 10 + (code - 48);
      if (++digits > 3) return false;
    } else {
      return false;
    }
  }
  return parts === 4;
}
