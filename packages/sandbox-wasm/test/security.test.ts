/**
 * Hostile programs grouped by STRIDE. Each asserts the exact outcome. Isolation between executions is the point of
 * several cases, so one sandbox is shared by the whole file (plus a small-limit one for resource cases).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMemoryWorkspace,
  createWasmSandbox,
  type ExecutionResult,
  type SecurityEvent,
  type ToolHost,
  type WasmSandbox,
} from "../src/index.js";

const events: SecurityEvent[] = [];
const calls: Array<{ id: string; args: unknown; executionId: string }> = [];
const host: ToolHost = {
  list: () => [
    { id: "docs/read", server: "docs", name: "read" },
    { id: "docs/echo", server: "docs", name: "echo" },
  ],
  call: async (id, args, context) => {
    calls.push({ id, args, executionId: context.executionId });
    if (id === "docs/read") {
      const error = new Error("permission denied for /etc/shadow");
      error.stack = "Error: permission denied\n    at secretHostFunction (/srv/host/internal.js:10:5)";
      throw Object.assign(error, { code: "TOOL_DENIED", hostOnly: process.pid });
    }
    return args;
  },
};

let sandbox: WasmSandbox;
let small: WasmSandbox;
beforeAll(async () => {
  sandbox = await createWasmSandbox({
    tools: host,
    timeoutMs: 30_000,
    maxInstructions: 5_000_000,
    onSecurityEvent: (e) => events.push(e),
  });
  small = await createWasmSandbox({
    tools: host,
    // Generous: the instruction budget, not the clock, must stop these programs even on a loaded machine.
    timeoutMs: 30_000,
    maxInstructions: 5_000_000,
    maxMemoryMb: 16,
    maxStackKb: 128,
    maxOutputBytes: 64 * 1024,
    maxLogBytes: 4096,
    maxToolCalls: 5,
    maxPromiseJobs: 50_000,
    onSecurityEvent: (e) => events.push(e),
  });
});
afterAll(() => {
  sandbox.dispose();
  small.dispose();
  // Nothing any program did reached the host's prototypes.
  expect(Object.prototype).not.toHaveProperty("polluted");
  expect(Array.prototype).not.toHaveProperty("polluted");
  expect(Object.keys(Object.prototype)).toEqual([]);
});

const ok = (r: ExecutionResult, output: unknown): void => {
  expect(r.errors).toEqual([]);
  expect(r.success).toBe(true);
  expect(r.output).toEqual(output);
};
const fails = (r: ExecutionResult, kind: string, message?: RegExp): void => {
  expect(r.success).toBe(false);
  expect(r.output).toBeUndefined();
  expect(r.errors[0]?.kind).toBe(kind);
  if (message) expect(r.errors[0]?.message).toMatch(message);
};

describe("Spoofing", () => {
  it("S1 cannot replace the tools object or a server's functions", async () => {
    const r = await sandbox.execute(
      "'use strict'; const out = []; try { tools.docs = {}; } catch (e) { out.push(e.name); } try { tools.docs.echo = () => 1; } catch (e) { out.push(e.name); } try { globalThis.tools = {}; } catch (e) { out.push(e.name); } return out;",
    );
    ok(r, ["TypeError", "TypeError", "TypeError"]);
  });

  it("S2 a forged executionId in arguments does not change the id the host sees", async () => {
    calls.length = 0;
    const r = await sandbox.execute("return await tools.docs.echo({ executionId: 'someone-else' });", undefined, {
      executionId: "real-id",
    });
    ok(r, { executionId: "someone-else" });
    expect(calls[0]?.executionId).toBe("real-id");
  });

  it("S3 a forged ToolError is still the program's own runtime error", async () => {
    const r = await sandbox.execute(
      "const e = new Error('fake'); e.name = 'ToolError'; e.code = 'TOOL_DENIED'; throw e;",
    );
    fails(r, "tool_denied", /fake/);
    expect(events.filter((e) => e.data?.detail === "fake")).toEqual([]);
  });

  it("S4 cannot spoof a log level or inject entries through separators", async () => {
    const r = await sandbox.execute("console.log('a\\u0001\\u00022\\u0001x', '\\u0000'); return 1;");
    ok(r, 1);
    expect(r.logs).toEqual([{ level: "log", message: "a\u0001\u00022\u0001x \u0000" }]);
  });

  it("S5 cannot inject extra calls into the outbox through argument strings", async () => {
    calls.length = 0;
    const r = await sandbox.execute("return await tools.docs.echo('\\u0002\\u00011\\u0001\"x\"\\u0002');");
    ok(r, '\u0002\u00011\u0001"x"\u0002');
    expect(calls).toHaveLength(1);
  });

  it("S6 cannot pose as another session: state comes only from the host", async () => {
    const r = await sandbox.execute("return typeof state;", undefined, {});
    ok(r, "undefined");
  });

  it("S7 cannot import a module under a server's name that is not allowed", async () => {
    fails(await sandbox.execute("import x from 'servers/admin';\nexport default x;"), "runtime", /admin/);
  });
});

describe("Tampering", () => {
  it("T1 __proto__ in the output cannot pollute host prototypes", async () => {
    const r = await sandbox.execute('return JSON.parse(\'{"__proto__": {"polluted": 1}, "a": 1}\');');
    ok(r, { a: 1 });
    const merged = Object.assign({}, r.output);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });

  it("T2 nested __proto__ keys are dropped at every depth", async () => {
    const r = await sandbox.execute(
      'return { x: [JSON.parse(\'{"__proto__": {"polluted": 2}}\')], y: JSON.parse(\'{"b": {"__proto__": {"polluted": 3}}}\') };',
    );
    ok(r, { x: [{}], y: { b: {} } });
  });

  it("T3 __proto__ and constructor in tool arguments reach the host as plain data", async () => {
    calls.length = 0;
    const r = await sandbox.execute(
      'return await tools.docs.echo(JSON.parse(\'{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}\'));',
    );
    expect(r.success).toBe(true);
    const args = calls[0]?.args as Record<string, unknown>;
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    expect(Object.hasOwn(args, "__proto__")).toBe(false);
    expect(args.constructor).toEqual({ prototype: { polluted: 1 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("T4 constructor.prototype in output stays data", async () => {
    const r = await sandbox.execute("return { constructor: { prototype: { polluted: 1 } } };");
    ok(r, { constructor: { prototype: { polluted: 1 } } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("T5 globals from the host are deeply frozen", async () => {
    const s = await createWasmSandbox({ globals: { config: { limits: { max: 1 } } } });
    const r = await s.execute(
      "'use strict'; try { config.limits.max = 99; } catch (e) { return [e.name, config.limits.max]; }",
    );
    ok(r, ["TypeError", 1]);
    s.dispose();
  });

  it("T6 mutating input does not change the host's object", async () => {
    const input = { list: [1, 2] };
    const r = await sandbox.execute("input.list.push(3); input.extra = true; return input;", input);
    ok(r, { list: [1, 2, 3], extra: true });
    expect(input).toEqual({ list: [1, 2] });
  });

  it("T7 overriding JSON.stringify does not break output checks", async () => {
    const r = await small.execute("JSON.stringify = () => 'x'.repeat(1e6); return { a: 1 };");
    ok(r, { a: 1 });
  });

  it("T8 a toJSON returning a huge value is caught by the output cap", async () => {
    fails(
      await small.execute("return { toJSON() { return 'x'.repeat(200000); } };"),
      "output_too_large",
      /limit of 65536/,
    );
  });

  it("T9 Object.prototype.toJSON tampering only changes the program's own output", async () => {
    const r = await sandbox.execute("Object.prototype.toJSON = function () { return 'hijacked'; }; return { a: 1 };");
    ok(r, "hijacked");
  });

  it("T10 replacing Array.prototype methods does not corrupt logs", async () => {
    const r = await sandbox.execute(
      "Array.prototype.push = () => { throw new Error('x'); }; console.log('still'); return 1;",
    );
    ok(r, 1);
    expect(r.logs).toEqual([{ level: "log", message: "still" }]);
  });

  it("T11 a replaced Promise does not break the tool bridge", async () => {
    const r = await sandbox.execute(
      "const P = Promise; globalThis.Promise = function () {}; return await tools.docs.echo(5);",
    );
    ok(r, 5);
  });

  it("T12 writes cannot leave the workspace", async () => {
    const workspace = createMemoryWorkspace();
    const r = await sandbox.execute(
      "const out = []; for (const p of ['../../x', '/tmp/x', 'a/../../x', 'skills/../../../x']) { try { await fs.writeFile(p, 'x'); out.push('wrote'); } catch (e) { out.push(e.code); } } return out;",
      undefined,
      { workspace },
    );
    ok(r, ["WORKSPACE_PATH", "WORKSPACE_PATH", "WORKSPACE_PATH", "WORKSPACE_PATH"]);
    expect(await workspace.usage()).toEqual({ bytes: 0, files: 0 });
  });

  it("T13 Symbol.toPrimitive and getters on arguments run in the guest, not on the host", async () => {
    calls.length = 0;
    const r = await sandbox.execute(
      "return await tools.docs.echo({ get a() { return 1; }, [Symbol.toPrimitive]() { return 2; } });",
    );
    ok(r, { a: 1 });
    expect(Object.getOwnPropertyDescriptor(calls[0]?.args as object, "a")?.get).toBeUndefined();
  });
});

describe("Repudiation", () => {
  it("R1 every tool call carries the execution id", async () => {
    calls.length = 0;
    await sandbox.execute("await tools.docs.echo(1); await tools.docs.echo(2); return 0;", undefined, {
      executionId: "audit-1",
    });
    expect(calls.map((c) => c.executionId)).toEqual(["audit-1", "audit-1"]);
  });

  it("R2 violations are reported as events with the execution id", async () => {
    events.length = 0;
    await sandbox.execute("try { await tools.docs.read('/etc/shadow'); } catch {} return 0;", undefined, {
      executionId: "audit-2",
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: "SANDBOX_VIOLATION",
        data: expect.objectContaining({ executionId: "audit-2", kind: "tool_denied" }),
      }),
    ]);
  });

  it("R3 logs written before a crash are kept", async () => {
    const r = await sandbox.execute("console.log('before'); null.x;");
    fails(r, "runtime");
    expect(r.logs).toEqual([{ level: "log", message: "before" }]);
  });

  it("R4 logs written before a timeout are kept", async () => {
    const r = await sandbox.execute("console.log('before'); for (;;) {}");
    fails(r, "instructions");
    expect(r.logs).toEqual([{ level: "log", message: "before" }]);
  });

  it("R5 dropped logs are flagged, never silently lost", async () => {
    const r = await small.execute("for (let i = 0; i < 10000; i++) console.log('x'.repeat(10)); return 1;");
    ok(r, 1);
    expect(r.logsTruncated).toBe(true);
  });

  it("R6 a program cannot erase its own logs", async () => {
    const r = await sandbox.execute(
      "console.log('kept'); console.log = () => {}; globalThis.console = null; return 1;",
    );
    ok(r, 1);
    expect(r.logs).toEqual([{ level: "log", message: "kept" }]);
  });
});

describe("Information disclosure", () => {
  const probes: Array<[string, string, unknown]> = [
    ["I1 process", "return typeof process;", "undefined"],
    ["I2 require", "return typeof require;", "undefined"],
    [
      "I3 module/exports/__filename",
      "return [typeof module, typeof exports, typeof __filename, typeof __dirname];",
      ["undefined", "undefined", "undefined", "undefined"],
    ],
    [
      "I4 Node/Deno/Bun globals",
      "return [typeof Buffer, typeof Deno, typeof Bun, typeof global, typeof setImmediate];",
      ["undefined", "undefined", "undefined", "undefined", "undefined"],
    ],
    [
      "I5 network and timers",
      "return [typeof fetch, typeof XMLHttpRequest, typeof WebSocket, typeof setTimeout, typeof setInterval];",
      ["undefined", "undefined", "undefined", "undefined", "undefined"],
    ],
    [
      "I6 QuickJS std/os modules are absent",
      "return [typeof std, typeof os, typeof scriptArgs, typeof print];",
      ["undefined", "undefined", "undefined", "undefined"],
    ],
    [
      "I7 Function constructor reached through a tool function is the guest's",
      "const F = tools.docs.echo.constructor; return F('return typeof process')();",
      "undefined",
    ],
    [
      "I8 constructor chains end in the guest realm",
      "return (() => {}).constructor.constructor('return typeof require')();",
      "undefined",
    ],
    ["I9 WebAssembly is not available", "return typeof WebAssembly;", "undefined"],
    ["I10 no high-resolution timer for side channels", "return typeof performance;", "undefined"],
  ];
  for (const [name, code, expected] of probes) {
    it(name, async () => ok(await sandbox.execute(code), expected));
  }

  it("I11 importing Node modules fails", async () => {
    for (const spec of ["fs", "node:fs", "node:child_process", "/etc/passwd", "../../package.json"]) {
      const r = await sandbox.execute(`return await import(${JSON.stringify(spec)});`);
      fails(r, "runtime", /Cannot find module/);
    }
  });

  it("I12 tool errors carry the message only: no host stack, no extra fields", async () => {
    const r = await sandbox.execute(
      "try { await tools.docs.read({}); } catch (e) { return { keys: Object.keys(e).sort(), stack: String(e.stack).includes('secretHostFunction'), message: e.message }; }",
    );
    ok(r, { keys: ["code", "name"], stack: false, message: "permission denied for /etc/shadow" });
  });

  it("I13 errors reported to the host contain the guest stack only", async () => {
    const r = await sandbox.execute("function inner() { throw new Error('x'); }\ninner();");
    fails(r, "runtime");
    expect(r.errors[0]?.stack).toMatch(/main\.ts:1/);
    expect(r.errors[0]?.stack).not.toMatch(/node:|node_modules|engine\.ts/);
  });

  it("I14 another execution's globals are not visible", async () => {
    await sandbox.execute("globalThis.secret = 'from-A'; return 1;");
    ok(await sandbox.execute("return typeof secret;"), "undefined");
  });

  it("I15 another execution's prototype changes are not visible", async () => {
    await sandbox.execute("Object.prototype.spy = 1; String.prototype.trim = () => 'hacked'; return 1;");
    ok(await sandbox.execute("return [({}).spy, ' a '.trim()];"), [null, "a"]);
  });

  it("I16 another session's files are not visible", async () => {
    const a = sandbox.createSession();
    const b = sandbox.createSession();
    await sandbox.execute("await fs.writeFile('private.txt', 'A'); return 1;", undefined, { session: a });
    ok(await sandbox.execute("return await fs.readdir('');", undefined, { session: b }), []);
  });

  it("I17 input of one execution is not visible to the next", async () => {
    await sandbox.execute("return input;", { token: "t-1" });
    ok(await sandbox.execute("return typeof input;"), "undefined");
  });

  it("I18 tools not in the list do not exist", async () => {
    ok(await sandbox.execute("return [typeof tools.admin, typeof tools.docs.delete, Object.keys(tools.docs)];"), [
      "undefined",
      "undefined",
      ["read", "echo"],
    ]);
  });
});

describe("Denial of service", () => {
  const cases: Array<[string, string, string]> = [
    ["D1 infinite loop", "for (;;) {}", "instructions"],
    ["D2 while(true) try/catch", "while (true) { try { throw 1; } catch (e) {} }", "instructions"],
    ["D3 catch and retry the interruption", "for (;;) { try { for (;;) {} } catch (e) {} }", "instructions"],
    ["D4 finally blocks cannot resume", "for (;;) { try { for (;;) {} } finally { continue; } }", "instructions"],
    ["D5 infinite recursion", "function f() { return f() + 1; } return f();", "stack"],
    [
      "D6 mutual recursion through getters",
      "const o = { get a() { return this.b; }, get b() { return this.a; } }; return o.a;",
      "stack",
    ],
    ["D7 memory: one huge array", "return new Array(5e6).fill(0).length;", "memory"],
    ["D8 memory: huge string", "return 'x'.repeat(2 ** 28).length;", "memory"],
    ["D9 memory: huge ArrayBuffer", "return new ArrayBuffer(2 ** 30).byteLength;", "memory"],
    ["D10 memory: string doubling", "let s = 'x'; for (;;) s += s;", "memory"],
    ["D11 regex backtracking", "return /^(a+)+$/.test('a'.repeat(32) + 'b');", "instructions"],
    ["D12 regex with nested quantifiers on a long input", "return /(x+x+)+y/.test('x'.repeat(5000));", "instructions"],
    [
      "D13 microtask flood",
      "const f = () => Promise.resolve().then(f); f(); await new Promise(() => {});",
      "instructions",
    ],
    [
      // A million queued reactions take far more than this sandbox's 16 MB: the memory check stops it first.
      "D14 promise fan-out",
      "for (let i = 0; i < 1e6; i++) Promise.resolve().then(() => {}); return 1;",
      "memory",
    ],
    ["D15 async recursion", "async function f() { await null; return f(); } return await f();", "instructions"],
    [
      "D16 generator that never ends",
      "function* g() { for (;;) yield 1; } let n = 0; for (const x of g()) n += x; return n;",
      "instructions",
    ],
    ["D17 output bomb: huge string", "return 'x'.repeat(1e6);", "output_too_large"],
    [
      "D18 output bomb: sparse array (serialising it runs out of heap)",
      "const a = []; a[5e6] = 1; return a;",
      "memory",
    ],
    [
      "D19 output bomb: nesting deep enough to hurt a host parser",
      "let a = []; for (let i = 0; i < 500; i++) a = [a]; return a;",
      "output_too_large",
    ],
    ["D20 output: cycle", "const a = {}; a.self = a; return a;", "runtime"],
    ["D21 output: throwing getter", "return { get a() { throw new Error('getter'); } };", "runtime"],
    ["D22 output: BigInt", "return 10n;", "runtime"],
    ["D23 output: toJSON that throws", "return { toJSON() { throw new Error('nope'); } };", "runtime"],
    ["D24 never-settling promise", "await new Promise(() => {});", "runtime"],
    [
      "D25 tool call flood",
      "const ps = []; for (let i = 0; i < 100; i++) ps.push(tools.docs.echo(i)); await Promise.all(ps);",
      "tool_limit",
    ],
    ["D26 huge tool arguments", "await tools.docs.echo('x'.repeat(2e6));", "runtime"],
    ["D27 deep tool arguments", "let a = []; for (let i = 0; i < 500; i++) a = [a]; await tools.docs.echo(a);", "tool"],
    ["D28 memory: property bag", "const o = {}; for (let i = 0; ; i++) o['k' + i] = i;", "memory"],
  ];
  for (const [name, code, kind] of cases) {
    it(name, async () => {
      const r = await small.execute(code);
      fails(r, kind);
      // The host survives and the next execution works.
      ok(await small.execute("return 1 + 1;"), 2);
    });
  }

  it("D29 nesting deep enough to overflow the host stack while serialising is stopped; the engine is replaced", async () => {
    const r = await sandbox.execute("let a = []; for (let i = 0; i < 100000; i++) a = [a]; return a;");
    fails(r, "stack");
    ok(await sandbox.execute("return [1, [2, [3]]];"), [1, [2, [3]]]);
  });

  it("D30 a builtin that ignores interrupts is stopped by the pool's deadline", async () => {
    const { createSandboxPool } = await import("../src/index.js");
    const pool = await createSandboxPool({ size: 1, timeoutMs: 200, graceMs: 50 });
    try {
      const r = await pool.execute("return new Array(1e8).join('x').length;");
      fails(r, "timeout", /terminated/);
      ok(await pool.execute("return 'next';"), "next");
    } finally {
      await pool.dispose();
    }
  }, 30_000);
});

describe("Elevation of privilege", () => {
  it("E1 calling a tool outside the allowed set is impossible", async () => {
    fails(
      await sandbox.execute("return await tools.admin.drop();"),
      "runtime",
      /undefined|not a function|cannot read/i,
    );
  });

  it("E2 the host's denial reaches the program as tool_denied and is reported", async () => {
    events.length = 0;
    fails(await sandbox.execute("return await tools.docs.read('/etc/shadow');"), "tool_denied", /permission denied/);
    expect(events.some((e) => e.type === "SANDBOX_VIOLATION")).toBe(true);
  });

  it("E3 eval and Function stay inside the sandbox", async () => {
    ok(await sandbox.execute("return [eval('typeof process'), Function('return typeof globalThis.require')()];"), [
      "undefined",
      "undefined",
    ]);
  });

  it("E4 module specifiers cannot climb out of skills", async () => {
    const session = sandbox.createSession();
    await session.workspace.writeFile("skills/a.ts", "export const a = 1;");
    for (const spec of ["../skills/a.ts", "./skills/../../x.ts", "../../../../etc/passwd"]) {
      const r = await sandbox.execute(`import { a } from ${JSON.stringify(spec)};\nexport default a;`, undefined, {
        session,
      });
      fails(r, "runtime", /Cannot find module/);
    }
  });

  it("E5 a skill cannot import a server that is not allowed", async () => {
    const session = sandbox.createSession();
    await session.workspace.writeFile("skills/evil.ts", "export { default } from 'servers/admin';");
    fails(
      await sandbox.execute("import x from './skills/evil.ts';\nexport default x;", undefined, { session }),
      "runtime",
      /admin/,
    );
  });

  it("E6 the interrupt cannot be disabled from inside", async () => {
    fails(
      await sandbox.execute("globalThis.InternalError = undefined; Error.prototype.name = 'x'; for (;;) {}"),
      "instructions",
    );
  });

  it("E7 redefining globals the prelude relies on has no effect on the host", async () => {
    const r = await sandbox.execute(
      "Object.defineProperty = null; JSON.parse = null; Map.prototype.get = null; return await tools.docs.echo(7);",
    );
    expect(r.errors.map((e) => e.kind)).toEqual([]);
    expect(r.output).toBe(7);
  });

  it("E8 workspace symlink-free: programs cannot create links or read host files", async () => {
    ok(
      await sandbox.execute("return [typeof fs.symlink, typeof fs.readFileSync, typeof fs.open];", undefined, {
        workspace: createMemoryWorkspace(),
      }),
      ["undefined", "undefined", "undefined"],
    );
  });
});
