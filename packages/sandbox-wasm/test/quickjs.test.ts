import { describe, expect, it } from "vitest";
import {
  acquireQuickJS,
  compileReleaseWasm,
  idleInstances,
  memoryCapBytes,
  nativeOf,
  newRawFunction,
} from "../src/quickjs.js";

describe("QuickJS loading", () => {
  it("compiles the release WebAssembly once per process and reuses idle instances", async () => {
    const compiled = await compileReleaseWasm();
    expect(compiled).toBeDefined();
    expect(await compileReleaseWasm()).toBe(compiled);
    const a = await acquireQuickJS(64);
    a.release(false);
    const b = await acquireQuickJS(64);
    expect(b.module).toBe(a.module);
    b.release(false);
  });

  it("lends each concurrent execution its own instance; a suspect one is never lent again", async () => {
    const a = await acquireQuickJS(64);
    const b = await acquireQuickJS(64);
    expect(b.module).not.toBe(a.module);
    a.release(true);
    b.release(false);
    const c = await acquireQuickJS(64);
    expect(c.module).toBe(b.module);
    const d = await acquireQuickJS(64);
    expect(d.module).not.toBe(a.module);
    c.release(false);
    d.release(false);
  });

  it("caps each instance's memory from maxMemoryMb: different limits, different caps", async () => {
    expect(memoryCapBytes(8)).toBe(48 * 1024 * 1024);
    expect(memoryCapBytes(64)).toBe(160 * 1024 * 1024);
    expect(memoryCapBytes(4096)).toBe(2 * 1024 * 1024 * 1024);
    const small = await acquireQuickJS(8);
    const large = await acquireQuickJS(64);
    expect(small.module).not.toBe(large.module);
    const grow = (lease: typeof small): number => {
      const rt = lease.module.newRuntime();
      const ctx = rt.newContext();
      const native = nativeOf(ctx);
      // Allocate 1 MiB blocks straight from the instance's allocator until it refuses.
      const blocks: number[] = [];
      for (let i = 0; i < 4096; i++) {
        const p = native.module._malloc(1024 * 1024);
        if (p === 0) break;
        blocks.push(p);
      }
      const reached = lease.memoryBytes();
      for (const p of blocks) native.module._free(p);
      ctx.dispose();
      rt.dispose();
      return reached;
    };
    const smallReached = grow(small);
    const largeReached = grow(large);
    expect(smallReached).toBeLessThanOrEqual(memoryCapBytes(8));
    expect(smallReached).toBeGreaterThan(memoryCapBytes(8) - 4 * 1024 * 1024);
    expect(largeReached).toBeLessThanOrEqual(memoryCapBytes(64));
    expect(largeReached).toBeGreaterThan(memoryCapBytes(64) - 4 * 1024 * 1024);
    // Grown past 32 MiB: dropped, not kept for the next execution.
    small.release(false);
    large.release(false);
    const next = await acquireQuickJS(8);
    expect(next.module).not.toBe(small.module);
    expect(next.memoryBytes()).toBe(16 * 1024 * 1024);
    next.release(false);
  });
});

describe("newRawFunction", () => {
  it("routes only its own function around the wrapper; other host functions keep working", async () => {
    const lease = await acquireQuickJS(64);
    const rt = lease.module.newRuntime();
    const ctx = rt.newContext();
    const { ffi } = nativeOf(ctx);
    const native = nativeOf(ctx);
    const seen: number[][] = [];
    const raw = newRawFunction(ctx, "raw", (argc, argv) => {
      const args: number[] = [];
      for (let i = 0; i < argc; i++)
        args.push(ffi.QTS_GetFloat64(native.ctx, ffi.QTS_ArgvGetJSValueConstPointer(argv, i)));
      seen.push(args);
      return ffi.QTS_NewFloat64(
        native.ctx,
        args.reduce((a, b) => a + b, 0),
      );
    });
    const wrapped = ctx.newFunction("wrapped", (a) => ctx.newNumber(ctx.getNumber(a) * 10));
    ctx.setProp(ctx.global, "raw", raw);
    ctx.setProp(ctx.global, "wrapped", wrapped);
    raw.dispose();
    wrapped.dispose();
    const result = ctx.unwrapResult(ctx.evalCode("[wrapped(1), raw(1, 2, 3), wrapped(2), raw(), raw(4)]"));
    expect(ctx.dump(result)).toEqual([10, 6, 20, 0, 4]);
    expect(seen).toEqual([[1, 2, 3], [], [4]]);
    result.dispose();
    ctx.dispose();
    rt.dispose();
    lease.release(false);
  });
});

describe("idle instances", () => {
  it("keeps at most 8 in all, however many different limits sandboxes use, and drops the least recently used", async () => {
    const limits = Array.from({ length: 12 }, (_, i) => 20 + i);
    const leases = await Promise.all(limits.map((mb) => acquireQuickJS(mb)));
    for (const lease of leases) lease.release(false);
    expect(idleInstances()).toBe(8);
    // The four given back first were dropped; the last eight are lent again.
    const first = await acquireQuickJS(20);
    expect(first.module).not.toBe(leases[0]?.module);
    const last = await acquireQuickJS(31);
    expect(last.module).toBe(leases[11]?.module);
    expect(idleInstances()).toBe(7);
    first.release(false);
    last.release(false);
    expect(idleInstances()).toBe(8);
  });
});
