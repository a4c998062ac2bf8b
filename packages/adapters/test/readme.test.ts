/** The README's quickstart runs as written: extracted from README.md and executed with tsx against this package. */
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it, vi } from "vitest";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const run = promisify(execFile);

describe("README", () => {
  it("quickstart runs and prints what its comments say", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const block = /## Quickstart\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    expect((block ?? "").split("\n").length).toBeLessThanOrEqual(20);
    const file = new URL(`./.readme-quickstart-${process.pid}.mts`, import.meta.url);
    writeFileSync(file, block ?? "");
    try {
      const { stdout } = await run(
        process.execPath,
        ["--conditions=@athena/source", "--import", "tsx", fileURLToPath(file)],
        {
          cwd: fileURLToPath(new URL("..", import.meta.url)),
          timeout: 60_000,
        },
      );
      const lines = stdout.split("\n");
      expect(lines[0]).toBe("memory (6 tools): memory-server");
      expect(lines[1]).toMatch(/^function search_nodes\(args: \{ query: string \}\): Promise<\{ entities: /);
      expect(stdout).toContain("name: 'Ada'");
    } finally {
      rmSync(file, { force: true });
    }
  });
});
