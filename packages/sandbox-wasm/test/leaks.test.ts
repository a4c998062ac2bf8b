import debugSync from "@jitl/quickjs-wasmfile-debug-sync";
import {
  newQuickJSWASMModuleFromVariant,
  type QuickJSWASMModule,
  TestQuickJSWASMModule,
} from "quickjs-emscripten-core";
import { describe, expect, it } from "vitest";
import { type RunRequest, runProgram } from "../src/engine.js";
import { createMemoryWorkspace, createWasmSandbox } from "../src/index.js";
import { resolveOptions } from "../src/options.js";
import { unwrapVariant } from "../src/quickjs.js";
import { toolHostFromMap } from "../src/tools.js";

/** The RSS bound stated in the README: growth over 10,000 executions after warm-up. */
const RSS_BOUND_MB = 48;

describe("no leaks", () => {
  it(`10,000 sequential executions keep RSS growth under ${RSS_BOUND_MB} MB`, async () => {
    const sandbox = await createWasmSandbox({ tools: { t: { echo: async (a) => a } } });
    // Mostly small programs (what a long-running host sees most), with console, tools and errors mixed in.
    const programs = [
      "return input + 1;",
      "return { n: input, list: [1, 2, 3] };",
      "return input * 2;",
      "console.log('n', input); return 1;",
      "return input - 1;",
      "throw new Error('x' + input);",
      "return String(input);",
      "return await tools.t.echo(input);",
    ];
    const runBatch = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        const result = await sandbox.execute(programs[i % programs.length] as string, i);
        if (i % programs.length !== 5 && !result.success) {
          throw new Error(`execution ${i} failed: ${result.errors[0]?.message}`);
        }
      }
    };
    await runBatch(500);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage().rss;
    await runBatch(10_000);
    gc?.();
    const after = process.memoryUsage().rss;
    const growthMb = (after - before) / 1024 / 1024;
    expect(growthMb).toBeLessThan(RSS_BOUND_MB);
    sandbox.dispose();
  }, 180_000);

  it("the debug build reports no leaked handles or allocations across every engine path", async () => {
    const debugModule = await newQuickJSWASMModuleFromVariant(unwrapVariant(debugSync));
    const test = new TestQuickJSWASMModule(debugModule);
    const options = resolveOptions({ maxInstructions: 200_000, maxMemoryMb: 8, maxOutputBytes: 2000, maxToolCalls: 3 });
    const tools = toolHostFromMap({
      t: {
        echo: async (a) => a,
        fail: async () => {
          throw Object.assign(new Error("no"), { code: "TOOL_FAILED" });
        },
        deep: async () => JSON.parse(`${"[".repeat(3000)}${"]".repeat(3000)}`),
      },
    });
    const workspace = createMemoryWorkspace();
    await workspace.writeFile("skills/one.ts", "export const one: number = 1;");
    const programs = [
      "return 1 + 1;",
      "return { a: [1, 'x', null] };",
      "console.log('hi', { a: 1 }); console.error(new Error('e')); return input;",
      "return await Promise.all([tools.t.echo(1), tools.t.echo({ b: 2 })]);",
      "try { await tools.t.fail(); } catch (e) { return e.code; }",
      "await tools.t.fail();",
      "for (let i = 0; i < 5; i++) await tools.t.echo(i);",
      "import { echo } from 'servers/t';\nexport default await echo(3);",
      "import { one } from './skills/one.ts';\nexport default one;",
      "await fs.writeFile('a.txt', 'x'); return await fs.readFile('a.txt');",
      "state.n = 1; return state;",
      "const x: number = 1; enum E { A } return x + E.A;",
      "let = ;",
      "null.x;",
      "throw 'plain';",
      "for (;;) {}",
      "function f() { return f(); } return f();",
      "return 'x'.repeat(5000);",
      "await new Promise(() => {});",
      "const a = {}; a.self = a; return a;",
      "return new Array(2e6).fill(0).length;",
      // The bridge: calls left unsettled when the program ends, calls made while the output is serialised, a result
      // the guest cannot parse, numbers crossing without JSON, the call limit.
      "tools.t.echo(1); tools.t.echo('x'); return 1;",
      "return { toJSON() { tools.t.echo(2); return 1; } };",
      "try { await tools.t.deep(); } catch (e) { return e.message; }",
      "return (await tools.t.echo(-0)) + (await tools.t.echo(1.5));",
      "const r = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => tools.t.echo(i))); return r.length;",
    ];
    for (const code of programs) {
      const request: RunRequest = {
        code,
        input: { v: 1 },
        executionId: "leak",
        timeoutMs: 5000,
        tools,
        workspace,
        hasSessionState: code.includes("state"),
        sessionState: {},
      };
      const raw = await runProgram(test as unknown as QuickJSWASMModule, options, request);
      expect(raw.moduleSuspect, code).toBeUndefined();
      expect(
        raw.errors.filter((e) => e.kind === "internal"),
        code,
      ).toEqual([]);
    }
    expect([...test.runtimes].filter((r) => r.alive)).toEqual([]);
    expect([...test.contexts].filter((c) => c.alive)).toEqual([]);
    // quickjs-emscripten 0.32 does not run the wrapper's bookkeeping lifetimes on dispose, so its sets still hold the
    // (disposed) objects; having checked they are all dead, clear them and let the leak sanitizer speak.
    test.runtimes.clear();
    test.contexts.clear();
    expect(() => test.assertNoMemoryAllocated()).not.toThrow();
  }, 120_000);
});
