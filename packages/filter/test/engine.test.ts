import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createFilterPipeline } from "../src/index.js";

const pipeline = createFilterPipeline();
const filter = (value: unknown) => pipeline.apply(value);

describe("strings inside strings", () => {
  it("filters a double-encoded MCP result and reports the path inside the JSON text", () => {
    const inner = { user: { email: "ada@example.com", token: "abc" }, ok: true };
    const result = filter({ content: [{ type: "text", text: JSON.stringify(JSON.stringify(inner)) }] });
    const text = (result.data as { content: Array<{ text: string }> }).content[0]?.text ?? "";
    expect(JSON.parse(JSON.parse(text))).toEqual({
      user: { email: "[REDACTED:EMAIL]", token: "[REDACTED:ACCESS_TOKEN]" },
      ok: true,
    });
    expect(result.findings.map((f) => [f.path, f.innerPath, f.type])).toEqual([
      ["$.content[0].text", "$ > $.user.email", "email"],
      ["$.content[0].text", "$ > $.user.token", "access_token"],
    ]);
  });

  it("keeps the indentation of pretty-printed JSON text", () => {
    const text = JSON.stringify({ password: "hunter2", a: 1 }, null, 2);
    expect(filter({ body: text }).data).toEqual({
      body: JSON.stringify({ password: "[REDACTED:PASSWORD]", a: 1 }, null, 2),
    });
  });

  it("finds secrets in env files, logs and URLs in prose", () => {
    const env = "# settings\nDB_PASSWORD=s3cr3t-Pa55\nSTRIPE_SECRET_KEY=sk_live_51Habcdefghijklmnopqrstuvwx\nPORT=8080";
    expect(filter(env).data).toBe(
      "# settings\nDB_PASSWORD=[REDACTED:PASSWORD]\nSTRIPE_SECRET_KEY=[REDACTED:STRIPE_SECRET_KEY]\nPORT=8080",
    );
    const log = "12:00:01 INFO login ok user=42 from 203.0.113.9 Authorization: Bearer Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA";
    expect(filter(log).data).toBe(
      "12:00:01 INFO login ok user=42 from [REDACTED:IPV4] Authorization: Bearer [REDACTED:BEARER_TOKEN]",
    );
    const prose = "Clone https://deploy:Xy7!pq9w@git.example.com/repo.git and mail bob@example.org.";
    expect(filter(prose).data).toBe(
      "Clone https://[REDACTED:URL_CREDENTIALS]@git.example.com/repo.git and mail [REDACTED:EMAIL].",
    );
  });
});

describe("structure", () => {
  it("names paths, treats arrays under sensitive names as that type, and spreads secret containers", () => {
    const result = filter({
      "x-api-key": "k1",
      emails: ["ada@example.com", "nobody"],
      credentials: { username: "svc", nested: { value: "v" } },
      address: { city: "Springfield" },
      list: [{ ssn: 123456789 }],
    });
    expect(result.data).toEqual({
      "x-api-key": "[REDACTED:API_KEY]",
      emails: ["[REDACTED:EMAIL]", "[REDACTED:EMAIL]"],
      credentials: { username: "[REDACTED:SECRET]", nested: { value: "[REDACTED:SECRET]" } },
      address: { city: "Springfield" },
      list: [{ ssn: "[REDACTED:US_SSN]" }],
    });
    expect(result.findings.map((f) => f.path)).toEqual([
      '$["x-api-key"]',
      "$.emails[0]",
      "$.emails[1]",
      "$.credentials.username",
      "$.credentials.nested.value",
      "$.list[0].ssn",
    ]);
  });

  it("filters keys, keeps distinct keys distinct, and never sets a prototype", () => {
    const input = JSON.parse('{"ada@example.com": 1, "bob@example.org": 2, "__proto__": {"polluted": true}}');
    const result = filter(input);
    const data = result.data as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(["[REDACTED:EMAIL]", "[REDACTED:EMAIL]#2", "__proto__"]);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.findings.filter((f) => f.inKey)).toHaveLength(2);
  });

  it("converts non-JSON values the way JSON.stringify does, and notes what it changed", () => {
    const result = filter({
      when: new Date(0),
      big: 12n,
      map: new Map([["a", 1]]),
      nan: Number.NaN,
      fn: () => 1,
      u: undefined,
    });
    expect(result.data).toEqual({ when: "1970-01-01T00:00:00.000Z", big: "12", map: { a: 1 }, nan: null });
    expect(result.notes.map((n) => n.kind).sort()).toEqual(["converted", "converted"]);
    expect(result.wasFiltered).toBe(true);
  });
});

describe("the walk's fast paths", () => {
  const encoder = new TextEncoder();
  const passthrough = createFilterPipeline({
    detectByFieldName: false,
    detectByValue: false,
    scanKeys: false,
    parseNestedJson: false,
    maxBytes: 1_000_000,
  });

  it("copies objects exactly as JSON would, whatever order, gaps and repeats their keys come in", () => {
    // Objects in one place usually share their keys; these vary the order, drop keys, add some and repeat names, so
    // the walk's per-place memory of keys is wrong as often as it is right.
    const key = fc.constantFrom("id", "name", "email", "tags", "__proto__", "0", "10", "x-y", "");
    const value = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(undefined), fc.constant(null));
    const record = fc.dictionary(key, fc.oneof(value, fc.array(value, { maxLength: 3 })), { maxKeys: 6 });
    const document = fc.array(
      fc.oneof(record, fc.record({ nested: record, list: fc.array(record, { maxLength: 3 }) })),
    );
    fc.assert(
      fc.property(document, (input) => {
        const text = JSON.stringify(input);
        const result = passthrough.apply(input);
        expect(JSON.stringify(result.data)).toBe(text);
        expect(result.data).toEqual(JSON.parse(text));
        expect(result.originalSizeBytes).toBe(encoder.encode(text).length);
        expect(result.filteredSizeBytes).toBe(encoder.encode(text).length);
      }),
      { numRuns: 500 },
    );
  });

  it("lists own keys only, also when Object.prototype has an enumerable property (added before or during the walk)", () => {
    const proto = Object.prototype as Record<string, unknown>;
    try {
      proto.injected = "ada@example.com";
      const before = filter({ a: { b: 1 }, password: "x" });
      expect(before.data).toEqual({ a: { b: 1 }, password: "[REDACTED:PASSWORD]" });
      expect(Object.keys(before.data as object)).toEqual(["a", "password"]);
      expect(before.findings).toHaveLength(1);
      delete proto.injected;
      const sneaky = {
        get first() {
          proto.injected = "ada@example.com";
          return 1;
        },
        later: { c: 2 },
      };
      const during = filter(sneaky);
      expect(JSON.stringify(during.data)).toBe('{"first":1,"later":{"c":2}}');
      expect(during.findings).toHaveLength(0);
    } finally {
      delete proto.injected;
    }
  });

  it("leaves out an entry whose toJSON() gives undefined, and counts sizes without it", () => {
    const result = filter({ a: 1, gone: { toJSON: () => undefined }, b: [{ toJSON: () => undefined }] });
    const text = JSON.stringify(result.data);
    expect(text).toBe('{"a":1,"b":[null]}');
    expect(result.filteredSizeBytes).toBe(encoder.encode(text).length);
  });
});
