import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandboxPool, isSandboxError, type SandboxPool, type SecurityEvent } from "../src/index.js";

const events: SecurityEvent[] = [];
const toolThreads: boolean[] = [];
let pool: SandboxPool;
beforeAll(async () => {
  const { isMainThread } = await import("node:worker_threads");
  pool = await createSandboxPool({
    size: 2,
    timeoutMs: 300,
    graceMs: 50,
    onSecurityEvent: (e) => events.push(e),
    tools: {
      kv: {
        get: async (key) => {
          toolThreads.push(isMainThread);
          return `value of ${String(key)}`;
        },
      },
    },
  });
}, 60_000);
afterAll(async () => {
  await pool.dispose();
});

describe("createSandboxPool", () => {
  it("runs the same execute on worker threads", async () => {
    const result = await pool.execute("const n: number = input.n; return n * 2;", { n: 21 });
    expect(result.errors).toEqual([]);
    expect(result.output).toBe(42);
    expect(pool.size).toBe(2);
  });

  it("serves tool calls on the main thread through the host's ToolHost", async () => {
    toolThreads.length = 0;
    const result = await pool.execute("return await Promise.all([tools.kv.get('a'), tools.kv.get('b')]);", undefined, {
      executionId: "pool-tools",
    });
    expect(result.output).toEqual(["value of a", "value of b"]);
    expect(result.executionId).toBe("pool-tools");
    expect(toolThreads).toEqual([true, true]);
  });

  it("terminates and replaces a worker stuck in a builtin past its deadline", async () => {
    const before = pool.restarts;
    events.length = 0;
    // One huge JSON.stringify call is not interrupted inside QuickJS: only terminating the thread stops it.
    const code =
      "const a = []; for (let i = 0; i < 200000; i++) a.push({ i, s: 'x'.repeat(20) }); for (;;) JSON.stringify(a);";
    const started = performance.now();
    const stuck = await pool.execute(code, undefined, { timeoutMs: 200 });
    const elapsed = performance.now() - started;
    expect(stuck.success).toBe(false);
    expect(stuck.errors[0]?.kind).toBe("timeout");
    // Generous bound (loaded CI machines): far below what the builtin loop would take on its own.
    expect(elapsed).toBeLessThan(5000);
    expect(events.some((e) => e.type === "RESOURCE_EXHAUSTION")).toBe(true);
    const next = await pool.execute("return 'alive'");
    expect(next.output).toBe("alive");
    expect(pool.restarts).toBeGreaterThanOrEqual(before);
  });

  it("a busy loop times out without blocking the host's event loop", async () => {
    let ticks = 0;
    const interval = setInterval(() => ticks++, 5);
    const result = await pool.execute("for (;;) {}", undefined, { timeoutMs: 150 });
    clearInterval(interval);
    expect(["timeout", "instructions"]).toContain(result.errors[0]?.kind);
    expect(ticks).toBeGreaterThan(3);
  });

  it("runs executions in parallel on its workers and queues the rest", async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.execute("return input * 3", i)));
    expect(results.map((r) => r.output)).toEqual([0, 3, 6, 9, 12, 15]);
  });

  it("sessions work across workers: files persist on the main thread", async () => {
    const session = pool.createSession();
    await pool.execute(
      "await fs.writeFile('./workspace/skills/inc.ts', 'export const inc = (n: number) => n + 1;'); return 1;",
      undefined,
      {
        session,
      },
    );
    // One session's executions run one after another (its state is last-writer-wins).
    const results = [
      await pool.execute("import { inc } from './skills/inc.ts';\nexport default inc(1);", undefined, { session }),
      await pool.execute("state.n = 5; return await fs.readdir('./workspace/skills');", undefined, { session }),
    ];
    expect(results[0]?.output).toBe(2);
    expect(results[1]?.output).toEqual(["inc.ts"]);
    expect(session.state).toEqual({ n: 5 });
  });

  it("an aborted execution stops, also when stuck in a builtin", async () => {
    const controller = new AbortController();
    const running = pool.execute(
      "const a = []; for (let i = 0; i < 200000; i++) a.push({ i }); for (;;) JSON.stringify(a);",
      undefined,
      { signal: controller.signal, timeoutMs: 60_000 },
    );
    setTimeout(() => controller.abort(), 100);
    const result = await running;
    expect(result.errors[0]?.kind).toBe("aborted");
    expect((await pool.execute("return 1")).output).toBe(1);
  });

  it("dispose leaves nothing running and later use throws DISPOSED", async () => {
    const p = await createSandboxPool({ size: 1, timeoutMs: 60_000 });
    const running = p.execute("for (;;) {}");
    const queued = p.execute("return 1");
    await p.dispose();
    await p.dispose();
    expect((await running).errors[0]?.kind).toBe("aborted");
    expect((await queued).errors[0]?.kind).toBe("aborted");
    await expect(p.execute("return 1")).rejects.toSatisfy((e: unknown) => isSandboxError(e) && e.code === "DISPOSED");
  });

  it("bounds a worker's memory even when QuickJS's own limit cannot see the allocations", async () => {
    // QuickJS's Emscripten build counts 8 bytes per allocation, so 1 KiB strings are not limited by maxMemoryMb
    // alone (in-process this program grows WebAssembly memory towards 2 GiB); the worker's instance is capped.
    const p = await createSandboxPool({ size: 1, maxMemoryMb: 8, timeoutMs: 30_000, maxInstructions: 1e12 });
    const result = await p.execute(
      "const a = []; for (let i = 0; i < 1e6; i++) a.push('x'.repeat(1000) + i); return a.length;",
    );
    expect(result.errors.map((e) => e.kind)).toEqual(["memory"]);
    const next = await p.execute(
      "const a = []; for (let i = 0; i < 1000; i++) a.push('x'.repeat(1000)); return a.length;",
    );
    expect(next.output).toBe(1000);
    expect(p.restarts).toBe(0);
    await p.dispose();
  }, 60_000);

  it("validates its options", async () => {
    await expect(createSandboxPool({ size: 0 })).rejects.toSatisfy(
      (e: unknown) => isSandboxError(e) && e.code === "INVALID_OPTIONS" && /size/.test(e.message),
    );
  });
});
