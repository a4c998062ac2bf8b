import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProgram } from "../src/engine.js";
import {
  createMemoryWorkspace,
  createWasmSandbox,
  type ToolCallContext,
  type ToolHost,
  type WasmSandbox,
} from "../src/index.js";
import { resolveOptions } from "../src/options.js";
import { acquireQuickJS } from "../src/quickjs.js";

interface Seen {
  id: string;
  args: unknown;
  context: ToolCallContext;
}

const seen: Seen[] = [];
let active = 0;
let maxActive = 0;
const host: ToolHost = {
  list: () => [
    { id: "memory/recall", server: "memory", name: "recall", description: "find notes" },
    { id: "memory/store-note", server: "memory", name: "store_note" },
    { id: "slow/wait", server: "slow", name: "wait" },
    { id: "bad/fail", server: "bad", name: "fail" },
    { id: "bad/throwSync", server: "bad", name: "throwSync" },
    { id: "bad/bigint", server: "bad", name: "bigint" },
    { id: "bad/huge", server: "bad", name: "huge" },
  ],
  call: async (id, args, context) => {
    seen.push({ id, args, context });
    switch (id) {
      case "memory/recall":
        return { query: args, notes: ["a", "b"] };
      case "memory/store-note":
        return undefined;
      case "slow/wait": {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 20));
        active--;
        return (args as { n: number }).n;
      }
      case "bad/fail":
        throw Object.assign(new Error("backend unavailable"), { code: "TOOL_FAILED" });
      case "bad/bigint":
        return 10n;
      case "bad/huge":
        return "y".repeat(5000);
      default:
        throw new Error("unexpected");
    }
  },
};
// A ToolHost whose call throws synchronously (not a rejected promise).
const syncThrowHost: ToolHost = {
  list: host.list,
  call: (id, args, context) => {
    if (id === "bad/throwSync") throw new TypeError("sync failure");
    return host.call(id, args, context);
  },
};

let sandbox: WasmSandbox;
beforeAll(async () => {
  sandbox = await createWasmSandbox({ tools: syncThrowHost, maxToolPayloadBytes: 1000 });
});
afterAll(() => sandbox.dispose());

