import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createFilterPipeline, createResultCompressor, createTokenVault } from "../src/index.js";
import { buildCorpus } from "./fixtures/corpus.js";

const encoder = new TextEncoder();
const utf8 = (text: string) => encoder.encode(text).length;

/** Strings that hold sensitive values (from the corpus) between arbitrary text. */
const planted = buildCorpus().positives.map((p) => p.text);
const sensitiveText = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...planted), fc.string({ maxLength: 12 }))
  .map(([a, b, c]) => `${a}${b}${c}`);

/** JSON trees whose strings are arbitrary, sensitive, or placeholder-shaped. */
const jsonWithSecrets = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string(),
    sensitiveText,
    fc.constantFrom("[EMAIL_1]", "[PHONE_2] and [EMAIL_1]", "[REDACTED:EMAIL]", "[TEXT_1]", "[X_9]"),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  ),
  node: fc.oneof(
    { depthSize: "small" },
    tie("leaf"),
    fc.array(tie("node"), { maxLength: 5 }),
    fc.dictionary(
      fc.oneof(
        fc.string(),
        fc.constantFrom("email", "password", "apiKey", "ssn", "x-api-key", "card_number", "a@b.io"),
      ),
      tie("node"),
      { maxKeys: 5 },
    ),
  ),
})).node;

const anything = fc.anything({
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withBigInt: true,
  withDate: true,
  withNullPrototype: true,
  withObjectString: true,
  withBoxedValues: true,
  withSparseArray: true,
  maxDepth: 4,
});

function snapshot(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return undefined;
  }
}

describe("pipeline properties", () => {
  const pipeline = createFilterPipeline({ vault: createTokenVault(), maxBytes: 1_000_000 });

  it("never throws, never mutates its input, and returns plain JSON with its exact size", () => {
    fc.assert(
      fc.property(fc.oneof(anything, jsonWithSecrets), (value) => {
        const before = snapshot(value);
        const result = pipeline.apply(value);
        if (before !== undefined) expect(value).toEqual(before);
        const text = JSON.stringify(result.data);
        if (result.data === undefined) {
          expect(result.filteredSizeBytes).toBe(0);
        } else {
          expect(result.filteredSizeBytes).toBe(utf8(text));
          expect(JSON.stringify(JSON.parse(text))).toBe(text);
        }
        for (const finding of result.findings) expect(finding.path.startsWith("$")).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("keeps output within maxBytes, exactly measured", () => {
    fc.assert(
      fc.property(jsonWithSecrets, fc.integer({ min: 64, max: 4000 }), (value, maxBytes) => {
        const result = createFilterPipeline({ maxBytes }).apply(value);
        const bytes = utf8(JSON.stringify(result.data));
        expect(result.filteredSizeBytes).toBe(bytes);
        expect(bytes).toBeLessThanOrEqual(maxBytes);
        expect(result.truncated).toBe(result.notes.some((n) => n.kind === "truncated"));
      }),
      { numRuns: 300 },
    );
  });

  it("survives cycles, shared references, 10,000-deep nesting, throwing getters, proxies and 50 MB strings", () => {
    const cyclic: Record<string, unknown> = { name: "root", email: "ada@example.com" };
    cyclic.self = cyclic;
    cyclic.list = [cyclic, { back: cyclic }];
    let deepArray: unknown = "bottom";
    let deepObject: unknown = { password: "hunter2" };
    for (let i = 0; i < 10_000; i++) {
      deepArray = [deepArray];
      deepObject = { next: deepObject };
    }
    const getters = Object.defineProperty({ ok: 1 }, "boom", {
      enumerable: true,
      get() {
        throw new Error("getter failed");
      },
    });
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("no keys");
        },
      },
    );
    const huge = `${"x".repeat(25_000_000)} ada@example.com ${"y".repeat(25_000_000)}`;
    const inputs: unknown[] = [
      cyclic,
      deepArray,
      deepObject,
      getters,
      revoked,
      hostile,
      huge,
      new Uint8Array(1_000_000),
      new Map<unknown, unknown>([
        [{ k: 1 }, "v"],
        ["email", "bob@example.org"],
      ]),
      new Set([1, "two", { three: 3 }]),
      [undefined, () => 1, Symbol("s"), 10n, Number.NaN, -0, new Date(Number.NaN)],
      Object.create(null),
    ];
    for (const input of inputs) {
      const result = pipeline.apply(input);
      expect(typeof result.filteredSizeBytes).toBe("number");
      expect(result.filteredSizeBytes).toBeLessThanOrEqual(1_000_000);
      expect(() => JSON.stringify(result.data)).not.toThrow();
    }
    const cycleResult = pipeline.apply(cyclic);
    expect(JSON.stringify(cycleResult.data)).toContain("[circular reference]");
    expect(cycleResult.notes.some((n) => n.kind === "circular")).toBe(true);
    expect(pipeline.apply(deepArray).notes.some((n) => n.kind === "max_depth")).toBe(true);
    expect(JSON.stringify(pipeline.apply(getters).data)).toContain("[unreadable: Error]");
    const hugeResult = pipeline.apply(huge);
    expect(hugeResult.truncated).toBe(true);
    expect(hugeResult.originalSizeBytes).toBe(huge.length + 2);
  }, 120_000);
});

describe("vault properties", () => {
  it("detokenize(tokenize(x)) equals x for any JSON, also with secrets and placeholder-shaped text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), jsonWithSecrets), (value) => {
        const vault = createTokenVault();
        const before = structuredClone(value);
        const tokenized = vault.tokenize(value);
        expect(value).toEqual(before);
        expect(vault.detokenize(tokenized)).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it("with a shared vault: tokens it issued stay tokens, everything else round-trips, tokenizing twice changes nothing", () => {
    // detokenize(tokenize(x)) = detokenize(x) as of before the call: a placeholder this vault issued earlier is the
    // token it is (program output that carries it reaches the model unchanged); any other text comes back as is.
    const vault = createTokenVault();
    fc.assert(
      fc.property(jsonWithSecrets, (value) => {
        const expected = vault.detokenize(value); // with the tokens issued so far
        const once = vault.tokenize(value);
        expect(vault.detokenize(once)).toEqual(expected);
        expect(vault.tokenize(once)).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });

  it("leaves no planted value visible after tokenize", () => {
    const vault = createTokenVault();
    fc.assert(
      fc.property(fc.constantFrom(...buildCorpus().positives), (sample) => {
        const text = JSON.stringify(vault.tokenize({ text: sample.text }));
        expect(text.includes(sample.value)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe("compression properties", () => {
  it("decompress(compress(x)) equals x as JSON", () => {
    const compressor = createResultCompressor();
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(compressor.decompress(compressor.compress(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });
});
