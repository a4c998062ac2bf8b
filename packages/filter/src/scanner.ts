/**
 * Value detection inside one string. Built for throughput and linear time:
 *
 * - one pass of a single candidate regex finds long tokens (16+ characters of `[A-Za-z0-9_\-.+$]`), numbers with
 *   separators and IBAN/NINO-like sequences; each candidate is dispatched by its first characters to an exact
 *   validator (checksums, lengths, decoded headers), so most strings cost one regex call;
 * - e-mail, URL, PEM, assignment (`key=value`, `"key": "value"`) and IPv6 passes run only when the string contains
 *   their anchor character (`@`, `://`, `-----BEGIN`, `=`/`:`), found with `indexOf`;
 * - every regex either starts only at a run boundary (a look-behind on its own character class) or has bounded
 *   quantifiers, and every loop moves forward, so adversarial input stays linear.
 */
import {
  cardValid,
  decodeBase64,
  entropy,
  ibanLength,
  ibanValid,
  ipv4Valid,
  ipv6Valid,
  jwtHeaderValid,
  ninoValid,
  prefixedCrcValid,
  ssnValid,
} from "./checks.js";
import { classifyFieldName } from "./field-names.js";

/** One value found in a string: `[start, end)` in UTF-16 code units. */
export interface Hit {
  type: string;
  start: number;
  end: number;
  priority: number;
}

/** What the scanner needs from its caller: field-name classification for `key=value` assignments. */
export interface ScanContext {
  fieldExtra: ReadonlyMap<string, string> | undefined;
  fieldIgnore: ReadonlySet<string> | undefined;
  /** Cache of assignment-key classifications (raw key → type or null). Bounded by the caller. */
  keyCache: Map<string, string | null>;
}

const P_PEM = 100;
/** Webhook URLs contain long numeric ids that could pass for card numbers: the URL wins. */
const P_WEBHOOK = 95;
const P_CHECKSUM = 90;
const P_PREFIX = 80;
const P_URL = 75;
const P_EMAIL = 60;
const P_ID = 55;
const P_PHONE = 50;
const P_IP = 45;
const P_AUTH = 40;
const P_ASSIGN = 30;

/** Token characters: what provider keys, JWTs and base64url are made of (no `/`, `=`, `:` so they split context). */
const TOKEN_CLASS = "A-Za-z0-9_\\-.+$";
// Numbers with separators (or a leading + or parenthesis), and IBAN/NINO-like sequences, in one regex: both start
// right after a non-token character, with distinct first characters.
// Numbers are at least 7 characters (1.1.1.1); ISO dates (2024-05-01) are skipped by a look-ahead at the start.
const NUMBER_OR_IBAN_SOURCE = `(?<![${TOKEN_CLASS}])(?:((?:\\(\\+|[+(])?(?!\\d{4}-\\d\\d-\\d\\d(?!\\d))\\d[\\d \\-.()]{5,40}\\d)|[A-Z]{2} ?\\d{2}(?: ?[A-Z0-9]{1,4}){1,9})`;

let numberRe: RegExp | undefined;
let tokenTable: Uint8Array | undefined;

/** 1 for token characters (ASCII only). */
function tokenChars(): Uint8Array {
  if (tokenTable === undefined) {
    tokenTable = new Uint8Array(128);
    for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.+$")
      tokenTable[ch.charCodeAt(0)] = 1;
  }
  return tokenTable;
}

const AWS_ID = /^(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z2-7]{16}$/;
const GOOGLE_KEY = /^AIza[0-9A-Za-z_-]{35}$/;
const GITHUB_CLASSIC = /^gh[pousr]_[A-Za-z0-9]{36}$/;
const GITHUB_FINE = /^github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}$/;
const GITLAB = /^gl(?:pat|rt|dt)-[A-Za-z0-9_-]{20,80}$/;
const SLACK_BOT = /^xoxb-\d{8,14}-\d{8,14}-[A-Za-z0-9]{20,40}$/;
const SLACK_USER = /^xoxp-\d{8,14}-\d{8,14}-\d{8,14}-[a-f0-9]{32}$/;
const SLACK_APP = /^xapp-\d-[A-Z0-9]{8,14}-\d{8,16}-[a-f0-9]{64}$/;
const STRIPE = /^[sr]k_(?:live|test)_[A-Za-z0-9]{20,247}$/;
const STRIPE_WEBHOOK = /^whsec_[A-Za-z0-9+]{32,88}$/;
const ANTHROPIC = /^sk-ant-(?:api|admin|oat|sid)\d{2}-[A-Za-z0-9_-]{32,200}$/;
const OPENAI = /^sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{16,250}$/;
const GOOGLE_SECRET = /^GOCSPX-[A-Za-z0-9_-]{28}$/;
const GOOGLE_ACCESS = /^ya29\.[0-9A-Za-z_-]{20,2048}$/;
const TWILIO = /^SK[0-9a-f]{32}$/;
const SENDGRID = /^SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;
const NPM = /^npm_[A-Za-z0-9]{36}$/;
const MAILGUN = /^key-[0-9a-f]{32}$/;
const MAILCHIMP = /^[0-9a-f]{32}-us\d{1,2}$/;
const SHOPIFY = /^shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}$/;
const DIGITALOCEAN = /^do[opr]_v1_[a-f0-9]{64}$/;
const HUGGINGFACE = /^hf_[A-Za-z0-9]{34}$/;
const PYPI = /^pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,300}$/;
const TELEGRAM_TAIL = /^AA[0-9A-Za-z_-]{33}$/;
const DATABRICKS = /^dapi[a-f0-9]{32}(?:-\d)?$/;
const JWT = /^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*$/;
const BEARER_VALUE = /^[A-Za-z0-9\-._~+/]+=*$/;

const GITHUB_TYPES: Readonly<Record<string, string>> = {
  p: "github_pat",
  o: "github_oauth_token",
  u: "github_user_token",
  s: "github_server_token",
  r: "github_refresh_token",
};

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70);
}

function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Characters of a bearer token (RFC 6750 b64token) plus padding. */
function isCredentialChar(code: number): boolean {
  return (
    isAlnum(code) ||
    code === 45 ||
    code === 46 ||
    code === 95 ||
    code === 126 ||
    code === 43 ||
    code === 47 ||
    code === 61
  );
}

function isKeyChar(code: number): boolean {
  return isAlnum(code) || code === 95 || code === 45 || code === 46; // _ - .
}

/** At least `classes` of: lower, upper, digit, other. */
function charClasses(value: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 97 && code <= 122) lower = 1;
    else if (code >= 65 && code <= 90) upper = 1;
    else if (code >= 48 && code <= 57) digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

