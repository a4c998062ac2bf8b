import type { Options } from "tsup";

/**
 * The one tsup configuration every package builds with: ESM only, Node 20 syntax, `.d.ts` bundles and source maps.
 * A package's own `tsup.config.ts` calls this and passes only what differs (usually extra entry points).
 */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ["src/index.ts"],
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: false,
    minify: false,
    outDir: "dist",
    ...overrides,
  };
}
