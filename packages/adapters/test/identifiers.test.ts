import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { uniqueIdentifier } from "../src/identifiers.js";
import { isIdentifier, toIdentifier } from "../src/index.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe("identifiers", () => {
  it("rewrites names that are not identifiers", () => {
    expect(toIdentifier("read-file")).toBe("read_file");
    expect(toIdentifier("get-tiny-image")).toBe("get_tiny_image");
    expect(toIdentifier("2fa.check")).toBe("_2fa_check");
    expect(toIdentifier("delete")).toBe("delete_");
    expect(toIdentifier("")).toBe("_");
    expect(toIdentifier("héllo wörld")).toBe("h_llo_w_rld");
    expect(toIdentifier("already_fine")).toBe("already_fine");
  });

  it("makes clashing names unique in order", () => {
    const taken = new Set<string>();
    expect(["read-file", "read_file", "read.file", "other"].map((name) => uniqueIdentifier(name, taken))).toEqual([
      "read_file",
      "read_file_2",
      "read_file_3",
      "other",
    ]);
  });

  it("always yields a valid identifier, and leaves valid ones alone (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        const id = toIdentifier(name);
        expect(isIdentifier(id)).toBe(true);
        // A valid identifier is also a valid JavaScript binding name.
        expect(() => new Function(`const ${id} = 1; return ${id};`)).not.toThrow();
        if (isIdentifier(name)) expect(id).toBe(name);
        expect(toIdentifier(id)).toBe(id);
      }),
    );
  });

  it("keeps identifiers unique for any list of names (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-c._-]{0,3}$/), { maxLength: 30 }), (names) => {
        const taken = new Set<string>();
        const ids = names.map((name) => uniqueIdentifier(name, taken));
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.every(isIdentifier)).toBe(true);
      }),
    );
  });
});
