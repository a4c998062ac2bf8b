import { describe, expect, it, vi } from "vitest";
import { buildSearchIndex, terms } from "../src/search.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe("search terms", () => {
  it("splits names and folds plurals and -ing/-ed", () => {
    expect(terms("read_text_file")).toEqual(["read", "text", "file"]);
    expect(terms("getTinyImage")).toEqual(["get", "tiny", "image"]);
    expect(terms("list-directories")).toEqual(["list", "directory"]);
    expect(terms("Searching the files for matches")).toEqual(["search", "file", "match"]);
    expect(terms("entities and relations")).toEqual(["entity", "relation"]);
  });
});

describe("buildSearchIndex", () => {
  const doc = (id: string, description: string, extra: { deprecated?: boolean; tags?: string[] } = {}) => {
    const [server = "", name = ""] = id.split("/");
    return { id, server, name, title: "", tags: extra.tags ?? [], description, deprecated: extra.deprecated ?? false };
  };
  const index = buildSearchIndex([
    doc("fs/read_file", "Read a file. DEPRECATED: use read_text_file.", { deprecated: true }),
    doc("fs/read_text_file", "Read a text file from disk."),
    doc("fs/write_file", "Write a file to disk."),
    doc("kv/get", "Get a value by key.", { tags: ["cache"] }),
  ]);

  it("ranks name matches over description matches, and deprecated tools lower", () => {
    expect(index.query("read file", 3).map((hit) => hit.id)).toEqual([
      "fs/read_text_file",
      "fs/read_file",
      "fs/write_file",
    ]);
    expect(index.query("cache", 5).map((hit) => hit.id)).toEqual(["kv/get"]);
  });

  it("boosts an exact id and returns nothing for nothing", () => {
    expect(index.query("fs/write_file", 1)[0]?.id).toBe("fs/write_file");
    expect(index.query("", 5)).toEqual([]);
    expect(index.query("the a of", 5)).toEqual([]);
    expect(index.query("zebra", 5)).toEqual([]);
  });
});
