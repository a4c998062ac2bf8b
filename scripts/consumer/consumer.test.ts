/**
 * The consumer test: what `npm install @athena/<x>` gives a user. Every package is built, packed with `npm pack` and
 * installed from its tarball into a fresh project outside the workspace; then each package is imported from an ES
 * module (running the package's own `test/consumer/smoke.mjs`), required from a CommonJS file, and its
 * `test/consumer/types.mts` is type-checked against the published `.d.ts` files.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const packagesDir = join(root, "packages");
const packages = readdirSync(packagesDir).sort();
let project = "";

async function sh(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(command, args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${e.stdout ?? ""}\n${e.stderr ?? e.message}`);
  }
}

beforeAll(async () => {
  await sh("npx", ["turbo", "run", "build", "--output-logs=errors-only"], root);
  project = mkdtempSync(join(tmpdir(), "athena-consumer-"));
  const tarballs = join(project, "tarballs");
  mkdirSync(tarballs);
  for (const name of packages) {
    await sh("npm", ["pack", "--silent", "--pack-destination", tarballs], join(packagesDir, name));
  }
  const files = readdirSync(tarballs).map((f) => `./tarballs/${f}`);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "athena-consumer", private: true }, null, 2));
  await sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "@types/node@20", ...files], project);
  for (const name of packages) {
    cpSync(join(packagesDir, name, "test/consumer/smoke.mjs"), join(project, `smoke-${name}.mjs`));
    cpSync(join(packagesDir, name, "test/consumer/types.mts"), join(project, `types-${name}.mts`));
  }
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe("installed from npm tarballs", () => {
  it.each(packages)("@athena/%s runs its smoke program as ESM", async (name) => {
    const out = await sh(process.execPath, [`smoke-${name}.mjs`], project);
    expect(out).toContain(`@athena/${name} ok`);
  });

  it("every package loads with require() from CommonJS", async () => {
    const lines = packages.map(
      (name) => `{ const m = require("@athena/${name}"); out[${JSON.stringify(name)}] = Object.keys(m).length; }`,
    );
    writeFileSync(
      join(project, "require-all.cjs"),
      `const out = {};\n${lines.join("\n")}\nconsole.log(JSON.stringify(out));\n`,
    );
    const out = JSON.parse(await sh(process.execPath, ["--no-warnings", "require-all.cjs"], project)) as Record<
      string,
      number
    >;
    for (const name of packages) expect(out[name], `exports of @athena/${name}`).toBeGreaterThan(0);
  });

  it("types resolve and type-check under strict nodenext", async () => {
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noEmit: true,
          types: ["node"],
        },
        include: ["types-*.mts"],
      }),
    );
    const tsc = join(root, "node_modules/typescript/bin/tsc");
    await sh(process.execPath, [tsc, "-p", "tsconfig.json"], project);
    const checked = readdirSync(project).filter((f) => f.startsWith("types-"));
    expect(checked).toHaveLength(packages.length);
    // The declarations that were checked are the published ones, not the workspace sources.
    const pkg = JSON.parse(readFileSync(join(project, "node_modules/@athena/filter/package.json"), "utf8")) as {
      exports: Record<string, Record<string, string>>;
    };
    expect(pkg.exports["."]?.types).toBe("./dist/index.d.ts");
  });
});
