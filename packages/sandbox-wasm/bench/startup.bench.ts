import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bench, describe } from "vitest";

// Needs dist/ (npx tsup): a fresh plain node process per iteration, measuring import → first result.
const child = fileURLToPath(new URL("./startup-child.mjs", import.meta.url));
const run = (which: "ours" | "raw"): void => {
  execFileSync(process.execPath, [child, which], { stdio: "pipe" });
};

describe("first execution in a fresh process (whole child process, incl. Node startup)", () => {
  bench("@athena/sandbox-wasm: import, createWasmSandbox, execute", () => run("ours"), { iterations: 5, time: 1 });
  bench("raw quickjs-emscripten: import, compile module, eval", () => run("raw"), { iterations: 5, time: 1 });
});
