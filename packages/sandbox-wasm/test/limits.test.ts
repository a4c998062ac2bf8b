import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWasmSandbox, type ExecutionResult, type SecurityEvent, type WasmSandbox } from "../src/index.js";

const events: SecurityEvent[] = [];
let sandbox: WasmSandbox;
beforeAll(async () => {
  sandbox = await createWasmSandbox({
    timeoutMs: 5000,
    maxInstructions: 2_000_000,
    onSecurityEvent: (event) => events.push(event),
    clock: { now: () => 1_700_000_000_000 },
  });
});
afterAll(() => sandbox.dispose());

async function expectNextWorks(s: WasmSandbox = sandbox): Promise<void> {
  const next = await s.execute("return input + 1", 41);
  expect(next.success).toBe(true);
  expect(next.output).toBe(42);
}

function kinds(result: ExecutionResult): string[] {
  return result.errors.map((e) => e.kind);
}

describe("limits", () => {
  it("timeoutMs stops a busy loop (instruction budget off)", async () => {
    const s = await createWasmSandbox({ timeoutMs: 100, maxInstructions: Number.MAX_SAFE_INTEGER });
    const result = await s.execute("let i = 0; for (;;) { i++; }");
    expect(kinds(result)).toEqual(["timeout"]);
    expect(result.errors[0]?.message).toMatch(/100 ms/);
    await expectNextWorks(s);
    s.dispose();
  });

  it("maxInstructions stops deterministically at the same count every run", async () => {
    const code = "let i = 0; for (;;) { i++; if (i % 1000 === 0) console.log(i); }";
    const a = await sandbox.execute(code);
    const b = await sandbox.execute(code);
    expect(kinds(a)).toEqual(["instructions"]);
    expect(a.metrics.instructions).toBe(2_000_000);
    expect(b.metrics.instructions).toBe(a.metrics.instructions);
    expect(a.logs.length).toBeGreaterThan(10);
    expect(b.logs.at(-1)).toEqual(a.logs.at(-1));
    await expectNextWorks();
  });

  it("the interruption cannot be caught: while(true){try{}catch{}} and retry loops stop", async () => {
    const r1 = await sandbox.execute("while (true) { try {} catch (e) {} }");
    expect(kinds(r1)).toEqual(["instructions"]);
    const r2 = await sandbox.execute(
      "let caught = 0; for (let k = 0; k < 5; k++) { try { for (;;) {} } catch (e) { caught++; } } return caught;",
    );
    expect(kinds(r2)).toEqual(["instructions"]);
    expect(r2.output).toBeUndefined();
    const r3 = await sandbox.execute("try { for (;;) {} } finally { for (;;) {} }");
    expect(kinds(r3)).toEqual(["instructions"]);
    await expectNextWorks();
  });

  it("stops catastrophic regex backtracking", async () => {
    const s = await createWasmSandbox({ timeoutMs: 200, maxInstructions: Number.MAX_SAFE_INTEGER });
    const result = await s.execute("return /^(a+)+$/.test('a'.repeat(40) + 'b');");
    expect(kinds(result)).toEqual(["timeout"]);
    const budget = await sandbox.execute("return /^(a|a)+$/.test('a'.repeat(40) + 'b');");
    expect(kinds(budget)).toEqual(["instructions"]);
    await expectNextWorks(s);
    s.dispose();
  });

  it("maxMemoryMb stops allocation with kind memory", async () => {
    const s = await createWasmSandbox({ maxMemoryMb: 2 });
    const result = await s.execute("const a = []; for (;;) a.push([a.length, a.length + 1, { x: a.length }]);");
    expect(kinds(result)).toEqual(["memory"]);
    expect(result.metrics.memoryPeakBytes).toBe(2 * 1024 * 1024);
    const big = await s.execute("return 'x'.repeat(4 * 1024 * 1024).length;");
    expect(kinds(big)).toEqual(["memory"]);
    await expectNextWorks(s);
    s.dispose();
  });

  it("maxStackKb stops deep recursion with kind stack", async () => {
    const s = await createWasmSandbox({ maxStackKb: 64 });
    const result = await s.execute("function f(n) { return f(n + 1) + 1; }\nreturn f(0);");
    expect(kinds(result)).toEqual(["stack"]);
    expect(result.errors[0]?.line).toBe(1);
    const deepJson = await s.execute(
      "let a = []; for (let i = 0; i < 100000; i++) a = [a]; return JSON.stringify(a).length;",
    );
    expect(kinds(deepJson)).toEqual(["stack"]);
    await expectNextWorks(s);
    s.dispose();
  });

  it("maxOutputBytes is checked before the output is copied out", async () => {
    const s = await createWasmSandbox({ maxOutputBytes: 1000 });
    const result = await s.execute("return 'x'.repeat(5000);");
    expect(kinds(result)).toEqual(["output_too_large"]);
    expect(result.output).toBeUndefined();
    expect(result.errors[0]?.message).toMatch(/limit of 1000/);
    const ok = await s.execute("return 'x'.repeat(900);");
    expect(ok.output).toBe("x".repeat(900));
    const multibyte = await s.execute("return 'é'.repeat(600);");
    expect(kinds(multibyte)).toEqual(["output_too_large"]);
    await expectNextWorks(s);
    s.dispose();
  });

  it("maxLogBytes drops lines past the cap and says so", async () => {
    const s = await createWasmSandbox({ maxLogBytes: 100 });
    const result = await s.execute("for (let i = 0; i < 1000; i++) console.log('line ' + i); return 'done';");
    expect(result.success).toBe(true);
    expect(result.logsTruncated).toBe(true);
    const total = result.logs.reduce((n, l) => n + l.message.length, 0);
    expect(total).toBeLessThanOrEqual(100);
    expect(result.logs[0]?.message).toBe("line 0");
    await expectNextWorks(s);
    s.dispose();
  });

  it("maxToolCalls fails the next call with kind tool_limit", async () => {
    let calls = 0;
    const s = await createWasmSandbox({ maxToolCalls: 3, tools: { t: { ping: async () => ++calls } } });
    const result = await s.execute("for (let i = 0; i < 10; i++) await tools.t.ping(); return 'never';");
    expect(kinds(result)).toEqual(["tool_limit"]);
    expect(result.errors[0]?.code).toBe("TOOL_LIMIT");
    expect(calls).toBe(3);
    expect(result.metrics.toolCalls).toBe(3);
    const caught = await s.execute(
      "const out = []; for (let i = 0; i < 5; i++) { try { out.push(await tools.t.ping()); } catch (e) { out.push(e.code); } } return out;",
    );
    expect(caught.output).toEqual([4, 5, 6, "TOOL_LIMIT", "TOOL_LIMIT"]);
    await expectNextWorks(s);
    s.dispose();
  });

  it("bounds promise jobs: a microtask flood stops", async () => {
    const s = await createWasmSandbox({ maxPromiseJobs: 10_000, maxInstructions: Number.MAX_SAFE_INTEGER });
    const result = await s.execute("const f = () => Promise.resolve().then(f); f(); await new Promise(() => {});");
    expect(kinds(result)).toEqual(["instructions"]);
    expect(result.errors[0]?.message).toMatch(/promise jobs/);
    const fanout = await s.execute("for (let i = 0; i < 100000; i++) Promise.resolve(i).then(() => {}); return 1;");
    expect(kinds(fanout)).toEqual(["instructions"]);
    await expectNextWorks(s);
    s.dispose();
  });

  it("a program waiting forever fails fast instead of hanging", async () => {
    const result = await sandbox.execute("await new Promise(() => {}); return 1;");
    expect(kinds(result)).toEqual(["runtime"]);
    expect(result.errors[0]?.message).toMatch(/never settle/);
  });

  it("emits RESOURCE_EXHAUSTION events with the execution id", async () => {
    events.length = 0;
    const result = await sandbox.execute("for (;;) {}", undefined, { executionId: "limit-1" });
    expect(kinds(result)).toEqual(["instructions"]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "RESOURCE_EXHAUSTION",
      source: "sandbox-wasm",
      timestamp: 1_700_000_000_000,
      data: { executionId: "limit-1", kind: "instructions" },
    });
  });
});
