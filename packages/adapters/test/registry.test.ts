import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
  createToolRegistry,
  defineAdapter,
  isToolError,
  mcpAdapter,
  type SecurityEvent,
  type ToolAdapter,
  type ToolCallRecord,
  type ToolError,
  type ToolHost,
  type ToolRegistry,
} from "../src/index.js";
import { type RunningServer, startServer } from "./helpers/servers.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

async function rejection(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    if (isToolError(error)) return error;
    throw new Error(`expected a ToolError, got ${String(error)}`);
  }
  throw new Error("expected a rejection");
}

/** An adapter with the given operation names; each echoes its arguments. */
function adapterOf(name: string, ops: string[], extra: { destructive?: string[]; cost?: number } = {}): ToolAdapter {
  const operations = Object.fromEntries(
    ops.map((op) => [
      op,
      {
        description: `${op} of ${name}.`,
        parameters: z.object({ n: z.number().optional() }),
        destructive: extra.destructive?.includes(op) ?? false,
        cost: extra.cost ?? 1,
        execute: (args: { n?: number | undefined }) => ({ op, ...args }),
      },
    ]),
  );
  return defineAdapter({ name, operations });
}

/** A clock that advances 1 ms per reading, so durations are exact. */
function steppingClock(start = 1_000): { now(): number } {
  let t = start;
  return { now: () => t++ };
}

const ctx = (executionId = "run-1") => ({ executionId });

