import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, bench, describe } from "vitest";

// A fresh plain node process per iteration, measuring import → first result of the built package (dist/).
const child = fileURLToPath(new URL("./startup-child.mjs", import.meta.url));
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const run = (which: "ours" | "raw"): void => {
  execFileSync(process.execPath, [child, which], { stdio: "pipe" });
};

beforeAll(() => {
  if (!existsSync(fileURLToPath(new URL("../dist/index.js", import.meta.url)))) {
    execFileSync("npx", ["tsup"], { cwd: packageDir, stdio: "pipe" });
  }
}, 120_000);

describe("first execution in a fresh process (whole child process, incl. Node startup)", () => {
  bench("@athena/sandbox-wasm: import, createWasmSandbox, execute", () => run("ours"), { iterations: 5, time: 1 });
  bench("raw quickjs-emscripten: import, compile module, eval", () => run("raw"), { iterations: 5, time: 1 });
});