/** {@link TextProfile} flags: the string holds a digit. */
export const HAS_DIGIT = 1;
/** … an `@`. */
export const HAS_AT = 2;
/** … a `:`. */
export const HAS_COLON = 4;
/** … an `=`. */
export const HAS_EQUALS = 8;
/** … a `$`. */
export const HAS_DOLLAR = 16;
/** … a character JSON escapes or UTF-8 writes on more than one byte (its JSON size needs counting). */
export const NOT_PLAIN = 32;

/** What one pass over a string found: the characters the passes are gated on, and where the first digit is. */
export interface TextProfile {
  flags: number;
  /** Index of the first digit, or -1. */
  firstDigit: number;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const INTERESTING = /[0-9@:=$\u0000-\u001f"\\\u0080-\uffff]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const NOT_PLAIN_FROM = /[\u0000-\u001f"\\\u0080-\uffff]/g;
const DIGIT_FROM = /[0-9]/g;
const ANCHOR_FROM = /[@:=$]/g;
let profileTable: Uint8Array | undefined;

/** Flags of each ASCII character. */
function profileFlags(): Uint8Array {
  if (profileTable === undefined) {
    profileTable = new Uint8Array(128);
    for (let code = 0; code < 32; code++) profileTable[code] = NOT_PLAIN;
    profileTable[34] = NOT_PLAIN;
    profileTable[92] = NOT_PLAIN;
    for (let code = 48; code <= 57; code++) profileTable[code] = HAS_DIGIT;
    profileTable[64] = HAS_AT;
    profileTable[58] = HAS_COLON;
    profileTable[61] = HAS_EQUALS;
    profileTable[36] = HAS_DOLLAR;
  }
  return profileTable;
}

/**
 * Profiles `text` into `into`: which anchor characters it holds, where its first digit is, and whether its JSON size
 * needs counting. One native search finds the first interesting character (most strings have none); only strings
 * that have one get a search per kind from there. (Native searches beat a JavaScript loop over the characters from
 * about eight characters on.)
 */
export function profileText(text: string, into: TextProfile): void {
  const length = text.length;
  let flags = 0;
  let firstDigit = -1;
  if (length < 8) {
    const table = profileFlags();
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      const f = code < 128 ? (table[code] as number) : NOT_PLAIN;
      if (f !== 0) {
        if (f === HAS_DIGIT && firstDigit === -1) firstDigit = i;
        flags |= f;
      }
    }
  } else {
    INTERESTING.lastIndex = 0;
    if (INTERESTING.test(text)) {
      const from = INTERESTING.lastIndex - 1;
      const code = text.charCodeAt(from);
      if (code >= 48 && code <= 57) firstDigit = from;
      else {
        DIGIT_FROM.lastIndex = from;
        if (DIGIT_FROM.test(text)) firstDigit = DIGIT_FROM.lastIndex - 1;
      }
      if (firstDigit !== -1) flags |= HAS_DIGIT;
      NOT_PLAIN_FROM.lastIndex = from;
      if (NOT_PLAIN_FROM.test(text)) flags |= NOT_PLAIN;
      ANCHOR_FROM.lastIndex = from;
      if (ANCHOR_FROM.test(text)) {
        const anchor = ANCHOR_FROM.lastIndex - 1;
        if (text.indexOf("@", anchor) !== -1) flags |= HAS_AT;
        if (text.indexOf(":", anchor) !== -1) flags |= HAS_COLON;
        if (text.indexOf("=", anchor) !== -1) flags |= HAS_EQUALS;
        if (text.indexOf("$", anchor) !== -1) flags |= HAS_DOLLAR;
      }
    }
  }
  into.flags = flags;
  into.firstDigit = firstDigit;
}

/**
 * True for the commonest strings in data, UUIDs and ISO timestamps: they hold nothing (and are plain ASCII). One
 * anchored test, run only when the dashes both shapes have at fixed places are there.
 */
export function isPlainShape(text: string): boolean {
  const length = text.length;
  if (length < 10 || length > 36 || !isHex(text.charCodeAt(0))) return false;
  return length === 36 ? isUuid(text) : text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && isIsoDate(text);
}

const UUID_SHAPE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ISO_SHAPE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** A UUID in its canonical 8-4-4-4-12 hex form. (An anchored regex; a character loop was measured slower.) */
export function isUuid(text: string): boolean {
  return UUID_SHAPE.test(text);
}

/** An ISO 8601 date, optionally with a time, seconds, a fraction of 1–9 digits and a zone. */
export function isIsoDate(text: string): boolean {
  return ISO_SHAPE.test(text);
}

const ownProfile: TextProfile = { flags: 0, firstDigit: -1 };

/**
 * Finds every sensitive value in `text` and appends non-overlapping hits (sorted by start) to `out`. `profile`, when
 * given, is {@link profileText} of `text` (the walk has it already, from sizing the string), and the caller has
 * ruled out {@link isPlainShape}.
 */
export function scanText(text: string, context: ScanContext, out: Hit[], profile?: TextProfile): void {
  const length = text.length;
  if (length < 6) return;
  let known = profile;
  if (known === undefined) {
    if (isPlainShape(text)) return;
    profileText(text, ownProfile);
    known = ownProfile;
  }
  const flags = known.flags;
  const firstDigit = known.firstDigit;
  const hits = scratchHits;
  hits.length = 0;
  if (length >= 16) longTokens(text, hits);
  if (firstDigit !== -1) numberPass(text, firstDigit, hits);
  if ((flags & HAS_AT) !== 0) emailPass(text, hits);
  if ((flags & HAS_COLON) !== 0 && text.indexOf("://") !== -1) urlPass(text, hits);
  if (length >= 40 && text.indexOf("-----BEGIN ") !== -1) pemPass(text, hits);
  if ((flags & HAS_DOLLAR) !== 0 && (text.indexOf("$2") !== -1 || text.indexOf("$argon2") !== -1)) hashPass(text, hits);
  if ((flags & (HAS_EQUALS | HAS_COLON)) !== 0) assignmentPass(text, context, hits);
  if (hits.length === 0) return;
  resolveOverlaps(hits, out);
  hits.length = 0;
}

/** The hits of the scan under way (scans never nest). */
const scratchHits: Hit[] = [];

