import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { exampleValue, renderType } from "../src/render-types.js";
import { typeCheck } from "./helpers/typescript.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const compact = (schema: unknown) => renderType(schema, { pretty: false });

describe("renderType", () => {
  it("renders the JSON Schema subset MCP servers use", () => {
    expect(compact({ type: "string" })).toBe("string");
    expect(compact({ type: "integer" })).toBe("number");
    expect(compact({ type: ["string", "null"] })).toBe("string | null");
    expect(compact({ enum: ["a", "b", 1, null] })).toBe('"a" | "b" | 1 | null');
    expect(compact({ const: "x" })).toBe('"x"');
    expect(compact({ type: "array", items: { type: "number" } })).toBe("number[]");
    expect(compact({ type: "array", items: { anyOf: [{ type: "string" }, { type: "number" }] } })).toBe(
      "(string | number)[]",
    );
    expect(compact({ type: "array", items: [{ type: "string" }, { type: "number" }], additionalItems: false })).toBe(
      "[string, number]",
    );
    expect(compact({ type: "array", prefixItems: [{ type: "string" }], items: { type: "boolean" } })).toBe(
      "[string, ...boolean[]]",
    );
    expect(
      compact({ type: "object", properties: { a: { type: "string" }, "b-c": { type: "number" } }, required: ["a"] }),
    ).toBe('{ a: string; "b-c"?: number }');
    expect(compact({ type: "object", properties: {} })).toBe("Record<string, unknown>");
    expect(compact({ type: "object", properties: {}, additionalProperties: false })).toBe("Record<string, never>");
    expect(compact({ type: "object", additionalProperties: { type: "number" } })).toBe("Record<string, number>");
    expect(
      compact({
        allOf: [
          { type: "object", properties: { a: { type: "string" } } },
          { type: "object", properties: { b: { type: "number" } } },
        ],
      }),
    ).toBe("({ a?: string }) & ({ b?: number })");
    expect(compact({ type: "string", nullable: true })).toBe("string | null");
    expect(compact({ not: {} })).toBe("unknown");
    expect(compact(true)).toBe("unknown");
    expect(compact(false)).toBe("never");
  });

  it("resolves local $refs and stops at cycles", () => {
    const schema = {
      type: "object",
      properties: { node: { $ref: "#/$defs/Node" }, legacy: { $ref: "#/definitions/Leaf" } },
      $defs: { Node: { type: "object", properties: { next: { $ref: "#/$defs/Node" }, v: { type: "number" } } } },
      definitions: { Leaf: { type: "boolean" } },
    };
    expect(compact(schema)).toBe("{ node?: { next?: unknown; v?: number }; legacy?: boolean }");
    expect(compact({ $ref: "#/nowhere" })).toBe("unknown");
    expect(compact({ $ref: "http://example.com/schema" })).toBe("unknown");
  });

  it("pretty mode puts descriptions and defaults in JSDoc, escaping comment terminators", () => {
    const text = renderType(
      { type: "object", properties: { q: { type: "string", description: "ends */ early", default: "x" } } },
      { pretty: true },
    );
    expect(text).toBe('{\n  /**\n   * ends *\\/ early\n   * @defaultValue "x"\n   */\n  q?: string;\n}');
  });

  it("makes example values that satisfy required properties", () => {
    expect(
      exampleValue({
        type: "object",
        properties: {
          entities: {
            type: "array",
            items: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
          },
          kind: { enum: ["a", "b"] },
          n: { type: "integer", minimum: 3 },
          optional: { type: "string" },
        },
        required: ["entities", "kind", "n"],
      }),
    ).toEqual({ entities: [{ name: "name" }], kind: "a", n: 3 });
  });

  it("renders types that compile for any schema built from the supported keywords (property, one tsc run)", () => {
    const leaf = fc.oneof(
      fc.constantFrom(
        { type: "string" },
        { type: "number" },
        { type: "integer" },
        { type: "boolean" },
        { type: "null" },
        {},
      ),
      fc.record({
        enum: fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), {
          minLength: 1,
          maxLength: 4,
        }),
      }),
      fc.record({ const: fc.oneof(fc.string(), fc.double(), fc.boolean()) }),
      fc.record({ type: fc.constant("string"), description: fc.string() }),
    );
    const schema = fc.letrec((tie) => ({
      node: fc.oneof({ maxDepth: 4 }, leaf, tie("object"), tie("array"), tie("union"), tie("types")),
      object: fc.dictionary(fc.string({ maxLength: 8 }), tie("node"), { maxKeys: 4 }).chain((properties) =>
        fc.record({
          type: fc.constant("object"),
          properties: fc.constant(properties),
          required: fc.subarray(Object.keys(properties)),
          additionalProperties: fc.oneof(fc.constant(undefined), fc.boolean(), tie("node")),
        }),
      ),
      array: fc.oneof(
        fc.record({ type: fc.constant("array"), items: tie("node") }),
        fc.record({
          type: fc.constant("array"),
          prefixItems: fc.array(tie("node"), { maxLength: 3 }),
          items: fc.oneof(fc.constant(false), tie("node")),
        }),
      ),
      union: fc.record({ anyOf: fc.array(tie("node"), { minLength: 1, maxLength: 3 }) }),
      types: fc.record({
        type: fc.subarray(["string", "number", "boolean", "null", "array", "object"], { minLength: 1 }),
      }),
    })).node;
    const samples = fc.sample(schema, { numRuns: 150, seed: 20_260_101 });
    const lines = samples.map((sample, i) => {
      const clean = JSON.parse(JSON.stringify(sample));
      return `export type T${i} = ${renderType(clean, { pretty: i % 2 === 0 })};`;
    });
    const result = typeCheck({ "types.ts": lines.join("\n") });
    expect(result.errors).toEqual([]);
  });
});
