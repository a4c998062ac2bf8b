import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSandboxError } from "../src/index.js";
import { executeValidator, sandboxValidator } from "../src/options.js";
import { poolValidator } from "../src/pool.js";
import { UNSURE, type Validator } from "../src/validate.js";
import { directoryValidator, memoryValidator } from "../src/workspace.js";

// Values a host might pass for any option: valid ones of every kind, near misses, and junk.
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -5, max: 70_000 }),
  fc.constantFrom(0, -0, 1, 15, 16, 64, 100, 4096, 4097, 60_000, 60_001, 3_600_000, 3_600_001, 2 ** 40, 2 ** 40 + 1),
  fc.constantFrom(0.5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, -1e-9),
  fc.double(),
  fc.string({ maxLength: 4 }),
  fc.constantFrom("auto", "typescript", "javascript", "", "x".repeat(201), "TS"),
  fc.boolean(),
  fc.constant(() => "id"),
  fc.constant({ now: () => 1 }),
  fc.constant({ apply: (v: unknown) => v }),
  fc.constant({ list: () => [], call: async () => 1 }),
  fc.constant({ srv: { tool: async () => 1 } }),
  fc.constant({ srv: { tool: 1 } }),
  fc.constant({ id: "s", workspace: {}, state: {} }),
  fc.constant({ readFile: async () => undefined }),
  fc.constant(new AbortController().signal),
  fc.dictionary(
    fc.constantFrom("a", "b_1", "$x", "bad key", "1x", "__proto__", "files"),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  fc.dictionary(
    fc.constantFrom("a.txt", "skills/x.ts", "__proto__"),
    fc.oneof(fc.string({ maxLength: 3 }), fc.integer()),
  ),
  fc.constant(new Date(0)),
  fc.constant([1, 2]),
);

function optionsFor(keys: readonly string[], typical?: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  const dictionary = fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: 6 });
  // Options with a required key (a directory workspace's root) need help to be valid often enough.
  const known =
    typical === undefined
      ? dictionary
      : fc.oneof(
          dictionary,
          fc.tuple(typical, dictionary).map(([t, d]) => ({ ...d, ...t })),
        );
  return fc.oneof(
    { weight: 8, arbitrary: known },
    // Unknown keys, class instances, null prototypes and symbol keys must all end up at zod.
    { weight: 1, arbitrary: known.map((o) => ({ ...o, extra: 1 })) },
    { weight: 1, arbitrary: known.map((o) => Object.assign(Object.create(null) as object, o)) },
    { weight: 1, arbitrary: known.map((o) => ({ ...o, [Symbol("s")]: 1 })) },
    { weight: 1, arbitrary: anyValue },
  );
}

const validators: Array<[string, Validator<unknown>, readonly string[], fc.Arbitrary<Record<string, unknown>>?]> = [
  [
    "createWasmSandbox",
    sandboxValidator,
    [
      "timeoutMs",
      "maxMemoryMb",
      "maxStackKb",
      "maxInstructions",
      "maxOutputBytes",
      "maxLogBytes",
      "maxToolCalls",
      "maxToolPayloadBytes",
      "maxPromiseJobs",
      "maxDepth",
      "tools",
      "globals",
      "outputFilter",
      "onSecurityEvent",
      "language",
      "createExecutionId",
      "clock",
    ],
  ],
  ["execute", executeValidator, ["executionId", "session", "workspace", "sessionState", "timeoutMs", "signal"]],
  ["pool", poolValidator, ["size", "graceMs", "maxQueue"]],
  ["memory workspace", memoryValidator, ["maxBytes", "files"]],
  [
    "directory workspace",
    directoryValidator,
    ["root", "maxBytes"],
    fc.record({ root: fc.string({ minLength: 1, maxLength: 5 }) }),
  ],
];

