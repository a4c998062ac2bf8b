#!/usr/bin/env node
// Runs the server from its TypeScript source with tsx; the workspace packages resolve to their sources too.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
// An absolute URL: `--import tsx` alone would resolve tsx from the caller's working directory.
const tsx = import.meta.resolve("tsx");
const child = spawn(
  process.execPath,
  ["--conditions=@athena/source", "--import", tsx, main, ...process.argv.slice(2)],
  {
    stdio: "inherit",
  },
);
child.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
