import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  createDirectoryWorkspace,
  createMemoryWorkspace,
  isSandboxError,
  normalizeWorkspacePath,
  type Workspace,
} from "../src/index.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "athena-ws-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const implementations: Array<[string, (maxBytes: number) => Workspace]> = [
  ["memory", (maxBytes) => createMemoryWorkspace({ maxBytes })],
  ["directory", (maxBytes) => createDirectoryWorkspace({ root: tempDir(), maxBytes })],
];

const code = (e: unknown): string | undefined => (isSandboxError(e) ? e.code : undefined);

// One conformance suite every Workspace implementation passes.
describe.each(implementations)("%s workspace (conformance)", (_name, make) => {
  it("writes, reads, lists and removes files", async () => {
    const ws = make(1000);
    expect(await ws.readFile("a.txt")).toBeUndefined();
    await ws.writeFile("a.txt", "héllo");
    await ws.writeFile("./workspace/notes/b.md", "B");
    await ws.writeFile("/workspace/notes/c.md", "C");
    expect(await ws.readFile("workspace/a.txt")).toBe("héllo");
    expect(await ws.readdir("")).toEqual(["a.txt", "notes/"]);
    expect(await ws.readdir("./workspace/notes")).toEqual(["b.md", "c.md"]);
    expect(await ws.readdir("missing")).toEqual([]);
    expect(await ws.usage()).toEqual({ bytes: 8, files: 3 });
    expect(await ws.remove("notes/b.md")).toBe(true);
    expect(await ws.remove("notes/b.md")).toBe(false);
    expect(await ws.usage()).toEqual({ bytes: 7, files: 2 });
  });

  it("enforces the byte quota, counting replaced files once", async () => {
    const ws = make(10);
    await ws.writeFile("a", "12345");
    await ws.writeFile("a", "1234567890");
    await expect(ws.writeFile("b", "x")).rejects.toSatisfy((e) => code(e) === "WORKSPACE_QUOTA");
    expect(await ws.readFile("a")).toBe("1234567890");
    await ws.remove("a");
    await ws.writeFile("b", "x");
    expect((await ws.usage()).bytes).toBe(1);
  });

  it("rejects path escapes", async () => {
    const ws = make(1000);
    for (const bad of ["../x", "a/../../x", "/etc/passwd", "a\\..\\b", "a//b", "", "./", "x\u0000y", "a/./b"]) {
      await expect(ws.writeFile(bad, "x"), bad).rejects.toSatisfy((e) => code(e) === "WORKSPACE_PATH");
      await expect(ws.readFile(bad), bad).rejects.toSatisfy((e) => code(e) === "WORKSPACE_PATH");
    }
  });

  it("concurrent writes leave one complete version, never a mix", async () => {
    const ws = make(100_000);
    const versions = Array.from({ length: 8 }, (_, i) => String(i).repeat(1000));
    await Promise.all(versions.map((v) => ws.writeFile("same.txt", v)));
    expect(versions).toContain(await ws.readFile("same.txt"));
    expect((await ws.usage()).bytes).toBe(1000);
  });
});

describe("directory workspace", () => {
  it("writes atomically through a temp file and leaves no temp files behind", async () => {
    const root = tempDir();
    const ws = createDirectoryWorkspace({ root, maxBytes: 10_000 });
    await ws.writeFile("a.txt", "one");
    await ws.writeFile("a.txt", "two");
    expect(readdirSync(root)).toEqual(["a.txt"]);
    expect(await ws.readFile("a.txt")).toBe("two");
  });

  it("never follows a symbolic link out of the root", async () => {
    const root = tempDir();
    const outside = tempDir();
    writeFileSync(join(outside, "secret.txt"), "secret");
    symlinkSync(outside, join(root, "link"));
    const ws = createDirectoryWorkspace({ root, maxBytes: 10_000 });
    await expect(ws.readFile("link/secret.txt")).rejects.toSatisfy((e) => code(e) === "WORKSPACE_PATH");
    await expect(ws.writeFile("link/new.txt", "x")).rejects.toSatisfy((e) => code(e) === "WORKSPACE_PATH");
  });

  it("counts files already on disk against the quota", async () => {
    const root = tempDir();
    writeFileSync(join(root, "existing.txt"), "12345");
    const ws = createDirectoryWorkspace({ root, maxBytes: 8 });
    await expect(ws.writeFile("b.txt", "1234")).rejects.toSatisfy((e) => code(e) === "WORKSPACE_QUOTA");
    await ws.writeFile("b.txt", "123");
    expect(await ws.usage()).toEqual({ bytes: 8, files: 2 });
  });

  it("rejects invalid options", () => {
    expect(() => createDirectoryWorkspace({ root: "", maxBytes: 1 })).toThrow(/root/);
    expect(() => createMemoryWorkspace({ maxBytes: -1 })).toThrow(/maxBytes/);
  });
});

describe("normalizeWorkspacePath", () => {
  it("maps accepted prefixes to the same relative path", () => {
    for (const p of ["a/b.txt", "./a/b.txt", "workspace/a/b.txt", "./workspace/a/b.txt", "/workspace/a/b.txt"]) {
      expect(normalizeWorkspacePath(p)).toBe("a/b.txt");
    }
    expect(normalizeWorkspacePath("./workspace", true)).toBe("");
  });

  it("never returns a path that could leave the root, for any input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (input) => {
        let out: string;
        try {
          out = normalizeWorkspacePath(input, true);
        } catch (e) {
          expect(code(e)).toBe("WORKSPACE_PATH");
          return;
        }
        expect(out.startsWith("/")).toBe(false);
        expect(out.split("/")).not.toContain("..");
        expect(out.split("/")).not.toContain(".");
        expect([...out].some((ch) => ch === "\\" || ch.charCodeAt(0) < 32)).toBe(false);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom("..", ".", "a", "", "workspace", "/"), { maxLength: 8 }), (parts) => {
        const input = parts.join("/");
        try {
          const out = normalizeWorkspacePath(input, true);
          expect(out.split("/")).not.toContain("..");
        } catch (e) {
          expect(code(e)).toBe("WORKSPACE_PATH");
        }
      }),
    );
  });
});