/** Keeps the best of overlapping hits (higher priority, then longer), in one sweep over hits sorted by start. */
function resolveOverlaps(hits: Hit[], out: Hit[]): void {
  if (hits.length === 1) {
    out.push(hits[0] as Hit);
    return;
  }
  hits.sort((a, b) => a.start - b.start || b.priority - a.priority || b.end - a.end);
  const kept: Hit[] = [];
  for (const hit of hits) {
    const last = kept[kept.length - 1];
    if (last === undefined || hit.start >= last.end) {
      kept.push(hit);
    } else if (
      hit.priority > last.priority ||
      (hit.priority === last.priority && hit.end - hit.start > last.end - last.start)
    ) {
      kept[kept.length - 1] = hit;
    }
  }
  for (const hit of kept) out.push(hit);
}

// ---------------------------------------------------------------------------------------------------------------
// Candidate pass: tokens, numbers, IBAN/NINO

/**
 * Numbers and IBAN/NINO-like sequences. Every match has a digit within its first four characters, so the search starts
 * three characters before the first digit.
 */
function numberPass(text: string, firstDigit: number, hits: Hit[]): void {
  numberRe ??= new RegExp(NUMBER_OR_IBAN_SOURCE, "g");
  const re = numberRe;
  re.lastIndex = firstDigit > 3 ? firstDigit - 3 : 0;
  let match = re.exec(text);
  while (match !== null) {
    if (match[1] !== undefined) {
      // "(+49 30 …)": the parenthesis opens a remark, not an area code.
      let skip = 0;
      if (text.charCodeAt(match.index) === 40) {
        const close = match[0].indexOf(")");
        if (text.charCodeAt(match.index + 1) === 43 || close === -1 || close > 6) skip = 1;
      }
      dispatchNumber(text, match.index + skip, match.index + match[0].length, hits);
    } else {
      const end = ibanOrNino(text, match.index, hits);
      re.lastIndex = end === -1 ? match.index + 1 : end;
    }
    match = re.exec(text);
  }
}

/**
 * Finds runs of 16+ token characters without reading every character. A probe at `i` that is not a token character
 * rules out every run covering it, so the next probe is 16 further. A token character is followed back to the start
 * of its run; a run too short to reach 16 there means the next run that could be long enough must cover the place 15
 * after that start, so the probe goes there (the characters in between are read by the next walk back, never twice).
 * Only a run that reaches 16 is read forward to its end.
 */
function longTokens(text: string, hits: Hit[]): void {
  const table = tokenChars();
  const length = text.length;
  let i = 15;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code >= 128 || table[code] === 0) {
      i += 16;
      continue;
    }
    let start = i;
    while (start > 0) {
      const before = text.charCodeAt(start - 1);
      if (before < 128 && table[before] === 1) start--;
      else break;
    }
    if (i - start < 15) {
      i = start + 15;
      continue;
    }
    let end = i + 1;
    while (end < length) {
      const after = text.charCodeAt(end);
      if (after < 128 && table[after] === 1) end++;
      else break;
    }
    dispatchToken(text, start, end, hits);
    i = end + 16;
  }
}

/** Reports an IBAN or UK NINO starting at `start`; returns its end, or -1. */
function ibanOrNino(text: string, start: number, hits: Hit[]): number {
  const country = text.slice(start, start + 2);
  const expected = ibanLength(country);
  if (expected !== undefined) {
    const end = collectCompact(text, start, expected);
    if (end !== -1 && ibanValid(text.slice(start, end))) {
      hits.push({ type: "iban", start, end, priority: P_CHECKSUM });
      return end;
    }
  }
  const end = collectCompact(text, start, 9);
  if (end !== -1 && ninoValid(text.slice(start, end))) {
    hits.push({ type: "uk_nino", start, end, priority: P_ID });
    return end;
  }
  return -1;
}

/** From `start`, reads `count` letters/digits allowing single spaces between them; the end index or -1. */
function collectCompact(text: string, start: number, count: number): number {
  let i = start;
  let got = 0;
  while (got < count && i < text.length) {
    const code = text.charCodeAt(i);
    if (isAlnum(code)) {
      got++;
      i++;
    } else if (code === 32 && got > 0 && i + 1 < text.length && isAlnum(text.charCodeAt(i + 1))) {
      i++;
    } else {
      return -1;
    }
  }
  if (got !== count) return -1;
  if (i < text.length && isAlnum(text.charCodeAt(i))) return -1;
  return i;
}

function dispatchToken(text: string, start: number, rawEnd: number, hits: Hit[]): void {
  let end = rawEnd;
  // A full stop glued to a token ends the sentence; `-` and `+` belong to base64url and base64 alphabets.
  while (end > start && text.charCodeAt(end - 1) === 46) end--;
  const length = end - start;
  if (length < 16) return;
  const c0 = text.charCodeAt(start);
  if ((length === 36 || length === 37) && mailchimpShape(text, end)) {
    if (MAILCHIMP.test(text.slice(start, end)))
      hits.push({ type: "mailchimp_api_key", start, end, priority: P_PREFIX });
    return;
  }
  if (isDigit(c0) && length <= 23 && onlyDigitsAndDashes(text, start, end)) {
    // Card numbers written without spaces (spaced ones are number candidates).
    const value = text.slice(start, end);
    if (cardValid(value) && cardGroupingOk(value)) hits.push({ type: "credit_card", start, end, priority: P_CHECKSUM });
    return;
  }
  if (length > 20_000) return; // no provider token is this long; a huge run is data, not a key
  // Most long tokens are ids, hashes and words: only a known first letter, or `Bearer `/`Basic ` before the token,
  // is worth a closer look (and the substring it costs).
  const prefixed = c0 < 128 && prefixFirst()[c0] === 1;
  const scheme = authSchemeBefore(text, start);
  if (!prefixed && scheme === undefined) return;
  const value = text.slice(start, end);
  const type = prefixed ? classifyToken(value, text, start) : undefined;
  if (type !== undefined) {
    if (type === "telegram_bot_token") {
      let digitsStart = start - 1;
      while (digitsStart > 0 && isDigit(text.charCodeAt(digitsStart - 1))) digitsStart--;
      hits.push({ type, start: digitsStart, end, priority: P_PREFIX });
    } else {
      hits.push({ type, start, end, priority: P_PREFIX });
    }
    return;
  }
  // `Bearer <token>` / `Basic <base64>` in headers and logs.
  if (scheme === "bearer") {
    if (BEARER_VALUE.test(value) && entropy(value) >= 3 && charClasses(value) >= 2)
      hits.push({ type: "bearer_token", start, end: extendPadding(text, end), priority: P_AUTH });
  } else if (scheme === "basic") {
    const decoded = decodeBase64(text.slice(start, extendPadding(text, end)));
    if (decoded !== undefined && /^[\x20-\x7e]+:[\x20-\x7e]*$/.test(decoded))
      hits.push({ type: "basic_auth", start, end: extendPadding(text, end), priority: P_AUTH });
  }
}

