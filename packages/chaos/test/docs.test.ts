/** Every ```ts example in the TSDoc of src/ and in the README type-checks against the package's source. */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function examples(): { name: string; code: string }[] {
  const found: { name: string; code: string }[] = [];
  const sources = readdirSync(join(root, "src")).filter((f) => f.endsWith(".ts"));
  for (const file of [...sources.map((f) => join("src", f)), "README.md"]) {
    const text = readFileSync(join(root, file), "utf8");
    let index = 0;
    for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      const body = match[1] ?? "";
      const code = file.endsWith(".ts") ? body.replace(/^\s*\* ?/gm, "") : body;
      found.push({ name: `${file}#${++index}`, code: `${code}\nexport {};\n` });
    }
  }
  return found;
}

describe("documentation examples", () => {
  it("compile under the repository's strict settings", () => {
    const list = examples();
    expect(list.length).toBeGreaterThan(10);
    const configPath = join(root, "tsconfig.json");
    const config = ts.getParsedCommandLineOfConfigFile(
      configPath,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => undefined,
      },
    );
    if (config === undefined) throw new Error("tsconfig.json not readable");
    const virtual = new Map(list.map((e, i) => [join(root, "test", `__doc_example_${i}.ts`), e]));
    const options = { ...config.options, noEmit: true, isolatedDeclarations: false, declaration: false };
    const host = ts.createCompilerHost(options);
    const { fileExists, readFile, getSourceFile } = host;
    host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
    host.readFile = (f) => virtual.get(f)?.code ?? readFile.call(host, f);
    host.getSourceFile = (f, version, onError, create) => {
      const example = virtual.get(f);
      return example !== undefined
        ? ts.createSourceFile(f, example.code, version, true)
        : getSourceFile.call(host, f, version, onError, create);
    };
    const program = ts.createProgram([...virtual.keys()], options, host);
    const problems = [...virtual.keys()].flatMap((f) =>
      ts.getPreEmitDiagnostics(program, program.getSourceFile(f)).map((d) => {
        const where = virtual.get(f)?.name ?? f;
        return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      }),
    );
    expect(problems).toEqual([]);
  }, 60_000);
});
