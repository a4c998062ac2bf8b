import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCount, jsonBytes, jsonNumberBytes, jsonStringBytes } from "../src/json-size.js";

const encoder = new TextEncoder();
const bytesOf = (value: unknown) => encoder.encode(JSON.stringify(value)).length;

describe("JSON sizes", () => {
  it("counts strings exactly, including escapes, multi-byte characters and lone surrogates", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(jsonStringBytes(text)).toBe(bytesOf(text));
      }),
    );
    for (const text of ["", "plain", 'q"uote', "back\\slash", "\n\t\u0001", "é", "€", "😀", "\ud800", "a\udc00b"])
      expect(jsonStringBytes(text), JSON.stringify(text)).toBe(bytesOf(text));
  });

  it("counts numbers and whole documents exactly", () => {
    fc.assert(
      fc.property(fc.double(), (n) => {
        expect(jsonNumberBytes(n)).toBe(bytesOf(n));
      }),
    );
    fc.assert(
      fc.property(fc.integer(), (n) => {
        expect(jsonNumberBytes(n)).toBe(bytesOf(n));
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonBytes(value)).toBe(bytesOf(value));
      }),
    );
  });

  it("formats counts without a locale", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(1234567)).toBe("1,234,567");
  });
});
