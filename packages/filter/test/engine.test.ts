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
