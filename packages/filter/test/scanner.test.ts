/**
 * The scanner's fast paths against the plain definitions they replace: each one is checked to give exactly what the
 * straightforward version (a regex over the whole string, a split, a Map) gives, on arbitrary and near-miss input.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cardValid, entropy, ipv4Valid, ipv6Valid, luhnValid } from "../src/checks.js";
import {
  cardGroupingOk,
  emailPass,
  HAS_AT,
  HAS_COLON,
  HAS_DIGIT,
  HAS_DOLLAR,
  HAS_EQUALS,
  type Hit,
  isIsoDate,
  isUuid,
  NOT_PLAIN,
  profileText,
  type TextProfile,
  urlHits,
  urlPass,
} from "../src/scanner.js";
import { buildCorpus } from "./fixtures/corpus.js";

const samples = buildCorpus().positives.map((p) => p.text);
/** Text built from pieces that sit near the edges of the formats, with arbitrary text between them. */
const PIECES = [
  "a@b.co",
  "x.y+z@example.com",
  "@",
  "@@",
  "git@github.com:",
  "//u@h",
  "https://u:p@h.com/x",
  "postgres://a:b@db/x",
  "://",
  "a://",
  "1://",
  "+x://",
  "https://hooks.slack.com/services/",
  "4111 1111 1111 1111",
  "4111-1111-1111-1111",
  "3782 822463 10005",
  "6011000990139424",
  " ",
  "-",
  ".",
  ":",
  "::",
  "ffff",
  "1.2.3.4",
  "fe80::1",
  "2024-05-01",
  "T12:30:45",
  ".123",
  "Z",
  "+05:30",
  "é",
  "😀",
  "\n",
  "\t",
  '"',
  "\\",
  "$",
  "=",
  "0",
  "9",
  "a",
  "Z",
  "_",
  "%",
  // local parts and schemes at and past their length limits
  `${"a".repeat(63)}@x.io`,
  `${"b".repeat(64)}@x.io`,
  `${"c".repeat(65)}@x.io`,
  `${"s".repeat(30)}://user:pa55word@h.com`,
  `${"t".repeat(31)}://user:pa55word@h.com`,
];
const pieced = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 5 }), fc.constantFrom(...samples)), {
    maxLength: 12,
  })
  .map((parts) => parts.join(""));
const text = fc.oneof(pieced, fc.string({ unit: "binary", maxLength: 60 }));

