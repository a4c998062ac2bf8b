import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { mapCallToolResult } from "../src/index.js";
import { errorText } from "../src/mcp-result.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe("mapCallToolResult", () => {
  it("prefers structuredContent", () => {
    expect(mapCallToolResult({ content: [{ type: "text", text: "ignored" }], structuredContent: { a: 1 } })).toEqual({
      a: 1,
    });
  });

  it("parses JSON objects and arrays in text, keeps other text as is", () => {
    expect(mapCallToolResult({ content: [{ type: "text", text: ' {"a":[1]}' }] })).toEqual({ a: [1] });
    expect(mapCallToolResult({ content: [{ type: "text", text: "[1,2]" }] })).toEqual([1, 2]);
    expect(mapCallToolResult({ content: [{ type: "text", text: "42" }] })).toBe("42");
    expect(mapCallToolResult({ content: [{ type: "text", text: "{oops" }] })).toBe("{oops");
  });

  it("maps media and resources to typed objects", () => {
    expect(
      mapCallToolResult({
        content: [
          { type: "image", data: "AA==", mimeType: "image/png", annotations: { priority: 1 } },
          { type: "resource", resource: { uri: "u", text: "t" } },
          { type: "resource_link", uri: "l", name: "n", size: 3, extra: "dropped" },
          { type: "future", payload: 1 },
        ],
      }),
    ).toEqual([
      { type: "image", mimeType: "image/png", data: "AA==" },
      { type: "resource", uri: "u", text: "t" },
      { type: "resource_link", uri: "l", name: "n", size: 3 },
      { type: "future", payload: 1 },
    ]);
  });

  it("gives null for no content and the legacy toolResult when present", () => {
    expect(mapCallToolResult({ content: [] })).toBeNull();
    expect(mapCallToolResult({})).toBeNull();
    expect(mapCallToolResult({ toolResult: { old: true } })).toEqual({ old: true });
  });

  it("joins the text of error results", () => {
    expect(
      errorText({
        content: [
          { type: "text", text: "a" },
          { type: "image", data: "", mimeType: "" },
          { type: "text", text: "b" },
        ],
      }),
    ).toBe("a\nb");
    expect(errorText({ content: [] })).toContain("no error text");
  });

  it("never throws and never returns an image's data as a text item (property)", () => {
    const block = fc.oneof(
      fc.record({ type: fc.constant("text"), text: fc.string() }),
      fc.record({ type: fc.constantFrom("image", "audio"), data: fc.base64String(), mimeType: fc.string() }),
      fc.record({
        type: fc.constant("resource"),
        resource: fc.record({ uri: fc.webUrl(), text: fc.string() }, { requiredKeys: ["uri"] }),
      }),
      fc.record({ type: fc.constant("resource_link"), uri: fc.webUrl(), name: fc.string() }),
      fc.record({ type: fc.string(), value: fc.jsonValue() }),
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 6 }), (content) => {
        const mapped = mapCallToolResult({ content });
        const items = content.length === 1 ? [mapped] : content.length === 0 ? [] : (mapped as unknown[]);
        expect(items).toHaveLength(content.length);
        content.forEach((original, i) => {
          if (original.type === "image" || original.type === "audio") {
            expect(items[i]).toMatchObject({ type: original.type, data: (original as { data: string }).data });
          }
        });
      }),
    );
  });
});
