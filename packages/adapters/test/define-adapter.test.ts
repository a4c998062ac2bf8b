import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { z } from "zod";
import { createToolRegistry, defineAdapter, isToolError, type ToolError } from "../src/index.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const context = { executionId: "run", timeoutMs: 5_000 };

async function rejection(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    if (isToolError(error)) return error;
    throw new Error(`expected a ToolError, got ${String(error)}`);
  }
  throw new Error("expected a rejection");
}

const episodic = defineAdapter({
  name: "episodic",
  category: "memory",
  version: "1.0.0",
  description: "episodes the agent remembers",
  operations: {
    recall: {
      description: "Recall episodes matching a query. Newest first.",
      parameters: z.object({
        query: z.string().min(1),
        limit: z.number().int().positive().default(5),
        filter: z.object({ tags: z.array(z.string()), since: z.number().optional() }).optional(),
      }),
      returns: z.array(z.object({ text: z.string(), score: z.number() })),
      tags: ["search"],
      examples: [{ description: "Recall Ada", args: { query: "Ada" } }],
      execute: ({ query, limit }) => {
        expectTypeOf(query).toEqualTypeOf<string>();
        expectTypeOf(limit).toEqualTypeOf<number>();
        return Array.from({ length: Math.min(limit, 2) }, (_, i) => ({ text: `${query} #${i}`, score: 1 - i / 10 }));
      },
    },
    forget: {
      description: "Forget an episode.",
      parameters: z.object({ id: z.string() }),
      destructive: true,
      cost: 4,
      execute: ({ id }) => ({ forgotten: id }),
    },
    broken: {
      description: "Returns the wrong shape.",
      parameters: z.object({}),
      returns: z.object({ ok: z.literal(true) }),
      execute: () => ({ ok: "yes" }),
    },
    throws: {
      description: "Throws a plain error.",
      parameters: z.object({}),
      execute: () => {
        throw new Error("database unreachable");
      },
    },
    hang: {
      description: "Never finishes unless aborted.",
      parameters: z.object({}),
      timeoutMs: 100,
      execute: (_args, { signal }) =>
        new Promise((_, reject) => signal?.addEventListener("abort", () => reject(new Error("stopped")))),
    },
  },
});

describe("defineAdapter", () => {
  it("builds operations with ids, flags and defaults", () => {
    expect(episodic.name).toBe("episodic");
    expect(episodic.category).toBe("memory");
    expect(episodic.operations.map((op) => op.id)).toEqual([
      "episodic/recall",
      "episodic/forget",
      "episodic/broken",
      "episodic/throws",
      "episodic/hang",
    ]);
    const [recall, forget] = episodic.operations;
    expect(recall).toMatchObject({
      mutating: false,
      destructive: false,
      cost: 1,
      tags: ["search"],
      taskRequired: false,
    });
    expect(forget).toMatchObject({ mutating: true, destructive: true, cost: 4 });
  });

  it("runs operations with parsed arguments and checks results against `returns`", async () => {
    const recall = episodic.operations[0];
    expect(await recall?.execute({ query: "Ada", limit: 1 }, context)).toEqual([{ text: "Ada #0", score: 1 }]);
    const broken = await rejection(episodic.operations[2]?.execute({}, context) ?? Promise.resolve());
    expect(broken.code).toBe("INVALID_RESULT");
    expect(broken.issues.map((issue) => issue.path)).toEqual(["ok"]);
  });

  it("wraps thrown errors as TOOL_FAILED and keeps the cause", async () => {
    const error = await rejection(episodic.operations[3]?.execute({}, context) ?? Promise.resolve());
    expect(error.code).toBe("TOOL_FAILED");
    expect(error.message).toContain("database unreachable");
    expect((error.cause as Error).message).toBe("database unreachable");
  });

  it("enforces the time limit and the caller's signal, aborting the operation's own signal", async () => {
    const hang = episodic.operations[4];
    if (hang === undefined) throw new Error("missing");
    expect((await rejection(hang.execute({}, { ...context, timeoutMs: 50 }))).code).toBe("TIMEOUT");
    const controller = new AbortController();
    const pending = hang.execute({}, { ...context, signal: controller.signal });
    controller.abort();
    expect((await rejection(pending)).code).toBe("ABORTED");
    expect((await rejection(hang.execute({}, { ...context, signal: controller.signal }))).code).toBe("ABORTED");
  });

  it("validates parameters before execution, naming each bad path", async () => {
    let ran = false;
    const adapter = defineAdapter({
      name: "probe",
      operations: {
        run: {
          description: "Run.",
          parameters: z.object({
            entities: z.array(z.object({ name: z.string(), observations: z.array(z.string()) })),
            "odd key": z.number(),
          }),
          execute: () => {
            ran = true;
            return null;
          },
        },
      },
    });
    const registry = createToolRegistry({ policy: { allow: ["probe/*"] }, adapters: [adapter] });
    const result = registry.validate("probe/run", { entities: [{ name: 1, observations: ["ok", 2] }] });
    expect(result.valid).toBe(false);
    expect(result.issues.map((issue) => issue.path)).toEqual([
      "entities[0].name",
      "entities[0].observations[1]",
      '["odd key"]',
    ]);
    expect(result.issues[0]?.segments).toEqual(["entities", 0, "name"]);
    const error = await rejection(
      registry.call("probe/run", { entities: [{ name: 1, observations: [] }], "odd key": 1 }, { executionId: "x" }),
    );
    expect(error.code).toBe("INVALID_PARAMETERS");
    expect(error.message).toContain("entities[0].name: Invalid input: expected string, received number");
    expect(error.issues).toHaveLength(1);
    expect(ran).toBe(false);
    const ok = registry.validate("probe/run", { entities: [], "odd key": 2 });
    expect(ok).toEqual({ valid: true, value: { entities: [], "odd key": 2 }, issues: [] });
  });

  it("rejects malformed definitions with INVALID_OPTIONS and a suggestion", () => {
    const attempt = (definition: unknown): ToolError => {
      try {
        defineAdapter(definition as Parameters<typeof defineAdapter>[0]);
      } catch (error) {
        if (isToolError(error)) return error;
      }
      throw new Error("expected INVALID_OPTIONS");
    };
    const badName = attempt({ name: "my-adapter", operations: {} });
    expect(badName.code).toBe("INVALID_OPTIONS");
    expect(badName.message).toContain('try "my_adapter"');
    expect(
      attempt({ name: "a", operations: { "do-it": { description: "x", parameters: z.object({}), execute: () => 1 } } })
        .message,
    ).toContain('try "do_it"');
    expect(
      attempt({ name: "a", operations: { x: { description: "x", parameters: {}, execute: () => 1 } } }).message,
    ).toContain("zod schema");
    expect(
      attempt({ name: "a", operations: { x: { description: "", parameters: z.object({}), execute: () => 1 } } })
        .message,
    ).toContain("describe what the operation does");
    expect(attempt({ name: "a", operations: { x: { description: "x", parameters: z.object({}) } } }).message).toContain(
      "must be a function",
    );
  });
});