describe("policy: deny by default, allow patterns, default deny patterns, destructive tools", () => {
  it("denies everything when nothing is allowed, with a low-severity security event", async () => {
    const events: SecurityEvent[] = [];
    const registry = createToolRegistry({
      adapters: [adapterOf("notes", ["read", "write"])],
      onSecurityEvent: (event) => events.push(event),
      clock: { now: () => 42 },
    });
    expect(registry.list()).toEqual([]);
    expect(registry.manifest()).toBe("");
    const error = await rejection(
      registry.call("notes/read", {}, { executionId: "e1", userId: "u7", sessionId: "s3" }),
    );
    expect(error.code).toBe("TOOL_DENIED");
    expect(events).toEqual([
      {
        type: "TOOL_DENIED",
        source: "@athena/adapters",
        severity: "low",
        timestamp: 42,
        userId: "u7",
        sessionId: "s3",
        data: { tool: "notes/read", executionId: "e1", reason: "not_allowed" },
      },
    ]);
  });

  it("allows by glob: * within a segment, ** across, alternatives", async () => {
    const registry = createToolRegistry({
      policy: { allow: ["notes/read*", "files/(list|stat)"] },
      adapters: [adapterOf("notes", ["read", "read_all", "write"]), adapterOf("files", ["list", "stat", "remove"])],
    });
    expect(registry.list().map((tool) => tool.id)).toEqual([
      "notes/read",
      "notes/read_all",
      "files/list",
      "files/stat",
    ]);
    expect(await registry.call("notes/read_all", { n: 1 }, ctx())).toEqual({ op: "read_all", n: 1 });
    expect((await rejection(registry.call("notes/write", {}, ctx()))).code).toBe("TOOL_DENIED");
    const everything = createToolRegistry({ policy: { allow: ["**"] }, adapters: [adapterOf("notes", ["read"])] });
    expect(everything.list()).toHaveLength(1);
  });

  it("lets the default deny patterns win over any allow, case-insensitively, with high severity", async () => {
    const events: SecurityEvent[] = [];
    const registry = createToolRegistry({
      policy: { allow: ["**", "admin/users", "database/drop"] },
      onSecurityEvent: (event) => events.push(event),
      adapters: [
        adapterOf("admin", ["users"]),
        adapterOf("config", ["get"]),
        adapterOf("database", ["query", "truncate", "drop", "reset", "DROP"]),
        adapterOf("system", ["status", "shutdown", "restart", "reset_database"]),
        adapterOf("security", ["audit"]),
      ],
    });
    expect(registry.list().map((tool) => tool.id)).toEqual(["database/query", "system/status"]);
    for (const id of [
      "admin/users",
      "config/get",
      "database/drop",
      "database/DROP",
      "system/reset_database",
      "security/audit",
    ]) {
      expect((await rejection(registry.call(id, {}, ctx()))).code, id).toBe("TOOL_DENIED");
    }
    expect(events).toHaveLength(6);
    expect(events.every((event) => event.severity === "high" && event.data?.reason === "deny_pattern")).toBe(true);
    expect(events[2]?.data?.pattern).toBe("database/(truncate|drop|reset)");
    // Extra deny patterns add to the defaults.
    const stricter = createToolRegistry({
      policy: { allow: ["database/*"], deny: ["database/query"] },
      adapters: [adapterOf("database", ["query"])],
    });
    expect((await rejection(stricter.call("database/query", {}, ctx()))).message).toContain('"database/query"');
  });

  it("does not reveal whether a denied tool exists; unknown allowed ids are TOOL_NOT_FOUND", async () => {
    const registry = createToolRegistry({ policy: { allow: ["notes/*"] }, adapters: [adapterOf("notes", ["read"])] });
    const hidden = await rejection(registry.call("files/exists_or_not", {}, ctx()));
    expect(hidden.code).toBe("TOOL_DENIED");
    const missing = await rejection(registry.call("notes/raed", {}, ctx()));
    expect(missing.code).toBe("TOOL_NOT_FOUND");
    expect(() => registry.signature("files/exists_or_not")).toThrow(/no allowed tool/);
  });

  it("needs an explicit allow for destructive tools", async () => {
    const events: SecurityEvent[] = [];
    const adapter = adapterOf("notes", ["read", "purge"], { destructive: ["purge"] });
    const wildcard = createToolRegistry({
      policy: { allow: ["notes/*"] },
      adapters: [adapter],
      onSecurityEvent: (event) => events.push(event),
    });
    expect(wildcard.list().map((tool) => tool.id)).toEqual(["notes/read"]);
    const error = await rejection(wildcard.call("notes/purge", {}, ctx()));
    expect(error.code).toBe("TOOL_DENIED");
    expect(error.message).toContain("destructive");
    expect(events[0]).toMatchObject({
      severity: "medium",
      data: { reason: "destructive_needs_explicit_allow", pattern: "notes/*" },
    });
    const exact = createToolRegistry({ policy: { allow: ["notes/*", "notes/purge"] }, adapters: [adapter] });
    expect(await exact.call("notes/purge", {}, ctx())).toEqual({ op: "purge" });
    const byPattern = createToolRegistry({ policy: { allowDestructive: ["notes/*"] }, adapters: [adapter] });
    expect(byPattern.list().map((tool) => tool.id)).toEqual(["notes/read", "notes/purge"]);
  });

  it("rejects malformed patterns and options with INVALID_OPTIONS", () => {
    expect(() => createToolRegistry({ policy: { allow: ["notes/(a|b"] } })).toThrow(/bad policy pattern/);
    expect(() => createToolRegistry({ policy: { maxCallsPerExecution: -1 } })).toThrow(/maxCallsPerExecution/);
    expect(() => createToolRegistry({ privacy: {} as never })).toThrow(/privacy must be an object with tokenize\(\)/);
    expect(() => createToolRegistry({ timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});

describe("policy against the real memory server's annotations", () => {
  let memory: RunningServer;
  let adapter: ToolAdapter;
  beforeAll(async () => {
    memory = await startServer("memory");
    adapter = await mcpAdapter("memory", memory.client);
  });
  afterAll(async () => {
    await memory?.close();
  });

  it("hides destructiveHint tools under a wildcard and allows them by exact id", async () => {
    const wildcard = createToolRegistry({ policy: { allow: ["memory/*"] }, adapters: [adapter] });
    const ids = wildcard.list().map((tool) => tool.id);
    expect(ids).toContain("memory/create_entities");
    expect(ids).not.toContain("memory/delete_entities");
    expect(ids).not.toContain("memory/delete_relations");
    expect((await rejection(wildcard.call("memory/delete_entities", { entityNames: ["x"] }, ctx()))).code).toBe(
      "TOOL_DENIED",
    );
    const explicit = createToolRegistry({
      policy: { allow: ["memory/*", "memory/delete_entities"] },
      adapters: [adapter],
    });
    await explicit.call(
      "memory/create_entities",
      { entities: [{ name: "Tmp", entityType: "t", observations: [] }] },
      ctx(),
    );
    expect(await explicit.call("memory/delete_entities", { entityNames: ["Tmp"] }, ctx())).toEqual({
      success: true,
      message: "Entities deleted successfully",
    });
  });
});

describe("budgets per execution", () => {
  it("limits calls per executionId and emits an event when exceeded", async () => {
    const events: SecurityEvent[] = [];
    const registry = createToolRegistry({
      policy: { allow: ["notes/*"], maxCallsPerExecution: 3 },
      adapters: [adapterOf("notes", ["read"])],
      onSecurityEvent: (event) => events.push(event),
    });
    for (let i = 0; i < 3; i++) await registry.call("notes/read", {}, ctx("a"));
    const error = await rejection(registry.call("notes/read", {}, ctx("a")));
    expect(error.code).toBe("BUDGET_EXCEEDED");
    expect(error.message).toContain("3 tool calls");
    expect(events).toEqual([
      expect.objectContaining({
        type: "TOOL_BUDGET_EXCEEDED",
        severity: "medium",
        data: { tool: "notes/read", executionId: "a", reason: "calls", calls: 3, cost: 3, limit: 3 },
      }),
    ]);
    expect(await registry.call("notes/read", {}, ctx("b"))).toEqual({ op: "read" });
    expect(registry.usage("a")).toEqual({ calls: 3, cost: 3 });
    registry.endExecution("a");
    expect(registry.usage("a")).toEqual({ calls: 0, cost: 0 });
    expect(await registry.call("notes/read", {}, ctx("a"))).toEqual({ op: "read" });
  });

  it("limits cost per execution, counting concurrent calls before they run", async () => {
    const registry = createToolRegistry({
      policy: { allow: ["paid/*"], maxCostPerExecution: 10 },
      adapters: [adapterOf("paid", ["query"], { cost: 4 })],
    });
    const results = await Promise.allSettled([1, 2, 3].map(() => registry.call("paid/query", {}, ctx("c"))));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected"]);
    const reason = (results[2] as PromiseRejectedResult).reason as ToolError;
    expect(reason.code).toBe("BUDGET_EXCEEDED");
    expect(reason.message).toContain("cost budget of 10 (used 8)");
    expect(registry.usage("c")).toEqual({ calls: 2, cost: 8 });
  });

  it("forgets the oldest execution beyond maxTrackedExecutions", async () => {
    const registry = createToolRegistry({
      policy: { allow: ["notes/*"] },
      adapters: [adapterOf("notes", ["read"])],
      maxTrackedExecutions: 2,
    });
    for (const id of ["x", "y", "z"]) await registry.call("notes/read", {}, ctx(id));
    expect([registry.usage("x").calls, registry.usage("y").calls, registry.usage("z").calls]).toEqual([0, 1, 1]);
  });
});

describe("audit records", () => {
  it("writes one record per call with tool, argument bytes, duration and outcome", async () => {
    const records: ToolCallRecord[] = [];
    const registry = createToolRegistry({
      policy: { allow: ["notes/*", "math/*"] },
      adapters: [
        adapterOf("notes", ["read"]),
        defineAdapter({
          name: "math",
          operations: {
            fail: {
              description: "Fails.",
              parameters: z.object({}),
              execute: () => {
                throw new Error("nope");
              },
            },
          },
        }),
      ],
      clock: steppingClock(),
      onCall: (record) => records.push(record),
    });
    await registry.call("notes/read", { n: 12 }, ctx());
    await rejection(registry.call("notes/read", { n: "x" }, ctx()));
    await rejection(registry.call("math/fail", {}, ctx()));
    await rejection(registry.call("secret/thing", { é: "ü" }, ctx()));
    await rejection(registry.call("notes/none", {}, ctx()));
    expect(records).toEqual([
      {
        tool: "notes/read",
        executionId: "run-1",
        outcome: "ok",
        argumentBytes: 8,
        startedAt: 1000,
        durationMs: 1,
        cost: 1,
        filtered: false,
      },
      {
        tool: "notes/read",
        executionId: "run-1",
        outcome: "error",
        code: "INVALID_PARAMETERS",
        argumentBytes: 9,
        startedAt: 1002,
        durationMs: 1,
        cost: 0,
        filtered: false,
      },
      {
        tool: "math/fail",
        executionId: "run-1",
        outcome: "error",
        code: "TOOL_FAILED",
        argumentBytes: 2,
        startedAt: 1004,
        durationMs: 1,
        cost: 1,
        filtered: false,
      },
      {
        tool: "secret/thing",
        executionId: "run-1",
        outcome: "error",
        code: "TOOL_DENIED",
        argumentBytes: 11,
        startedAt: 1006,
        durationMs: 1,
        cost: 0,
        filtered: false,
      },
      {
        tool: "notes/none",
        executionId: "run-1",
        outcome: "error",
        code: "TOOL_NOT_FOUND",
        argumentBytes: 2,
        startedAt: 1008,
        durationMs: 1,
        cost: 0,
        filtered: false,
      },
    ]);
  });

  it("ignores throwing callbacks and sinks", async () => {
    const registry = createToolRegistry({
      policy: { allow: ["notes/*"] },
      adapters: [adapterOf("notes", ["read"])],
      onCall: () => {
        throw new Error("audit down");
      },
      onSecurityEvent: () => {
        throw new Error("sink down");
      },
    });
    expect(await registry.call("notes/read", {}, ctx())).toEqual({ op: "read" });
    expect((await rejection(registry.call("other/x", {}, ctx()))).code).toBe("TOOL_DENIED");
  });
});

describe("the registry as a ToolHost", () => {
  it("lists ToolInfo, passes the signal, applies sync and async output filters", async () => {
    let seenSignal: AbortSignal | undefined;
    const adapter = defineAdapter({
      name: "kv",
      operations: {
        get: {
          description: "Get a value. Returns null when missing.",
          parameters: z.object({ key: z.string() }),
          execute: ({ key }, { signal }) => {
            seenSignal = signal;
            return { key, secret: "hunter2" };
          },
        },
      },
    });
    const filtered = { count: 0 };
    const host: ToolHost = createToolRegistry({
      policy: { allow: ["kv/*"] },
      adapters: [adapter],
      outputFilter: {
        apply: (value) => {
          filtered.count++;
          return {
            data: { ...(value as object), secret: "[REDACTED]" },
            wasFiltered: true,
            originalSizeBytes: 1,
            filteredSizeBytes: 1,
            findings: [{ path: "secret", type: "password", action: "redact" }],
          };
        },
      },
    });
    expect(host.list()).toEqual([{ id: "kv/get", server: "kv", name: "get", description: "Get a value." }]);
    const controller = new AbortController();
    expect(await host.call("kv/get", { key: "a" }, { executionId: "e", signal: controller.signal })).toEqual({
      key: "a",
      secret: "[REDACTED]",
    });
    expect(seenSignal).toBeInstanceOf(AbortSignal);
    expect(filtered.count).toBe(1);
    const records: ToolCallRecord[] = [];
    const asyncFiltered = createToolRegistry({
      policy: { allow: ["kv/*"] },
      adapters: [adapter],
      onCall: (record) => records.push(record),
      outputFilter: {
        apply: async (value) => ({
          data: [value],
          wasFiltered: true,
          originalSizeBytes: 0,
          filteredSizeBytes: 0,
          findings: [],
        }),
      },
    });
    expect(await asyncFiltered.call("kv/get", { key: "b" }, ctx())).toEqual([{ key: "b", secret: "hunter2" }]);
    expect(records[0]?.filtered).toBe(true);
  });

  it("refuses an already aborted call, and keeps error codes from operations", async () => {
    const registry = createToolRegistry({
      policy: { allow: ["slow/*"] },
      timeoutMs: 60_000,
      adapters: [
        defineAdapter({
          name: "slow",
          operations: {
            wait: {
              description: "Waits forever.",
              parameters: z.object({}),
              execute: (_args, { signal }) =>
                new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason))),
            },
          },
        }),
      ],
    });
    const controller = new AbortController();
    controller.abort();
    expect(
      (await rejection(registry.call("slow/wait", {}, { executionId: "e", signal: controller.signal }))).code,
    ).toBe("ABORTED");
    const short = createToolRegistry({ policy: { allow: ["slow/*"] }, timeoutMs: 30, adapters: [] });
    short.register(
      defineAdapter({
        name: "slow",
        operations: { wait: { description: "Waits.", parameters: z.object({}), execute: () => new Promise(() => {}) } },
      }),
    );
    expect((await rejection(short.call("slow/wait", undefined, ctx()))).code).toBe("TIMEOUT");
  });

  it("registers, refuses duplicates, unregisters and disposes", async () => {
    const registry: ToolRegistry = createToolRegistry({ policy: { allow: ["notes/*"] } });
    registry.register(adapterOf("notes", ["read"]));
    expect(() => registry.register(adapterOf("notes", ["read"]))).toThrow(/already|registered/);
    expect(() =>
      registry.register({ name: "bad-name", category: "", version: "", description: "", operations: [] }),
    ).toThrow(/identifier/);
    expect(registry.list()).toHaveLength(1);
    expect(registry.unregister("notes")).toBe(true);
    expect(registry.unregister("notes")).toBe(false);
    expect(registry.list()).toHaveLength(0);
    registry.dispose();
    registry[Symbol.dispose]();
    expect(() => registry.list()).toThrow(/disposed/);
    expect(() => registry.usage("x")).toThrow(/disposed/);
    expect(() => registry.manifest()).toThrow(/disposed/);
    expect((await rejection(registry.call("notes/read", {}, ctx()))).code).toBe("DISPOSED");
  });
});