// The e-mail and URL passes as they were: one global regex search over the whole string.
const EMAIL_REFERENCE =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;
const FILE_EXTENSIONS = new Set(["png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "css", "js", "ts", "map"]);
function emailReference(value: string): Hit[] {
  const hits: Hit[] = [];
  for (const match of value.matchAll(EMAIL_REFERENCE)) {
    const start = match.index;
    const end = start + match[0].length;
    const tld = match[0].slice(match[0].lastIndexOf(".") + 1).toLowerCase();
    const scp = match[0].startsWith("git@") && value.charCodeAt(end) === 58;
    const userinfo = start >= 3 && value.charCodeAt(start - 1) === 47 && value.charCodeAt(start - 2) === 47;
    if (!FILE_EXTENSIONS.has(tld) && !scp && !userinfo) hits.push({ type: "email", start, end, priority: 60 });
  }
  return hits;
}
const URL_REFERENCE = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{1,30}):\/\/([^\s"'<>`\\]{1,4096})/g;
function urlReference(value: string): Hit[] {
  const hits: Hit[] = [];
  for (const match of value.matchAll(URL_REFERENCE)) {
    const scheme = match[1] as string;
    urlHits(scheme.toLowerCase(), match[2] as string, match.index + scheme.length + 3, hits);
  }
  return hits;
}

// The checks as they were: splits, replaces and regexes.
function cardReference(value: string): boolean {
  const digits = value.replace(/[ -]/g, "");
  if (!/^\d{13,19}$/.test(digits) || /^(\d)\1+$/.test(digits)) return false;
  const length = digits.length;
  const [two, three, four, six] = [2, 3, 4, 6].map((n) => Number(digits.slice(0, n))) as [
    number,
    number,
    number,
    number,
  ];
  let brand = false;
  if (digits[0] === "4") brand = length === 13 || length === 16 || length === 19;
  else if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) brand = length === 16;
  else if (two === 34 || two === 37) brand = length === 15;
  else if (four === 6011 || two === 65 || (three >= 644 && three <= 649) || (six >= 622126 && six <= 622925))
    brand = length >= 16;
  else if (four >= 3528 && four <= 3589) brand = length >= 16;
  else if ((three >= 300 && three <= 305) || two === 36 || two === 38 || two === 39 || three === 309)
    brand = length >= 14;
  else if (two === 62) brand = length >= 16;
  else if (two === 50 || (two >= 56 && two <= 69)) brand = length >= 12;
  return brand && luhnValid(digits);
}
function groupingReference(value: string): boolean {
  const separators = value.replace(/\d/g, "");
  if (separators.length === 0) return true;
  if (!/^(?: +|-+)$/.test(separators) || separators.length > 4) return false;
  const groups = value.split(/[ -]/);
  const lengths = groups.map((g) => g.length).join("-");
  if (lengths === "4-6-5" || lengths === "4-6-4") return true;
  return groups.every((g, i) => (i < groups.length - 1 ? g.length === 4 : g.length >= 1 && g.length <= 4));
}
function ipv6Reference(value: string): boolean {
  if (value.length < 3 || value.length > 45) return false;
  let text = value;
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    if (!ipv4Valid(tail)) return false;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const double = text.indexOf("::");
  if (double !== text.lastIndexOf("::")) return false;
  const isGroup = (g: string) => /^[0-9A-Fa-f]{1,4}$/.test(g);
  if (double === -1) {
    const groups = text.split(":");
    return groups.length === 8 && groups.every(isGroup);
  }
  const head = text.slice(0, double);
  const rest = text.slice(double + 2);
  const headGroups = head === "" ? [] : head.split(":");
  const restGroups = rest === "" ? [] : rest.split(":");
  return headGroups.every(isGroup) && restGroups.every(isGroup) && headGroups.length + restGroups.length <= 7;
}
function entropyReference(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i++) counts.set(value.charCodeAt(i), (counts.get(value.charCodeAt(i)) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

describe("scanner fast paths equal their definitions", () => {
  it("e-mail and URL regexes tried at their anchors find what a search over the whole string finds", () => {
    fc.assert(
      fc.property(text, (value) => {
        const email: Hit[] = [];
        emailPass(value, email);
        expect(email).toEqual(emailReference(value));
        const url: Hit[] = [];
        urlPass(value, url);
        expect(url).toEqual(urlReference(value));
      }),
      { numRuns: 3000 },
    );
  });

  it("UUID and ISO timestamp shapes, read once, equal their regexes", () => {
    const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
    const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
    const isoLike = fc.oneof(
      fc.string({ unit: fc.constantFrom(..."0123456789-:T Z+.,x"), maxLength: 40 }),
      fc
        .tuple(
          fc.constantFrom("2024-05-01", "2024-05-01T12:30", "2024-05-01 12:30:45", "2024-05-01T12:30:45.123456789"),
          fc.string({ unit: fc.constantFrom(..."0123456789-:Z+.,"), maxLength: 12 }),
        )
        .map(([date, rest]) => date + rest),
    );
    const uuidLike = fc.oneof(
      fc.uuid(),
      fc.uuid().map((u) => u.toUpperCase()),
      fc.uuid().map((u) => `g${u.slice(1)}`),
      fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEFg-"), minLength: 34, maxLength: 38 }),
    );
    fc.assert(
      fc.property(isoLike, (value) => {
        expect(isIsoDate(value)).toBe(ISO.test(value));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(uuidLike, (value) => {
        expect(isUuid(value)).toBe(UUID.test(value));
      }),
      { numRuns: 5000 },
    );
  });

  it("card, grouping, IPv6 and entropy checks without splits or Maps give the same answers", () => {
    const cardLike = fc.string({ unit: fc.constantFrom(..."0123456789 -.x"), maxLength: 26 });
    const known = ["4111 1111 1111 1111", "3782 822463 10005", "6011000990139424", "5555-5555-5555-4444", "4111  1111"];
    fc.assert(
      fc.property(fc.oneof(cardLike, fc.constantFrom(...known)), (value) => {
        expect(cardValid(value)).toBe(cardReference(value));
        expect(cardGroupingOk(value)).toBe(groupingReference(value));
      }),
      { numRuns: 5000 },
    );
    const ipv6Like = fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCg:."), maxLength: 46 });
    const addresses = ["::1", "::", "fe80::1", "2001:db8::8a2e:370:7334", "::ffff:192.168.1.1", "1:2:3:4:5:6:1.2.3.4"];
    fc.assert(
      fc.property(fc.oneof(ipv6Like, fc.constantFrom(...addresses)), (value) => {
        expect(ipv6Valid(value)).toBe(ipv6Reference(value));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        expect(entropy(value)).toBe(entropyReference(value));
      }),
    );
  });

  it("a string's profile says exactly which anchors it holds, where its first digit is, and whether it is plain", () => {
    const profile: TextProfile = { flags: 0, firstDigit: -1 };
    fc.assert(
      fc.property(text, (value) => {
        profileText(value, profile);
        const firstDigit = value.search(/[0-9]/);
        let flags = 0;
        if (firstDigit !== -1) flags |= HAS_DIGIT;
        if (value.includes("@")) flags |= HAS_AT;
        if (value.includes(":")) flags |= HAS_COLON;
        if (value.includes("=")) flags |= HAS_EQUALS;
        if (value.includes("$")) flags |= HAS_DOLLAR;
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
        if (/[\u0000-\u001f"\\\u0080-\uffff]/.test(value)) flags |= NOT_PLAIN;
        expect([profile.flags, profile.firstDigit]).toEqual([flags, firstDigit]);
      }),
      { numRuns: 3000 },
    );
  });
});
