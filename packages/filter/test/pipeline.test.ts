import { describe, expect, it } from "vitest";
import { createFilterPipeline, createTokenVault, type DataFilter, isFilterError } from "../src/index.js";

describe("createFilterPipeline", () => {
  it("redacts secrets and, with a vault, tokenizes personal data; findings name path, type and action", () => {
    const vault = createTokenVault();
    const pipeline = createFilterPipeline({ vault });
    const result = pipeline.apply({
      user: { name: "Ada", email: "ada@example.com", password: "hunter2" },
      log: "GET /x?api_key=abcd1234efgh5678 from 203.0.113.9",
    });
    expect(result.data).toEqual({
      user: { name: "Ada", email: "[EMAIL_1]", password: "[REDACTED:PASSWORD]" },
      log: "GET /x?api_key=[REDACTED:API_KEY] from [IPV4_1]",
    });
    expect(result.wasFiltered).toBe(true);
    expect(result.findings.map((f) => [f.path, f.type, f.action])).toEqual([
      ["$.user.email", "email", "tokenize"],
      ["$.user.password", "password", "redact"],
      ["$.log", "api_key", "redact"],
      ["$.log", "ipv4", "tokenize"],
    ]);
    expect(result.filteredSizeBytes).toBe(new TextEncoder().encode(JSON.stringify(result.data)).length);
  });

  it("reports exact sizes and nothing filtered for clean data", () => {
    const pipeline = createFilterPipeline();
    const input = { a: [1, 2.5, -3], b: 'héllo "world"\n', c: null, d: true };
    const result = pipeline.apply(input);
    expect(result.wasFiltered).toBe(false);
    expect(result.data).toEqual(input);
    expect(result.data).not.toBe(input);
    const bytes = new TextEncoder().encode(JSON.stringify(input)).length;
    expect(result.originalSizeBytes).toBe(bytes);
    expect(result.filteredSizeBytes).toBe(bytes);
  });

  it("runs custom filters between detection and the size cap, and withholds output when one throws", () => {
    const pipeline = createFilterPipeline();
    const upper: DataFilter = {
      name: "upper",
      apply: (value) => (typeof value === "string" ? value.toUpperCase() : value),
    };
    pipeline.addFilter(upper);
    expect(pipeline.getFilters().map((f) => f.name)).toEqual(["sensitive-data", "upper", "size-limit"]);
    expect(pipeline.apply("token bucket").data).toBe("TOKEN BUCKET");
    pipeline.addFilter({
      name: "broken",
      apply: () => {
        throw new Error("boom");
      },
    });
    const result = pipeline.apply("anything");
    expect(result.data).toBe('[withheld: filter "broken" failed]');
    expect(result.notes.some((n) => n.kind === "filter_failed")).toBe(true);
    expect(pipeline.removeFilter("broken")).toBe(true);
    expect(pipeline.removeFilter("broken")).toBe(false);
    expect(() => pipeline.addFilter(upper)).toThrowError(/already in the pipeline/);
    expect(() => pipeline.addFilter({ name: "x", apply: (v) => v }, { before: "nope" })).toThrowError(/No stage named/);
  });

  it("caps output at maxBytes with honest markers", () => {
    const pipeline = createFilterPipeline({ maxBytes: 300 });
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: i, label: `row ${i}` }));
    const result = pipeline.apply({ total: 1000, rows });
    expect(result.truncated).toBe(true);
    expect(result.filteredSizeBytes).toBeLessThanOrEqual(300);
    expect(result.filteredSizeBytes).toBe(new TextEncoder().encode(JSON.stringify(result.data)).length);
    const data = result.data as { total: number; rows: unknown[] };
    expect(data.total).toBe(1000);
    expect(data.rows[0]).toEqual({ id: 0, label: "row 0" });
    expect(String(data.rows.at(-1))).toMatch(/^\[truncated: [\d,]+ more items, [\d,]+ bytes\]$/);
  });

  it("requires a vault for tokenize, and throws DISPOSED after dispose", () => {
    let caught: unknown;
    try {
      createFilterPipeline({ actions: { email: "tokenize" } });
    } catch (error) {
      caught = error;
    }
    expect(isFilterError(caught) && caught.code === "INVALID_OPTIONS").toBe(true);
    const pipeline = createFilterPipeline();
    pipeline.dispose();
    pipeline.dispose();
    expect(() => pipeline.apply({})).toThrowError(/after dispose/);
  });
});