describe("option validation: a fast path for valid options, zod for everything else", () => {
  for (const [name, validator, keys, typical] of validators) {
    it(`${name}: the fast path accepts only what zod accepts, with the same result`, () => {
      let fastHits = 0;
      fc.assert(
        fc.property(optionsFor(keys, typical), (input) => {
          const slow = validator.slow(input);
          const fast = validator.fast(input);
          if (fast !== UNSURE) {
            fastHits++;
            expect(slow.success).toBe(true);
            if (slow.success) expect(fast).toStrictEqual(slow.data);
          }
          // parse = fast ?? zod: it throws exactly when zod rejects.
          let threw: unknown;
          try {
            validator.parse(input);
          } catch (error) {
            threw = error;
          }
          expect(threw === undefined).toBe(slow.success);
          if (threw !== undefined) {
            expect(isSandboxError(threw) && threw.code === "INVALID_OPTIONS").toBe(true);
            if (!slow.success) expect((threw as Error).message).toContain(slow.message);
          }
        }),
        { numRuns: 1500 },
      );
      // The generator must exercise the fast path, or the property above says nothing.
      expect(fastHits).toBeGreaterThan(10);
    });
  }

  it("takes the fast path for typical options and fills the documented defaults", () => {
    const tools = { srv: { tool: async () => 1 } };
    const resolved = sandboxValidator.fast({ timeoutMs: 1000, tools, globals: { region: "eu" } });
    expect(resolved).toStrictEqual({
      timeoutMs: 1000,
      maxMemoryMb: 64,
      maxStackKb: 256,
      maxInstructions: 10_000_000,
      maxOutputBytes: 1024 * 1024,
      maxLogBytes: 65_536,
      maxToolCalls: 100,
      maxToolPayloadBytes: 1024 * 1024,
      maxPromiseJobs: 1_000_000,
      maxDepth: 100,
      tools,
      globals: { region: "eu" },
      language: "auto",
    });
    expect(sandboxValidator.fast({})).not.toBe(UNSURE);
    expect(executeValidator.fast({ executionId: "a", signal: AbortSignal.timeout(1000) })).not.toBe(UNSURE);
    expect(poolValidator.fast({ size: 2, graceMs: undefined, maxQueue: undefined })).toStrictEqual({
      size: 2,
      graceMs: 50,
      maxQueue: 1000,
    });
  });

  it("copies records like zod does, so later changes to the caller's object do not leak in", () => {
    const globals = { a: 1 };
    const resolved = sandboxValidator.parse({ globals }) as { globals: Record<string, unknown> };
    globals.a = 2;
    expect(resolved.globals).toStrictEqual({ a: 1 });
  });

  it("keeps zod's messages for bad options", () => {
    expect(() => sandboxValidator.parse({ timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => sandboxValidator.parse({ globals: { "bad key": 1 } })).toThrow(/globals\["bad key"\]/);
    expect(() => sandboxValidator.parse({ nope: 1 })).toThrow(/nope/);
    expect(() => poolValidator.parse({ size: 0 })).toThrow(/size/);
  });

  it("does not load zod to create a sandbox and run a program with valid options (fresh process)", () => {
    const here = fileURLToPath(new URL(".", import.meta.url));
    const script = `
      import { createRequire } from "node:module";
      import { createWasmSandbox } from "../src/index.ts";
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => /[\\\\/]zod[\\\\/]/.test(k));
      const sandbox = await createWasmSandbox({ timeoutMs: 1000, tools: { s: { t: async () => 1 } } });
      const r = await sandbox.execute("return await tools.s.t()", undefined, { executionId: "x", timeoutMs: 500 });
      const before = loaded();
      const error = await createWasmSandbox({ timeoutMs: -1 }).catch((e) => e);
      console.log(JSON.stringify({ output: r.output, before, after: loaded(), message: error.message }));
    `;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: here,
      encoding: "utf8",
    });
    const report = JSON.parse(out.trim().split("\n").pop() as string) as {
      output: unknown;
      before: boolean;
      after: boolean;
      message: string;
    };
    expect(report).toMatchObject({ output: 1, before: false, after: true });
    expect(report.message).toMatch(/Invalid createWasmSandbox options: .*timeoutMs/s);
  }, 60_000);
});
