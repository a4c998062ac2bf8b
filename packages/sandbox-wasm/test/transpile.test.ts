import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWasmSandbox, type WasmSandbox } from "../src/index.js";
import {
  ensureStripper,
  isStripError,
  looksLikeModule,
  looksLikeTypeScript,
  prepareSource,
  stripTypes,
} from "../src/transpile.js";

let sandbox: WasmSandbox;
beforeAll(async () => {
  sandbox = await createWasmSandbox();
  await ensureStripper();
});
afterAll(() => sandbox.dispose());

describe("TypeScript", () => {
  it("runs annotations, interfaces, type aliases, enums, generics, casts and non-null assertions", async () => {
    const code = [
      "interface Point { x: number; y: number }",
      "type Pair<T> = [T, T];",
      "enum Color { Red, Green = 5, Blue }",
      "const enum Flag { A = 'a' }",
      "function first<T>(items: readonly T[]): T | undefined { return items[0]; }",
      "class Box<T> { constructor(private readonly value: T) {} get(): T { return this.value; } }",
      "const p: Point = { x: 1, y: 2 };",
      "const pair: Pair<string> = ['a', 'b'];",
      "const n = (input as { n: number }).n!;",
      "const maybe: string | undefined = first<string>(pair);",
      "return { sum: p.x + p.y, color: Color.Blue, name: Color[5], flag: Flag.A, first: maybe!, box: new Box<number>(n).get() };",
    ].join("\n");
    const result = await sandbox.execute(code, { n: 7 });
    expect(result.errors).toEqual([]);
    expect(result.output).toEqual({ sum: 3, color: 6, name: "Green", flag: "a", first: "a", box: 7 });
  });

  it("runs a generic call that would mean something else in JavaScript", async () => {
    const result = await sandbox.execute("const id = <T,>(x: T): T => x;\nreturn id<number>(5);");
    expect(result.output).toBe(5);
  });

  it("strips TypeScript in ES modules too", async () => {
    const result = await sandbox.execute("const n: number = 2;\nexport default n * 21;");
    expect(result.output).toBe(42);
  });

  it("reports TypeScript syntax errors at the line and column of the agent's source", async () => {
    const result = await sandbox.execute("const a: number = 1;\nconst b: string = ;\nreturn a;");
    expect(result.success).toBe(false);
    expect(result.errors[0]).toMatchObject({ kind: "syntax", line: 2, column: 19 });
  });

  it("keeps line numbers of runtime errors in TypeScript code", async () => {
    const code = "interface A {\n  x: number;\n}\nconst a: A = { x: 1 };\nconst b: any = null;\nreturn b.y;";
    const result = await sandbox.execute(code);
    expect(result.errors[0]).toMatchObject({ kind: "runtime", line: 6 });
  });

  it("retries with type stripping when plain JavaScript parsing fails in auto mode", async () => {
    // No hint pattern matches this, but it is TypeScript.
    const result = await sandbox.execute("let x!: number; x = 3; return x;");
    expect(result.output).toBe(3);
  });

  it("javascript mode never strips", async () => {
    const js = await createWasmSandbox({ language: "javascript" });
    const result = await js.execute("const a: number = 1; return a;");
    expect(result.errors[0]?.kind).toBe("syntax");
    js.dispose();
  });

  it("module syntax errors carry the agent's line", async () => {
    const result = await sandbox.execute("export const a = 1;\nexport default = ;");
    expect(result.errors[0]?.kind).toBe("syntax");
    expect(result.errors[0]?.line).toBe(2);
  });
});

describe("source detection", () => {
  it("detects TypeScript and modules", () => {
    expect(looksLikeTypeScript("const a: number = 1")).toBe(true);
    expect(looksLikeTypeScript("interface A { }")).toBe(true);
    expect(looksLikeTypeScript("return a + b")).toBe(false);
    expect(looksLikeTypeScript("const o = { a: 1 }; return o.a ? 1 : 2")).toBe(false);
    expect(looksLikeModule("import { a } from 'servers/x';")).toBe(true);
    expect(looksLikeModule("export default 1")).toBe(true);
    expect(looksLikeModule("const m = await import('x')")).toBe(false);
    expect(prepareSource("return 1", "auto")).toEqual({ code: "return 1", isModule: false, stripped: false });
  });

  it("stripping never throws and keeps the line count on any input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = stripTypes(text);
        if (isStripError(result)) {
          expect(result.line).toBeGreaterThanOrEqual(1);
          expect(result.column).toBeGreaterThanOrEqual(1);
        } else {
          expect(result.code.split("\n").length).toBe(text.split("\n").length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
