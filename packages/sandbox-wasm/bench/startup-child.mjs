// Run in a fresh plain `node` process (no TypeScript loader): measures from the start of this module to the first
// execution's result and prints it in milliseconds. `ours` uses the built package (dist/), `raw` does the same with
// quickjs-emscripten alone.
const t0 = performance.now();
const which = process.argv[2];
if (which === "raw") {
  const { newQuickJSWASMModuleFromVariant } = await import("quickjs-emscripten-core");
  const variant = (await import("@jitl/quickjs-wasmfile-release-sync")).default;
  const module = await newQuickJSWASMModuleFromVariant(variant);
  const rt = module.newRuntime();
  const ctx = rt.newContext();
  const r = ctx.evalCode("1 + 1");
  if (r.error) throw new Error("failed");
  r.value.dispose();
  ctx.dispose();
  rt.dispose();
} else {
  const { createWasmSandbox } = await import("../dist/index.js");
  const sandbox = await createWasmSandbox();
  const result = await sandbox.execute("return 1 + 1;");
  if (result.output !== 2) throw new Error("failed");
}
process.stdout.write(`${(performance.now() - t0).toFixed(2)}\n`);
