import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.config.base.ts";

// The worker is its own entry: the pool starts it with `new Worker(new URL("./worker.js", import.meta.url))`.
export default defineConfig(packageBuild({ entry: ["src/index.ts", "src/worker.ts"] }));