describe("tool bridge", () => {
  it("tools.<server>.<tool>(args) resolves with the host's result; ids, args and context reach the host", async () => {
    seen.length = 0;
    const result = await sandbox.execute("return await tools.memory.recall({ q: 'x', n: [1, 2] });", undefined, {
      executionId: "exec-tools-1",
    });
    expect(result.output).toEqual({ query: { q: "x", n: [1, 2] }, notes: ["a", "b"] });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.id).toBe("memory/recall");
    expect(seen[0]?.args).toEqual({ q: "x", n: [1, 2] });
    expect(seen[0]?.context.executionId).toBe("exec-tools-1");
    expect(seen[0]?.context.signal).toBeInstanceOf(AbortSignal);
    expect(seen[0]?.context.signal?.aborted).toBe(true); // aborted once the execution finished
    expect(result.metrics.toolCalls).toBe(1);
  });

  it("passes the id as given even when the name was adapted to an identifier", async () => {
    seen.length = 0;
    const result = await sandbox.execute("return await tools.memory.store_note({ text: 'hi' });");
    expect(result.success).toBe(true);
    expect(result.output).toBeUndefined();
    expect(seen[0]?.id).toBe("memory/store-note");
  });

  it("Promise.all runs several calls concurrently on the host", async () => {
    maxActive = 0;
    const result = await sandbox.execute("return await Promise.all([1, 2, 3, 4].map((n) => tools.slow.wait({ n })));");
    expect(result.output).toEqual([1, 2, 3, 4]);
    expect(maxActive).toBe(4);
  });

  it("tool failures are catchable Errors with the message only and the code kept", async () => {
    const result = await sandbox.execute(`
      try { await tools.bad.fail({}); } catch (e) {
        return { isError: e instanceof Error, name: e.name, message: e.message, code: e.code,
                 hostStack: /node:|\\.ts:|at async/.test(String(e.stack)) };
      }`);
    expect(result.output).toEqual({
      isError: true,
      name: "ToolError",
      message: "backend unavailable",
      code: "TOOL_FAILED",
      hostStack: false,
    });
  });

  it("an uncaught tool failure fails the execution with kind tool", async () => {
    const result = await sandbox.execute("await tools.bad.fail();");
    expect(result.success).toBe(false);
    expect(result.errors[0]).toMatchObject({ kind: "tool", code: "TOOL_FAILED", message: "backend unavailable" });
  });

  it("a synchronously throwing ToolHost becomes a rejected call", async () => {
    const result = await sandbox.execute("try { await tools.bad.throwSync(); } catch (e) { return e.message; }");
    expect(result.output).toBe("sync failure");
  });

  it("results that are not JSON data are rejected inside the sandbox", async () => {
    const result = await sandbox.execute("try { await tools.bad.bigint(); } catch (e) { return [e.code, e.message]; }");
    expect(result.output).toEqual(["TOOL_FAILED", expect.stringMatching(/not JSON data/)]);
  });

  it("caps argument and result size", async () => {
    const args = await sandbox.execute(
      "try { await tools.memory.recall('x'.repeat(2000)); } catch (e) { return [e.name, e.message]; }",
    );
    expect(args.output).toEqual(["RangeError", "tool arguments are larger than 1000 bytes"]);
    const res = await sandbox.execute("try { await tools.bad.huge(); } catch (e) { return e.code; }");
    expect(res.output).toBe("RESULT_TOO_LARGE");
  });

  it("arguments that are not JSON data reject in the program", async () => {
    const result = await sandbox.execute(
      "const a = {}; a.self = a; try { await tools.memory.recall(a); } catch (e) { return e.name; }",
    );
    expect(result.output).toBe("TypeError");
  });

  it("import { x } from 'servers/<server>' works in ES modules", async () => {
    const result = await sandbox.execute(
      "import { recall } from 'servers/memory';\nimport memory from 'servers/memory';\nconst a = await recall('q');\nexport default [a.notes.length, typeof memory.store_note];",
    );
    expect(result.errors).toEqual([]);
    expect(result.output).toEqual([2, "function"]);
  });

  it("importing a server with no allowed tools fails", async () => {
    const result = await sandbox.execute("import { x } from 'servers/admin';\nexport default 1;");
    expect(result.success).toBe(false);
    expect(result.errors[0]?.message).toMatch(/admin/);
  });

  it("only listed tools exist", async () => {
    const result = await sandbox.execute(
      "return [Object.keys(tools).sort(), typeof tools.admin, Object.isFrozen(tools)];",
    );
    expect(result.output).toEqual([["bad", "memory", "slow"], "undefined", true]);
  });

  it("accepts a plain object of async functions", async () => {
    const s = await createWasmSandbox({
      tools: {
        math: { add: async (a) => (a as number[]).reduce((x, y) => x + y, 0), twice: (n) => (n as number) * 2 },
      },
    });
    const result = await s.execute("return [await tools.math.add([1, 2, 3]), await tools.math.twice(4)];");
    expect(result.output).toEqual([6, 8]);
    expect(s.tools?.list().map((t) => t.id)).toEqual(["math/add", "math/twice"]);
    s.dispose();
  });

  it("rejects tool maps whose names are not identifiers", async () => {
    await expect(createWasmSandbox({ tools: { "my-server": { a: async () => 1 } } })).rejects.toThrow(/identifier/);
  });

  it("tools.x is absent when the sandbox has no tools", async () => {
    const s = await createWasmSandbox();
    const result = await s.execute("return typeof tools === 'undefined' ? 'none' : Object.keys(tools).length;");
    expect([0, "none"]).toContain(result.output);
    s.dispose();
  });

  it("numbers cross without JSON but with JSON's meaning: -0 is 0, NaN and infinities are null", async () => {
    seen.length = 0;
    const result = await sandbox.execute(
      "const out = []; for (const n of [7, -0, 0.5, NaN, Infinity, -Infinity]) out.push((await tools.memory.recall(n)).query); return out;",
    );
    expect(result.output).toEqual([7, 0, 0.5, null, null, null]);
    expect(seen.map((s) => s.args)).toEqual([7, 0, 0.5, null, null, null]);
    expect(Object.is(seen[1]?.args, -0)).toBe(false);
  });

  it("a result the guest cannot parse (nested past its stack) rejects the call instead of hanging", async () => {
    const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    const s = await createWasmSandbox({
      tools: { t: { deep: async () => JSON.parse(deep) as unknown } },
      maxToolPayloadBytes: 100_000,
      maxStackKb: 64,
    });
    const result = await s.execute("try { await tools.t.deep(); return 'parsed'; } catch (e) { return e.message; }");
    expect(result.success).toBe(true);
    expect(result.output).toMatch(/stack/i);
    expect((await s.execute("return await tools.t.deep().then(() => 1, () => 2);")).output).toBe(2);
    s.dispose();
  });

  it("calls made while the output is serialised, or left running when the program ends, are harmless", async () => {
    seen.length = 0;
    const during = await sandbox.execute("return { toJSON() { tools.memory.recall('late'); return 'done'; } };");
    expect(during.output).toBe("done");
    const left = await sandbox.execute("tools.slow.wait({ n: 1 }); tools.memory.recall('x'); return 'early';");
    expect(left.output).toBe("early");
    expect((await sandbox.execute("return (await tools.memory.recall(3)).query;")).output).toBe(3);
  });

  it("the call limit holds without a host round trip, and calls in flight are bounded", async () => {
    const s = await createWasmSandbox({ tools: { t: { echo: async (a: unknown) => a } }, maxToolCalls: 5 });
    const limited = await s.execute(
      "const r = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => tools.t.echo(i))); return r.map((x) => x.status === 'fulfilled' ? x.value : x.reason.code);",
    );
    expect(limited.output).toEqual([0, 1, 2, 3, 4, "TOOL_LIMIT", "TOOL_LIMIT", "TOOL_LIMIT"]);
    expect(limited.metrics.toolCalls).toBe(5);
    s.dispose();
    // Workspace calls do not count as tool calls; what bounds them is the number in flight.
    const lease = await acquireQuickJS(64);
    const raw = await runProgram(lease.module, resolveOptions({}), {
      code: "const ps = []; for (let i = 0; i < 60; i++) ps.push(fs.exists('a').then(() => 'ok', (e) => e.name + ': ' + e.message)); return [...new Set(await Promise.all(ps))];",
      input: undefined,
      executionId: "flight",
      timeoutMs: 5000,
      workspace: createMemoryWorkspace(),
      hasSessionState: false,
      maxInFlight: 50,
    });
    lease.release(false);
    expect(raw.output).toEqual(["ok", "RangeError: too many tool calls in flight"]);
  });
});
