import { gzipSync, strToU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { createResultCompressor, isFilterError } from "../src/index.js";

const utf8 = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

describe("createResultCompressor", () => {
  it("round-trips through gzip, converting to plain JSON first", () => {
    const compressor = createResultCompressor({ level: 9 });
    const value = { text: "x".repeat(10_000), when: new Date(0), set: new Set([1, 2]) };
    const packed = compressor.compress(value);
    expect(packed.length).toBeLessThan(200);
    expect(compressor.decompress(packed)).toEqual({
      text: "x".repeat(10_000),
      when: "1970-01-01T00:00:00.000Z",
      set: [1, 2],
    });
  });

  it("rejects bytes that are not its gzip, and zip bombs", () => {
    const compressor = createResultCompressor({ maxDecompressedBytes: 1_000 });
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return isFilterError(error) ? error.code : "other";
      }
      return "none";
    };
    expect(codeOf(() => compressor.decompress(new Uint8Array([1, 2, 3])))).toBe("INVALID_INPUT");
    expect(codeOf(() => compressor.decompress(gzipSync(strToU8("not json"))))).toBe("INVALID_INPUT");
    expect(codeOf(() => compressor.decompress(gzipSync(strToU8(JSON.stringify("a".repeat(100_000))))))).toBe(
      "INVALID_INPUT",
    );
    expect(codeOf(() => compressor.decompress("nope" as unknown as Uint8Array))).toBe("INVALID_INPUT");
  });

  it("truncates honestly: first items plus a count, string prefixes plus the characters cut", () => {
    const compressor = createResultCompressor({ maxBytes: 400 });
    const rows = Array.from({ length: 1_000 }, (_, i) => ({ id: i }));
    const result = compressor.truncate({ total: 1_000, rows, blob: "y".repeat(5_000) });
    expect(result.truncated).toBe(true);
    expect(result.sizeBytes).toBe(utf8(result.data));
    expect(result.sizeBytes).toBeLessThanOrEqual(400);
    const data = result.data as { total: number; rows: unknown[]; blob: string };
    expect(data.total).toBe(1_000);
    expect(data.rows[0]).toEqual({ id: 0 });
    const tail = String(data.rows.at(-1));
    const kept = data.rows.length - 1;
    expect(tail).toBe(
      `[truncated: ${(1_000 - kept).toLocaleString("en-US")} more items, ${tail.match(/([\d,]+) bytes/)?.[1]} bytes]`,
    );
    expect(data.blob).toMatch(/^y+…\[truncated: [\d,]+ more characters\]$/);
    expect(result.notes.some((n) => n.path === "$.rows" && n.detail.startsWith(`kept ${kept} of 1,000 items`))).toBe(
      true,
    );
  });

  it("leaves data within the budget alone", () => {
    const result = createResultCompressor({ maxBytes: 64 }).truncate({ a: 1 });
    expect(result).toEqual({ data: { a: 1 }, sizeBytes: 7, truncated: false, notes: [] });
  });
});
