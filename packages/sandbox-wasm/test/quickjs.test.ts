import { describe, expect, it } from "vitest";
import { compileReleaseWasm, loadQuickJS, nativeOf, newRawFunction } from "../src/quickjs.js";

describe("QuickJS loading", () => {
  it("compiles the release WebAssembly once per process and instantiates the module once", async () => {
    const compiled = await compileReleaseWasm();
    expect(compiled).toBeDefined();
    expect(await compileReleaseWasm()).toBe(compiled);
    expect(await loadQuickJS()).toBe(await loadQuickJS());
  });
});

describe("newRawFunction", () => {
  it("routes only its own function around the wrapper; other host functions keep working", async () => {
    const module = await loadQuickJS();
    const rt = module.newRuntime();
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
  });
});
