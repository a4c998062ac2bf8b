import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { formatPath, validateWith } from "../src/index.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe("validation", () => {
  it("formats paths the way code writes them", () => {
    expect(formatPath([])).toBe("");
    expect(formatPath(["entities", 0, "name"])).toBe("entities[0].name");
    expect(formatPath([0, "a"])).toBe("[0].a");
    expect(formatPath(["odd-key", "x y", "$ok"])).toBe('["odd-key"]["x y"].$ok');
  });

  it("returns the parsed value or every issue", () => {
    const schema = z.object({ a: z.number(), b: z.array(z.string()).default([]) });
    expect(validateWith(schema, { a: 1 })).toEqual({ valid: true, value: { a: 1, b: [] }, issues: [] });
    const bad = validateWith(schema, { a: "1", b: [1] });
    expect(bad.valid).toBe(false);
    expect(bad.issues.map((issue) => [issue.path, issue.code])).toEqual([
      ["a", "invalid_type"],
      ["b[0]", "invalid_type"],
    ]);
  });

  it("never throws and always names a path that exists in the input or its parent (property)", () => {
    const schema = z.object({
      name: z.string(),
      tags: z.array(z.string().max(5)),
      nested: z.object({ n: z.number().int() }).optional(),
    });
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = validateWith(schema, value);
        if (result.valid) return;
        expect(result.issues.length).toBeGreaterThan(0);
        for (const issue of result.issues) {
          expect(issue.path).toBe(formatPath(issue.segments));
          expect(issue.message.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});
