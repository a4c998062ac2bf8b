import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWasmSandbox, type WasmSandbox } from "../src/index.js";
import { JsonDepthError, jsonDepth, parseGuestJson } from "../src/json.js";

function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depthOf(child)), 0);
}

function withoutProto(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutProto);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== "__proto__") out[k] = withoutProto(v);
  return out;
}

describe("JSON leaving the sandbox", () => {
  it("jsonDepth measures nesting exactly, whatever the strings contain", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonDepth(JSON.stringify(value), 1000)).toBe(depthOf(value));
      }),
      { numRuns: 300 },
    );
  });

  it("parseGuestJson round-trips JSON data, minus __proto__ keys, and never touches prototypes", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (generated, injectProto) => {
        // JSON has no -0 (fc.jsonValue can generate it; JSON.stringify writes 0): compare with what JSON can carry.
        const value: unknown = JSON.parse(JSON.stringify(generated));
        const text = injectProto
          ? JSON.stringify({ __x: value }).replace('"__x"', '"__proto__":{"polluted":1},"__x"')
          : JSON.stringify(value);
        const parsed = parseGuestJson(text, 100);
        const expected = injectProto ? { __x: withoutProto(value) } : withoutProto(value);
        expect(parsed).toEqual(expected);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it("rejects too-deep data without recursion, and any other input with SyntaxError only", () => {
    expect(() => parseGuestJson(`${"[".repeat(200_000)}${"]".repeat(200_000)}`, 100)).toThrow(JsonDepthError);
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          parseGuestJson(text, 5);
        } catch (error) {
          expect(error instanceof SyntaxError || error instanceof JsonDepthError).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("program output (property)", () => {
  let sandbox: WasmSandbox;
  beforeAll(async () => {
    sandbox = await createWasmSandbox();
  });
  afterAll(() => sandbox.dispose());

  it("any JSON input returned by a program comes back equal", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), async (value) => {
        const result = await sandbox.execute("return input;", value);
        expect(result.errors).toEqual([]);
        // JSON semantics: -0 becomes 0; __proto__ keys are dropped on the way out (by design, see T1/T2).
        expect(result.output).toEqual(withoutProto(JSON.parse(JSON.stringify(value))));
      }),
      { numRuns: 100 },
    );
  });

  it("any string a program logs or throws comes back intact", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80, unit: "binary" }), async (text) => {
        const result = await sandbox.execute("console.log(input); throw new Error(input);", text);
        expect(result.logs).toEqual([{ level: "log", message: text }]);
        expect(result.errors[0]?.kind).toBe("runtime");
      }),
      { numRuns: 100 },
    );
  });
});
