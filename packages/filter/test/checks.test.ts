import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cardValid,
  crc32,
  decodeBase64,
  entropy,
  ibanCheckDigits,
  ibanValid,
  ipv4Valid,
  ipv6Valid,
  jwtHeaderValid,
  luhnValid,
  ninoValid,
  prefixedCrcValid,
  ssnValid,
} from "../src/checks.js";
import { createRandom } from "./fixtures/random.js";
import { crcToken, luhnBreak, luhnNumber } from "./fixtures/values.js";

describe("checksums", () => {
  it("Luhn accepts valid numbers and rejects a changed digit", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111 1111 1111 1111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const number = luhnNumber("4", 16, createRandom(seed));
        expect(luhnValid(number)).toBe(true);
        expect(luhnValid(luhnBreak(number))).toBe(false);
      }),
    );
  });

  it("cards need an issuer prefix with its length, and Luhn", () => {
    expect(cardValid("4111 1111 1111 1111")).toBe(true); // Visa
    expect(cardValid("3782 822463 10005")).toBe(true); // Amex, 15 digits
    expect(cardValid("5555555555554444")).toBe(true); // Mastercard
    expect(cardValid("1234567812345670")).toBe(false); // Luhn-valid, no issuer
    expect(cardValid("0000000000000000")).toBe(false);
    expect(cardValid("378282246310005" + "0")).toBe(false); // Amex with 16 digits
  });

  it("IBAN: country length and mod-97", () => {
    expect(ibanValid("DE89 3704 0044 0532 0130 00")).toBe(true);
    expect(ibanValid("GB82WEST12345698765432")).toBe(true);
    expect(ibanValid("DE88 3704 0044 0532 0130 00")).toBe(false);
    expect(ibanValid("DE89 3704 0044 0532 0130")).toBe(false); // too short for DE
    expect(ibanValid("XX89370400440532013000")).toBe(false); // no such country
    expect(ibanCheckDigits("DE", "370400440532013000")).toBe("89");
  });

  it("GitHub/npm tokens carry the CRC-32 of their random part", () => {
    expect(crc32("123456789")).toBe(0xcbf43926); // the standard check value
    const token = crcToken("ghp_", createRandom(1));
    expect(prefixedCrcValid(token)).toBe(true);
    expect(prefixedCrcValid(`${token.slice(0, 10)}${token[10] === "a" ? "b" : "a"}${token.slice(11)}`)).toBe(false);
  });

  it("SSNs follow the SSA rules; NINOs the allocated prefixes", () => {
    expect(ssnValid("123-45-6789")).toBe(true);
    for (const bad of ["000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000", "078-05-1120"])
      expect(ssnValid(bad), bad).toBe(false);
    expect(ninoValid("AB 12 34 56 C")).toBe(true);
    expect(ninoValid("GB123456A")).toBe(false);
    expect(ninoValid("AB123456E")).toBe(false);
  });

  it("IP addresses", () => {
    expect(ipv4Valid("192.168.0.1")).toBe(true);
    expect(ipv4Valid("256.1.1.1")).toBe(false);
    expect(ipv4Valid("01.2.3.4")).toBe(false);
    expect(ipv4Valid("1.2.3")).toBe(false);
    expect(ipv6Valid("2001:db8::8a2e:370:7334")).toBe(true);
    expect(ipv6Valid("::ffff:192.0.2.1")).toBe(true);
    expect(ipv6Valid("2001:db8::1::2")).toBe(false);
    expect(ipv6Valid("12:30:45")).toBe(false);
  });

  it("JWT headers must decode to JSON with alg; base64 and entropy", () => {
    const header = btoa(JSON.stringify({ alg: "HS256", typ: "JWT" })).replace(/=+$/, "");
    expect(jwtHeaderValid(`${header}.eyJzdWIiOiIxIn0.sig`)).toBe(true);
    expect(jwtHeaderValid(`${btoa('{"typ":"x"}').replace(/=+$/, "")}.eyJ.x`)).toBe(false);
    expect(decodeBase64("aGVsbG8")).toBe("hello");
    expect(decodeBase64("a")).toBeUndefined();
    expect(entropy("aaaa")).toBe(0);
    expect(entropy("abcd")).toBe(2);
  });
});
