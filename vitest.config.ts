import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** Every package (and example) is one Vitest project; tests read `src/` through the `@athena/source` condition. */
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const packages = ["sandbox-wasm", "adapters", "filter", "anomaly", "chaos", "correlator"];
const sourceConditions = ["@athena/source", "node", "import", "module", "default"];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ["@athena/source"] } },
  test: {
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: {
          name,
          root: here(`packages/${name}`),
          include: ["test/**/*.test.ts"],
          benchmark: { include: ["bench/**/*.bench.ts"] },
        },
      })),
      {
        extends: true as const,
        test: { name: "examples", root: here("examples"), include: ["*/test/**/*.test.ts"] },
      },
      {
        extends: true as const,
        test: {
          name: "consumer",
          root: here("scripts/consumer"),
          include: ["**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
