import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWasmSandbox, isSandboxError, type WasmSandbox } from "../src/index.js";
import { compileReleaseWasm } from "../src/quickjs.js";

let sandbox: WasmSandbox;
beforeAll(async () => {
  sandbox = await createWasmSandbox({ globals: { config: { region: "eu" } } });
});
afterAll(() => sandbox.dispose());

describe("execute", () => {
  it("returns the value of an async body", async () => {
    const result = await sandbox.execute("const a = 20; return a + 22;");
    expect(result.success).toBe(true);
    expect(result.output).toBe(42);
    expect(result.errors).toEqual([]);
    expect(result.executionId).toMatch(/^exec-/);
  });

  it("supports top-level await and returns JSON data", async () => {
    const result = await sandbox.execute("const v = await Promise.resolve({ a: [1, 'two', null, true] }); return v;");
    expect(result.output).toEqual({ a: [1, "two", null, true] });
    expect(result.metrics.outputBytes).toBe(JSON.stringify({ a: [1, "two", null, true] }).length);
  });

  it("exposes input and read-only globals", async () => {
    const result = await sandbox.execute("config.region = 'us'; return { n: input.n * 2, region: config.region };", {
      n: 21,
    });
    expect(result.output).toEqual({ n: 42, region: "eu" });
  });

  it("captures console output with levels", async () => {
    const result = await sandbox.execute(
      "console.log('a', 1, { b: 2 }); console.warn('w'); console.error(new Error('boom')); return 0;",
    );
    expect(result.logs).toEqual([
      { level: "log", message: 'a 1 {"b":2}' },
      { level: "warn", message: "w" },
      { level: "error", message: "Error: boom" },
    ]);
    expect(result.logsTruncated).toBe(false);
  });

  it("returns undefined output for no return, and maps non-finite numbers to null", async () => {
    expect((await sandbox.execute("const x = 1;")).output).toBeUndefined();
    expect((await sandbox.execute("return 1 / 0;")).output).toBeNull();
  });

  it("reports runtime errors with the guest message, line and column", async () => {
    const result = await sandbox.execute("const a = 1;\nconst b = null;\nreturn b.x;");
    expect(result.success).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ kind: "runtime", name: "TypeError", line: 3 });
    expect(result.errors[0]?.message).toMatch(/null/);
  });

  it("reports a thrown non-error value", async () => {
    const result = await sandbox.execute("throw 'plain';");
    expect(result.errors[0]).toMatchObject({ kind: "runtime", message: "plain", name: "string" });
  });

  it("reports JavaScript syntax errors with line and column", async () => {
    const result = await sandbox.execute("const ok = 1;\nlet = = 2;", undefined);
    expect(result.success).toBe(false);
    expect(result.errors[0]?.kind).toBe("syntax");
    expect(result.errors[0]?.line).toBe(2);
    expect(result.errors[0]?.column).toBeGreaterThan(0);
  });

  it("uses a fresh context per execution: nothing leaks between executions", async () => {
    await sandbox.execute(
      "globalThis.leak = 'secret'; Object.prototype.polluted = 1; Array.prototype.push = null; return 1;",
    );
    const result = await sandbox.execute("return [typeof leak, 'polluted' in {}, typeof [].push];");
    expect(result.output).toEqual(["undefined", false, "function"]);
  });

  it("accepts an execution id from the host", async () => {
    const result = await sandbox.execute("return 1", undefined, { executionId: "req-7" });
    expect(result.executionId).toBe("req-7");
  });

  it("gives every execution a unique id", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await sandbox.execute("return 1")).executionId);
    expect(ids.size).toBe(20);
  });

  it("honours an abort signal", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await sandbox.execute("return 1", undefined, { signal: controller.signal });
    expect(result.success).toBe(false);
    expect(result.errors[0]?.kind).toBe("aborted");
  });

  it("aborts a program waiting for a tool, and aborts the tool's signal", async () => {
    let toolSignal: AbortSignal | undefined;
    const s = await createWasmSandbox({
      tools: {
        slow: {
          wait: (_args, context) =>
            new Promise((resolve) => {
              toolSignal = context.signal;
              context.signal?.addEventListener("abort", () => resolve("late"));
            }),
        },
      },
    });
    const controller = new AbortController();
    const running = s.execute("return await tools.slow.wait()", undefined, {
      signal: controller.signal,
      timeoutMs: 60_000,
    });
    while (toolSignal === undefined) await new Promise((r) => setImmediate(r));
    controller.abort();
    const result = await running;
    expect(result.errors[0]?.kind).toBe("aborted");
    expect(toolSignal.aborted).toBe(true);
    s.dispose();
  });

  it("reports metrics", async () => {
    const result = await sandbox.execute("let s = 0; for (let i = 0; i < 100000; i++) s += i; return s;");
    expect(result.output).toBe(4999950000);
    expect(result.metrics.instructions).toBeGreaterThan(0);
    expect(result.metrics.instructions % 10_000).toBe(0);
    expect(result.metrics.memoryPeakBytes).toBeGreaterThan(10_000);
    expect(result.metrics.wallMs).toBeGreaterThanOrEqual(result.metrics.cpuMs * 0.5);
    expect(result.metrics.toolCalls).toBe(0);
  });

  it("compiles the WebAssembly module once per process and reuses it", async () => {
    const compiled = await compileReleaseWasm();
    const other = await createWasmSandbox();
    expect(await compileReleaseWasm()).toBe(compiled);
    expect((await other.execute("return 2")).output).toBe(2);
    other.dispose();
  });

  it("rejects bad options with a readable INVALID_OPTIONS error", async () => {
    await expect(createWasmSandbox({ timeoutMs: -1 })).rejects.toSatisfy(
      (e: unknown) => isSandboxError(e) && e.code === "INVALID_OPTIONS" && /timeoutMs/.test(e.message),
    );
    await expect(createWasmSandbox({ nope: 1 } as never)).rejects.toSatisfy(
      (e: unknown) => isSandboxError(e) && e.code === "INVALID_OPTIONS",
    );
    await expect(createWasmSandbox({ globals: { "bad key": 1 } })).rejects.toSatisfy(
      (e: unknown) => isSandboxError(e) && e.code === "INVALID_OPTIONS",
    );
    await expect(sandbox.execute(42 as unknown as string)).rejects.toSatisfy(
      (e: unknown) => isSandboxError(e) && e.code === "INVALID_OPTIONS",
    );
  });

  it("dispose is idempotent and later use throws DISPOSED", async () => {
    const s = await createWasmSandbox();
    s.dispose();
    s.dispose();
    s[Symbol.dispose]();
    await s[Symbol.asyncDispose]();
    expect(s.disposed).toBe(true);
    await expect(s.execute("return 1")).rejects.toSatisfy((e: unknown) => isSandboxError(e) && e.code === "DISPOSED");
  });

  it("runs many executions concurrently on one sandbox", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => sandbox.execute("return input * 2", i)));
    expect(results.map((r) => r.output)).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
  });
});