let prefixTable: Uint8Array | undefined;

/** First letters of the provider prefixes `classifyToken` knows. */
function prefixFirst(): Uint8Array {
  if (prefixTable === undefined) {
    prefixTable = new Uint8Array(128);
    for (const ch of "AGSgxsrwynkdhpe") prefixTable[ch.charCodeAt(0)] = 1;
  }
  return prefixTable;
}

/** `…-us12` / `…-us1` at the end of a token (a Mailchimp data-centre suffix). */
function mailchimpShape(text: string, end: number): boolean {
  const dash = text.charCodeAt(end - 4) === 45 ? end - 4 : text.charCodeAt(end - 5) === 45 ? end - 5 : -1;
  return dash !== -1 && text.charCodeAt(dash + 1) === 117 && text.charCodeAt(dash + 2) === 115;
}

function onlyDigitsAndDashes(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (!(isDigit(code) || code === 45)) return false;
  }
  return true;
}

function extendPadding(text: string, end: number): number {
  let e = end;
  while (e < text.length && e < end + 2 && text.charCodeAt(e) === 61) e++;
  return e;
}

function authSchemeBefore(text: string, start: number): "bearer" | "basic" | undefined {
  let i = start - 1;
  let spaces = 0;
  while (i >= 0 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) && spaces < 4) {
    i--;
    spaces++;
  }
  if (spaces === 0) return undefined;
  if (i >= 5 && text.slice(i - 5, i + 1).toLowerCase() === "bearer" && (i < 6 || !isAlnum(text.charCodeAt(i - 6))))
    return "bearer";
  if (i >= 4 && text.slice(i - 4, i + 1).toLowerCase() === "basic" && (i < 5 || !isAlnum(text.charCodeAt(i - 5))))
    return "basic";
  return undefined;
}

function classifyToken(value: string, text: string, start: number): string | undefined {
  const length = value.length;
  switch (value.charCodeAt(0)) {
    case 65: // A
      if (length === 20 && AWS_ID.test(value) && entropy(value.slice(4)) >= 2.5) return "aws_access_key_id";
      if (length === 39 && GOOGLE_KEY.test(value)) return "google_api_key";
      if (length === 35 && TELEGRAM_TAIL.test(value) && start > 8 && text.charCodeAt(start - 1) === 58) {
        let digits = 0;
        for (let i = start - 2; i >= 0 && isDigit(text.charCodeAt(i)); i--) digits++;
        const before = start - 2 - digits;
        if (digits >= 8 && digits <= 10 && (before < 0 || !isAlnum(text.charCodeAt(before))))
          return "telegram_bot_token";
      }
      return undefined;
    case 71: // G
      return length === 35 && GOOGLE_SECRET.test(value) ? "google_oauth_client_secret" : undefined;
    case 83: // S
      if (length === 34 && TWILIO.test(value)) return "twilio_api_key";
      if (length === 69 && SENDGRID.test(value)) return "sendgrid_api_key";
      return undefined;
    case 103: // g
      if (length === 40 && GITHUB_CLASSIC.test(value) && prefixedCrcValid(value))
        return GITHUB_TYPES[value[2] as string];
      if (length === 93 && GITHUB_FINE.test(value)) return "github_fine_grained_pat";
      if (GITLAB.test(value) && entropy(value.slice(6)) >= 3) {
        if (value.startsWith("glpat-")) return "gitlab_pat";
        return value.startsWith("glrt-") ? "gitlab_runner_token" : "gitlab_deploy_token";
      }
      return undefined;
    case 120: // x
      if (SLACK_BOT.test(value)) return "slack_bot_token";
      if (SLACK_USER.test(value)) return "slack_user_token";
      if (SLACK_APP.test(value)) return "slack_app_token";
      return undefined;
    case 115: // s
      if (STRIPE.test(value) && entropy(value.slice(8)) >= 3) return "stripe_secret_key";
      if (value.startsWith("sk-ant-")) return ANTHROPIC.test(value) ? "anthropic_api_key" : undefined;
      if (value.startsWith("sk-") && OPENAI.test(value)) {
        const marked = value.includes("T3BlbkFJ");
        const project = /^sk-(?:proj|svcacct|admin)-/.test(value) && length >= 40;
        if ((marked || project) && entropy(value) >= 3.5) return "openai_api_key";
      }
      if (length === 38 && SHOPIFY.test(value)) return "shopify_token";
      return undefined;
    case 114: // r
      return STRIPE.test(value) && entropy(value.slice(8)) >= 3 ? "stripe_restricted_key" : undefined;
    case 119: // w
      return STRIPE_WEBHOOK.test(value) && entropy(value.slice(6)) >= 3 ? "stripe_webhook_secret" : undefined;
    case 121: // y
      return GOOGLE_ACCESS.test(value) && entropy(value) >= 3.5 ? "google_oauth_access_token" : undefined;
    case 110: // n
      return length === 40 && NPM.test(value) && prefixedCrcValid(value) ? "npm_token" : undefined;
    case 107: // k
      return length === 36 && MAILGUN.test(value) ? "mailgun_api_key" : undefined;
    case 100: // d
      if (length === 71 && DIGITALOCEAN.test(value)) return "digitalocean_token";
      if (DATABRICKS.test(value)) return "databricks_token";
      return undefined;
    case 104: // h
      return length === 37 && HUGGINGFACE.test(value) && entropy(value.slice(3)) >= 3.5 && charClasses(value) >= 3
        ? "huggingface_token"
        : undefined;
    case 112: // p
      return PYPI.test(value) ? "pypi_token" : undefined;
    case 101: // e
      return JWT.test(value) && jwtHeaderValid(value) ? "jwt" : undefined;
    default:
      return undefined;
  }
}

/** True when a card number is written as issuers print it (exported for tests). */
export function cardGroupingOk(value: string): boolean {
  // Separators must be all spaces or all dashes, at most four; then groups of 4 (the last may be shorter), or the
  // 4-6-5 / 4-6-4 layout of Amex and Diners.
  let separator = 0;
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 48 && code <= 57) continue;
    if (code !== 32 && code !== 45) return false;
    if (separator === 0) separator = code;
    else if (code !== separator) return false;
    count++;
  }
  if (count === 0) return true;
  if (count > 4) return false;
  const lengths: number[] = [];
  let groupStart = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i === value.length || value.charCodeAt(i) === separator) {
      lengths.push(i - groupStart);
      groupStart = i + 1;
    }
  }
  if (lengths.length === 3 && lengths[0] === 4 && lengths[1] === 6 && (lengths[2] === 5 || lengths[2] === 4))
    return true;
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i] as number;
    if (i < lengths.length - 1 ? len !== 4 : len < 1 || len > 4) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers: cards, SSNs, phones, IPv4

