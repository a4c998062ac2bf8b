import { describe, expect, it } from "vitest";
import { createWasmSandbox, type ExecutionResult } from "../src/index.js";

const MIB = 1024 * 1024;

function kinds(result: ExecutionResult): string[] {
  return result.errors.map((e) => e.kind);
}

// QuickJS's heap limit counts ~8 bytes per allocation on its WebAssembly build, so these programs would get far past
// 64 MB if the limit were all there is: before each execution got an instance with capped memory, the first one grew
// the host process by 2.2 GB. Now the growth of the instance's memory is checked against maxMemoryMb, and the
// memory itself is capped at 2 × maxMemoryMb + 32 MiB.
const hogs: [string, string][] = [
  ["many 10 KB strings", "const keep = []; for (let i = 0; ; i++) keep.push(String(i).padEnd(10_000, 'x'));"],
  ["many small objects", "const keep = []; for (let i = 0; ; i++) keep.push({ i, s: 'k' + i });"],
  ["one growing array", "const a = []; for (let i = 0; ; i++) a.push(i + 0.5);"],
  ["one huge string at once", "return 'x'.repeat(200 * 1024 * 1024).length;"],
];

describe("maxMemoryMb is a bound on the host's memory (default 64 MB)", () => {
  for (const [name, code] of hogs) {
    it(`${name}: stops with kind memory, the host grows by less than the cap, the sandbox and others go on`, async () => {
      const bystander = await createWasmSandbox({ timeoutMs: 60_000, maxInstructions: Number.MAX_SAFE_INTEGER });
      const s = await createWasmSandbox({ timeoutMs: 60_000, maxInstructions: Number.MAX_SAFE_INTEGER });
      const before = process.memoryUsage().rss;
      // The bystander has an execution in flight (waiting on a tool-free timer of its own) while the hog runs.
      const running = bystander.execute("const keep = 'y'.repeat(1000); return keep.length + input;", 1);
      const result = await s.execute(code);
      const grown = process.memoryUsage().rss - before;
      if (process.env.ATHENA_PRINT_RSS) console.log(name, Math.round(grown / MIB), "MiB");
      expect(kinds(result)).toEqual(["memory"]);
      expect(result.success).toBe(false);
      // The instance's memory is capped at 160 MiB for 64 MB; the rest of the bound is allocator and GC slack.
      expect(grown).toBeLessThan(400 * MIB);
      expect((await running).output).toBe(1001);
      const next = await s.execute("return input + 1", 41);
      expect(next.output).toBe(42);
      const other = await bystander.execute("return [1, 2, 3].map((x) => x * 2)");
      expect(other.output).toEqual([2, 4, 6]);
      s.dispose();
      bystander.dispose();
    });
  }

  it("a program that grows memory past maxMemoryMb in one builtin call fails even if it returns", async () => {
    const s = await createWasmSandbox({ maxMemoryMb: 8 });
    // 24 strings of 1 MiB in fewer steps than one interrupt (QuickJS counts them as 8 bytes each): more than the 8 MB
    // plus the free part of the instance's first 16 MiB.
    const result = await s.execute(
      "const a = []; for (let i = 0; i < 24; i++) a.push('x'.repeat(1 << 20) + i); return a.length;",
    );
    expect(kinds(result)).toEqual(["memory"]);
    expect(result.errors[0]?.message).toMatch(/8 MB/);
    const fits = await s.execute("const s = 'x'.repeat(2 * 1024 * 1024); return s.length;");
    expect(fits.output).toBe(2 * 1024 * 1024);
    s.dispose();
  });

  it("sandboxes with different limits get different caps", async () => {
    const small = await createWasmSandbox({ maxMemoryMb: 4, maxInstructions: Number.MAX_SAFE_INTEGER });
    const large = await createWasmSandbox({ maxMemoryMb: 48, maxInstructions: Number.MAX_SAFE_INTEGER });
    const code =
      "const keep = []; for (let i = 0; i < input; i++) keep.push(String(i).padEnd(10_000, 'x')); return keep.length;";
    // ~20 MB of strings: past the small sandbox's limit, well inside the large one's.
    const n = 2000;
    expect(kinds(await small.execute(code, n))).toEqual(["memory"]);
    const ok = await large.execute(code, n);
    expect(ok.success).toBe(true);
    expect(ok.output).toBe(n);
    small.dispose();
    large.dispose();
  });
});