function dispatchNumber(text: string, start: number, end: number, hits: Hit[]): void {
  // Cheap profile first: nothing here is shorter than 8 digits, except dotted IPv4 addresses.
  let digitCount = 0;
  let dotCount = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) digitCount++;
    else if (code === 46) dotCount++;
  }
  if (digitCount < 8 && dotCount !== 3) return;
  const value = text.slice(start, end);
  if (classifyNumber(text, value, start, hits)) return;
  if (value.indexOf(" ") === -1) return;
  // Several numbers separated by single spaces: try windows of groups (9 to 19 digits), longest first, left to right.
  const starts: number[] = [];
  const ends: number[] = [];
  const digits: number[] = [];
  let groupStart = 0;
  let count = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i === value.length || value.charCodeAt(i) === 32) {
      if (i > groupStart) {
        starts.push(groupStart);
        ends.push(i);
        digits.push(count);
      }
      groupStart = i + 1;
      count = 0;
    } else if (isDigit(value.charCodeAt(i))) {
      count++;
    }
  }
  const groups = starts.length;
  // Bounded work per candidate (adversarial "1 1 1 1 …" must stay cheap): windows start only at groups of 3+ digits
  // (card, SSN, area code), and at most 12 windows are tried.
  let tries = 0;
  let i = 0;
  while (i < groups && tries < 12) {
    if ((digits[i] as number) < 3) {
      i++;
      continue;
    }
    let advanced = false;
    let total = 0;
    let j = i;
    while (j < groups && total + (digits[j] as number) <= 19) total += digits[j++] as number;
    for (j = j - 1; j >= i; j--) {
      if (total >= 9 && !(i === 0 && j === groups - 1) && tries++ < 12) {
        const s = starts[i] as number;
        if (classifyNumber(text, value.slice(s, ends[j]), start + s, hits)) {
          i = j + 1;
          advanced = true;
          break;
        }
      }
      total -= digits[j] as number;
    }
    if (!advanced) i++;
  }
}

const SSN_SHAPE = /^\d{3}(-|\s)\d{2}\1\d{4}$/;
const IPV4_SHAPE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const CARD_SHAPE = /^\d[\d -]+\d$/;

function classifyNumber(text: string, value: string, start: number, hits: Hit[]): boolean {
  const end = start + value.length;
  let digits = 0;
  let dots = 0;
  let separators = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isDigit(code)) digits++;
    else if (code === 46) dots++;
    else separators++; // space - ( ) +
  }
  if (dots === 3 && digits <= 12) {
    if (IPV4_SHAPE.test(value) && ipv4Valid(value) && value !== "0.0.0.0" && !versionBefore(text, start)) {
      hits.push({ type: "ipv4", start, end, priority: P_IP });
      return true;
    }
    return false;
  }
  if (digits < 8 || digits > 19) return false;
  if (digits === 9 && value.length === 11 && SSN_SHAPE.test(value)) {
    if (ssnValid(value)) {
      hits.push({ type: "us_ssn", start, end, priority: P_ID });
      return true;
    }
    return false;
  }
  if (digits >= 12 && dots === 0 && CARD_SHAPE.test(value) && cardValid(value) && cardGroupingOk(value)) {
    hits.push({ type: "credit_card", start, end, priority: P_CHECKSUM });
    return true;
  }
  // Phones are written with separators or a leading +; a bare run of digits is an id, an amount or a timestamp.
  if (digits >= 8 && digits <= 15 && (separators > 0 || dots > 0) && phoneValid(value)) {
    hits.push({ type: "phone", start, end, priority: P_PHONE });
    return true;
  }
  return false;
}

function versionBefore(text: string, start: number): boolean {
  // `Chrome/124.0.0.0`: a product token and a slash (a URL has two slashes or a host before its address).
  if (start >= 2 && text.charCodeAt(start - 1) === 47) {
    const code = text.charCodeAt(start - 2);
    if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return true;
  }
  const before = text.slice(Math.max(0, start - 10), start).toLowerCase();
  return /(?:\bv|version|ver\.?|release|build)\s*$/.test(before);
}

const NANP = /^(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}$/;
const TRUNK_NATIONAL = /^(?:\(0\d{1,4}\) ?|0\d{1,4}[ -])\d{2,8}(?:[ -]\d{2,8}){0,3}$/;
const BRAZIL = /^\(\d{2}\) ?9?\d{4}-\d{4}$/;
const INTERNATIONAL = /^(?:\+|00)[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]\d{1,8}){1,6}$/;
const INTERNATIONAL_COMPACT = /^\+[1-9]\d{7,14}$/;

/** Phone numbers of several countries in their usual written forms; plain digit runs are not phones. */
export function phoneValid(value: string): boolean {
  if (value.length < 8 || value.length > 24) return false;
  let digits = 0;
  for (let i = 0; i < value.length; i++) if (isDigit(value.charCodeAt(i))) digits++;
  const c0 = value.charCodeAt(0);
  // A national number starts with its area code: 2-9 (NANP), 0 (trunk prefix) or a parenthesis; else only +/00.
  if (c0 !== 43 && c0 !== 40 && c0 !== 48 && !(c0 >= 50 && c0 <= 57) && c0 !== 49) return false;
  if (NANP.test(value)) return digits === 10 || digits === 11;
  if (c0 === 43 || value.startsWith("00")) {
    if (!(INTERNATIONAL.test(value) || INTERNATIONAL_COMPACT.test(value))) return false;
    const national = value.startsWith("00") ? digits - 2 : digits;
    return national >= 8 && national <= 15;
  }
  if (BRAZIL.test(value)) return true;
  if (TRUNK_NATIONAL.test(value)) {
    if (digits < 10 || digits > 11) return false;
    // Dates such as 01-02-2024 or 03 04 2025 have the same shape: reject day-month-year layouts.
    if (/^\d{2}[ -]\d{2}[ -](?:19|20)\d{2}$/.test(value)) return false;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// E-mail

let emailRe: RegExp | undefined;
const FILE_EXTENSIONS = new Set(["png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "css", "js", "ts", "map"]);

/** Appends the e-mail addresses in `text` to `hits` (exported for tests). */
export function emailPass(text: string, hits: Hit[]): void {
  // Sticky, tried only where a match can start: every address has its @ within 64 characters of its start, and its
  // start is where the run of local-part characters before that @ begins (the look-behind rules out any later
  // start). Matches hold one @ each, so taking the @s in order finds the same matches as a search over the string.
  emailRe ??=
    /(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/y;
  const re = emailRe;
  let from = 0;
  let at = text.indexOf("@");
  while (at !== -1) {
    let start = at;
    while (start > from && at - start <= 64 && isLocalPartChar(text.charCodeAt(start - 1))) start--;
    re.lastIndex = start;
    const match = start < at ? re.exec(text) : null;
    if (match === null) {
      at = text.indexOf("@", at + 1);
      continue;
    }
    const value = match[0];
    const end = start + value.length;
    const tld = value.slice(value.lastIndexOf(".") + 1).toLowerCase();
    const scpRemote = value.startsWith("git@") && text.charCodeAt(end) === 58;
    // `https://user@host/…`: a URL's user name, not an address.
    const userinfo = start >= 3 && text.charCodeAt(start - 1) === 47 && text.charCodeAt(start - 2) === 47;
    if (!FILE_EXTENSIONS.has(tld) && !scpRemote && !userinfo)
      hits.push({ type: "email", start, end, priority: P_EMAIL });
    from = end;
    at = text.indexOf("@", end);
  }
}

/** `[A-Za-z0-9._%+-]`: characters of an address's local part. */
function isLocalPartChar(code: number): boolean {
  return isAlnum(code) || code === 46 || code === 95 || code === 37 || code === 43 || code === 45;
}

// ---------------------------------------------------------------------------------------------------------------
// URLs: credentials in the authority, webhooks

let urlRe: RegExp | undefined;
// biome-ignore format: list
const DATABASE_SCHEMES = new Set([
  "postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss", "amqp", "amqps",
  "mssql", "sqlserver", "oracle", "clickhouse", "cockroachdb", "couchdb", "neo4j", "neo4j+s", "bolt", "cassandra",
  "memcached", "elasticsearch", "influxdb", "snowflake", "db2", "sqlite", "kafka", "nats",
]);
const PLACEHOLDER_PASSWORDS = new Set(["password", "pass", "passwd", "pwd", "secret", "xxx", "xxxx", "****", "..."]);

/** Appends credentials in URLs and webhook URLs in `text` to `hits` (exported for tests). */
export function urlPass(text: string, hits: Hit[]): void {
  // As for e-mail: a URL starts where the run of scheme characters before its `://` begins, at most 31 back.
  urlRe ??= /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{1,30}):\/\/([^\s"'<>`\\]{1,4096})/y;
  const re = urlRe;
  let from = 0;
  let sep = text.indexOf("://");
  while (sep !== -1) {
    let start = sep;
    while (start > from && sep - start <= 31 && isSchemeChar(text.charCodeAt(start - 1))) start--;
    re.lastIndex = start;
    const match = start < sep ? re.exec(text) : null;
    if (match === null) {
      sep = text.indexOf("://", sep + 1);
      continue;
    }
    const scheme = (match[1] as string).toLowerCase();
    const rest = match[2] as string;
    const restStart = start + (match[1] as string).length + 3;
    urlHits(scheme, rest, restStart, hits);
    from = start + match[0].length;
    sep = text.indexOf("://", from);
  }
}

/** `[A-Za-z0-9+.-]`: characters of a URL scheme. */
function isSchemeChar(code: number): boolean {
  return isAlnum(code) || code === 43 || code === 46 || code === 45;
}

/** Looks at one URL: `rest` is what follows `scheme://`, starting at `restStart` (exported for tests). */
export function urlHits(scheme: string, rest: string, restStart: number, hits: Hit[]): void {
  let authorityEnd = rest.length;
  for (let i = 0; i < rest.length; i++) {
    const code = rest.charCodeAt(i);
    if (code === 47 || code === 63 || code === 35) {
      authorityEnd = i;
      break;
    }
  }
  const authority = rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf("@");
  if (at > 0) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(":");
    const password = colon === -1 ? "" : userinfo.slice(colon + 1);
    const isDatabase = DATABASE_SCHEMES.has(scheme);
    let credential = false;
    if (colon !== -1) {
      credential =
        password.length > 0 && !PLACEHOLDER_PASSWORDS.has(password.toLowerCase()) && !isPlaceholder(password);
    } else {
      // A token used as the user name (https://<token>@host).
      credential = userinfo.length >= 20 && entropy(userinfo) >= 3.5 && charClasses(userinfo) >= 2;
    }
    if (credential) {
      hits.push({
        type: isDatabase ? "database_url" : "url_credentials",
        start: restStart,
        end: restStart + at,
        priority: P_URL,
      });
    }
  }
  const host = (at === -1 ? authority : authority.slice(at + 1)).toLowerCase();
  if (scheme === "https" || scheme === "http") {
    if (host === "hooks.slack.com") {
      const m = /^\/(?:services|workflows|triggers)\/T[A-Z0-9]{6,12}\/[A-Z0-9]{6,14}\/[A-Za-z0-9]{20,40}/.exec(
        rest.slice(authorityEnd),
      );
      if (m !== null) {
        const start = restStart - scheme.length - 3;
        hits.push({
          type: "slack_webhook_url",
          start,
          end: restStart + authorityEnd + m[0].length,
          priority: P_WEBHOOK,
        });
      }
    } else if (/^(?:ptb\.|canary\.)?discord(?:app)?\.com$/.test(host)) {
      const m = /^\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,68}/.exec(rest.slice(authorityEnd));
      if (m !== null) {
        const start = restStart - scheme.length - 3;
        hits.push({
          type: "discord_webhook_url",
          start,
          end: restStart + authorityEnd + m[0].length,
          priority: P_WEBHOOK,
        });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Password hashes (their alphabet has `/`, which splits tokens)

let hashRe: RegExp | undefined;

function hashPass(text: string, hits: Hit[]): void {
  hashRe ??=
    /(?<![A-Za-z0-9$./])(?:\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}|\$argon2(?:id|i|d)\$v=\d{1,3}\$m=\d{1,10},t=\d{1,4},p=\d{1,3}\$[A-Za-z0-9+/]{8,128}\$[A-Za-z0-9+/]{16,256})(?![A-Za-z0-9./+])/g;
  const re = hashRe;
  re.lastIndex = 0;
  let match = re.exec(text);
  while (match !== null) {
    hits.push({ type: "password_hash", start: match.index, end: match.index + match[0].length, priority: P_PREFIX });
    match = re.exec(text);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// PEM / OpenSSH / PGP private keys

let pemHeaderRe: RegExp | undefined;
let pemBodyRe: RegExp | undefined;

function pemPass(text: string, hits: Hit[]): void {
  pemHeaderRe ??= /-----BEGIN ([A-Z0-9 ]{1,40})-----/y;
  pemBodyRe ??= /[A-Za-z0-9+/=\s\\:,]{0,65536}/y;
  const endCache = new Map<string, number>();
  let from = 0;
  while (from < text.length) {
    const begin = text.indexOf("-----BEGIN ", from);
    if (begin === -1) return;
    pemHeaderRe.lastIndex = begin;
    const header = pemHeaderRe.exec(text);
    if (header === null) {
      from = begin + 11;
      continue;
    }
    const label = header[1] as string;
    const headerEnd = begin + header[0].length;
    if (!label.includes("PRIVATE KEY")) {
      from = headerEnd;
      continue;
    }
    const endMarker = `-----END ${label}-----`;
    let endAt = endCache.get(label);
    if (endAt === undefined || (endAt !== -1 && endAt < headerEnd)) {
      endAt = text.indexOf(endMarker, headerEnd);
      endCache.set(label, endAt);
    }
    let end: number;
    if (endAt !== -1) {
      end = endAt + endMarker.length;
    } else {
      pemBodyRe.lastIndex = headerEnd;
      const body = pemBodyRe.exec(text);
      end = headerEnd + (body === null ? 0 : body[0].length);
    }
    const type = label.startsWith("OPENSSH")
      ? "openssh_private_key"
      : label.startsWith("PGP")
        ? "pgp_private_key"
        : "private_key";
    hits.push({ type, start: begin, end, priority: P_PEM });
    from = Math.max(end, headerEnd);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Assignments (`KEY=value`, `key: value`, `"key": "value"`, `--password value` is not covered) and IPv6

/** Types an assignment in free text may report: credentials, and SSNs written as `SSN: 123456789`. */
// biome-ignore format: list
const ASSIGNMENT_TYPES = new Set([
  "password", "secret", "api_key", "access_token", "aws_secret_access_key", "authorization", "cookie", "session_id",
  "private_key", "connection_string", "password_hash", "otp", "us_ssn", "azure_connection_string", "azure_sas_token",
]);

// biome-ignore format: list
const PLACEHOLDER_WORDS = new Set([
  "null", "none", "nil", "undefined", "true", "false", "empty", "redacted", "hidden", "masked", "example", "sample",
  "placeholder", "changeit", "required", "optional", "string", "your_api_key", "yourapikey", "your-api-key",
  "your_token", "your-token", "your_password", "your-password", "api_key", "apikey", "token", "password", "secret",
  "n/a", "na", "tbd", "todo", "unset", "default", "dummy", "test", "xxx",
]);

/** True for template variables, masks and words that stand in for a value. */
export function isPlaceholder(value: string): boolean {
  const c0 = value.charCodeAt(0);
  // ${VAR}  <token>  {{var}}  %s  [EMAIL_1]  *** ...
  if (c0 === 36 || c0 === 60 || c0 === 123 || c0 === 91) return true;
  if (c0 === 37 && /^%(?:[sdifx]|\(\w+\)[sd]|\w+%)$/.test(value)) return true;
  if (/^(?:\*+|x+|X+|\.+|-+|_+|#+|•+)$/.test(value)) return true;
  const lower = value.toLowerCase();
  if (PLACEHOLDER_WORDS.has(lower)) return true;
  if (/^(?:process\.env|os\.environ|env\(|getenv|secrets\.|vault:|ssm:|arn:)/.test(lower)) return true;
  if (/^your[_-]/.test(lower) || /[_-]here$/.test(lower)) return true;
  return false;
}

function assignmentPass(text: string, context: ScanContext, hits: Hit[]): void {
  const length = text.length;
  let ipv6Until = -1;
  let from = 0;
  let eq = -2;
  let colon = -2;
  while (from < length) {
    // Each indexOf moves forward only, so the string is read once per separator kind.
    if (eq !== -1 && eq < from) eq = text.indexOf("=", from);
    if (colon !== -1 && colon < from) colon = text.indexOf(":", from);
    let p: number;
    if (eq === -1 && colon === -1) return;
    if (eq === -1) p = colon;
    else if (colon === -1) p = eq;
    else p = eq < colon ? eq : colon;
    const sep = text.charCodeAt(p);
    from = p + 1;
    if (sep === 58) {
      // IPv6 candidates share the colon.
      if (p >= ipv6Until) {
        const prev = p > 0 ? text.charCodeAt(p - 1) : 0;
        const next = p + 1 < length ? text.charCodeAt(p + 1) : 0;
        if ((isHex(prev) || prev === 58) && (isHex(next) || next === 58)) {
          const region = ipv6Region(text, p);
          ipv6Until = region.scanned;
          if (region.ok && region.end - region.start >= 6) {
            const candidate = text.slice(region.start, region.end);
            if (ipv6Candidate(candidate)) {
              hits.push({ type: "ipv6", start: region.start, end: region.end, priority: P_IP });
              from = region.end;
              continue;
            }
          }
        }
      }
      if (text.charCodeAt(p + 1) === 47 && text.charCodeAt(p + 2) === 47) continue; // scheme://
    } else {
      const next = text.charCodeAt(p + 1);
      const prev = text.charCodeAt(p - 1);
      if (next === 61 || prev === 61 || prev === 33 || prev === 60 || prev === 62) continue; // == != <= >=
    }
    const skipTo = assignmentAt(text, p, sep, context, hits);
    if (skipTo > from) from = skipTo;
  }
}

function ipv6Region(text: string, p: number): { start: number; end: number; scanned: number; ok: boolean } {
  let start = p;
  while (start > 0 && p - start < 45) {
    const code = text.charCodeAt(start - 1);
    if (isHex(code) || code === 58 || code === 46) start--;
    else break;
  }
  let end = p + 1;
  while (end < text.length && end - p < 45) {
    const code = text.charCodeAt(end);
    if (isHex(code) || code === 58 || code === 46) end++;
    else break;
  }
  const scanned = end;
  // A valid address has `::` or seven colons; times (12:30:45) and MACs have neither.
  let colons = 0;
  let double = false;
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) === 58) {
      colons++;
      if (text.charCodeAt(i + 1) === 58) double = true;
    }
  }
  if (!double && colons !== 7) return { start, end, scanned, ok: false };
  // Trailing sentence punctuation.
  while (end > p + 1 && text.charCodeAt(end - 1) === 46) end--;
  const before = start > 0 ? text.charCodeAt(start - 1) : 0;
  const after = end < text.length ? text.charCodeAt(end) : 0;
  const ok = !(isAlnum(before) || before === 95 || isAlnum(after) || after === 95);
  return { start, end, scanned, ok };
}

function ipv6Candidate(candidate: string): boolean {
  if (!ipv6Valid(candidate)) return false;
  // `::1`, `::`, and two-group strings such as `a::b` are too ambiguous (code, loopback).
  let groups = 0;
  let length = 0;
  for (let i = 0; i <= candidate.length; i++) {
    if (i === candidate.length || candidate.charCodeAt(i) === 58) {
      if (length > 0) groups++;
      length = 0;
    } else {
      length++;
    }
  }
  if (candidate.includes("::")) return groups >= 3;
  return groups === 8;
}

/**
 * Looks for a sensitive `key<sep>value` around the separator at `p`; pushes a hit and returns where scanning may
 * resume (after the value it read, found or not, so no character is read twice by the value loop).
 */
function assignmentAt(text: string, p: number, sep: number, context: ScanContext, hits: Hit[]): number {
  // Key: skip quotes/spaces left of the separator, then read [A-Za-z0-9_.-].
  let j = p - 1;
  let skipped = 0;
  while (j >= 0 && skipped < 3) {
    const code = text.charCodeAt(j);
    if (code === 34 || code === 39 || code === 32 || code === 9 || code === 96 || code === 92) {
      j--;
      skipped++;
    } else {
      break;
    }
  }
  const keyEnd = j + 1;
  while (j >= 0 && keyEnd - j <= 64 && isKeyChar(text.charCodeAt(j))) j--;
  const keyStart = j + 1;
  if (keyStart >= keyEnd || keyEnd - keyStart > 64) return -1;
  if (keyStart > 0 && isKeyChar(text.charCodeAt(keyStart - 1))) return -1;
  const first = text.charCodeAt(keyStart);
  if (isDigit(first)) return -1;
  const key = text.slice(keyStart, keyEnd);
  let type = context.keyCache.get(key);
  if (type === undefined) {
    const lower = key.toLowerCase();
    let found: string | undefined;
    if (lower === "accountkey" || lower === "sharedaccesskey") found = "azure_connection_string";
    else if (lower === "sig") found = "azure_sas_token";
    else found = classifyFieldName(key, context.fieldExtra, context.fieldIgnore);
    type = found !== undefined && ASSIGNMENT_TYPES.has(found) ? found : null;
    if (context.keyCache.size < 4096) context.keyCache.set(key, type);
  }
  if (type === null) return -1;
  if (type === "azure_sas_token" && text.indexOf("sv=") === -1) return -1;

  // Value.
  let k = p + 1;
  let spaces = 0;
  while (k < text.length && spaces < 4 && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) {
    k++;
    spaces++;
  }
  let quote = "";
  const q = text.charCodeAt(k);
  if (q === 34 || q === 39 || q === 96) {
    quote = text[k] as string;
    k++;
  } else if (q === 92 && text.charCodeAt(k + 1) === 34) {
    quote = '\\"';
    k += 2;
  }
  const valueStart = k;
  let valueEnd: number;
  if (quote !== "") {
    const q0 = quote.charCodeAt(quote.length - 1);
    valueEnd = valueStart;
    while (valueEnd < text.length && valueEnd - valueStart <= 4096) {
      const code = text.charCodeAt(valueEnd);
      if (code === 10 || (code === q0 && (quote.length === 1 || text.charCodeAt(valueEnd - 1) === 92))) break;
      valueEnd++;
    }
    if (text.charCodeAt(valueEnd) !== q0) return valueEnd;
    if (quote.length === 2) valueEnd--; // the backslash of \"
  } else {
    valueEnd = valueStart;
    // In a query string `&` starts the next parameter; in env files and logs it can be part of a password.
    const before = keyStart > 0 ? text.charCodeAt(keyStart - 1) : 0;
    const inQuery = before === 63 || before === 38 || before === 35; // ? & #
    while (valueEnd < text.length && valueEnd - valueStart <= 4096) {
      const code = text.charCodeAt(valueEnd);
      // whitespace " ' ` , ; & (in queries) < > ) } ] |
      if (
        code <= 32 ||
        code === 34 ||
        code === 39 ||
        code === 96 ||
        code === 44 ||
        code === 59 ||
        (code === 38 && inQuery) ||
        code === 60 ||
        code === 62 ||
        code === 41 ||
        code === 125 ||
        code === 93 ||
        code === 124 ||
        (code === 92 && text.charCodeAt(valueEnd + 1) === 34)
      )
        break;
      valueEnd++;
    }
    // `Authorization: Bearer <token>`: the credential is the word after the scheme.
    if (type === "authorization" || type === "access_token") {
      const word = text.slice(valueStart, valueEnd).toLowerCase();
      if (word === "bearer" || word === "basic" || word === "token" || word === "digest") {
        let t = valueEnd;
        while (t < text.length && text.charCodeAt(t) === 32) t++;
        let e = t;
        while (e < text.length && e - t < 4096 && isCredentialChar(text.charCodeAt(e))) e++;
        if (e - t >= 8) hits.push({ type: "authorization", start: t, end: e, priority: P_ASSIGN });
        return e;
      }
    }
    // Sentence punctuation.
    while (valueEnd > valueStart && text.charCodeAt(valueEnd - 1) === 46) valueEnd--;
  }
  const value = text.slice(valueStart, valueEnd);
  if (value.length > 0 && !isPlaceholder(value) && valueLooksReal(type, value, sep, quote !== ""))
    hits.push({ type, start: valueStart, end: valueEnd, priority: P_ASSIGN });
  return valueEnd;
}

function valueLooksReal(type: string, value: string, sep: number, quoted: boolean): boolean {
  if (type === "us_ssn") return /^\d{9}$|^\d{3}-\d{2}-\d{4}$/.test(value) && ssnValid(value);
  if (type === "aws_secret_access_key") return /^[A-Za-z0-9/+]{40}$/.test(value);
  if (type === "azure_connection_string") return /^[A-Za-z0-9+/]{40,100}={0,2}$/.test(value);
  if (type === "azure_sas_token") return value.length >= 40;
  if (quoted || sep === 61) {
    // `KEY=value` in env files and query strings, or a quoted value: the structure is strong evidence.
    return value.length >= 3 && !/^\d{1,3}$/.test(value);
  }
  // `key: value` in prose needs a value that looks like a credential, not a word.
  const classes = charClasses(value);
  if (type === "password") return (value.length >= 6 && classes >= 2) || value.length >= 12;
  return (value.length >= 8 && classes >= 2) || (value.length >= 20 && entropy(value) >= 3.5);
}
