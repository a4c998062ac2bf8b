// Run by the consumer test in a fresh project where @athena/sandbox-wasm was installed from its npm tarball.
import {
  createMemoryWorkspace,
  createSandboxPool,
  createWasmSandbox,
  isSandboxError,
  SandboxError,
} from "@athena/sandbox-wasm";

const fail = (why) => {
  throw new Error(`@athena/sandbox-wasm smoke: ${why}`);
};

const error = new SandboxError("INVALID_OPTIONS", "smoke");
if (!isSandboxError(error) || error.code !== "INVALID_OPTIONS") fail("SandboxError does not round-trip");

// Bad options are described by zod, which the package loads only then (from its own dependencies).
const invalid = await createWasmSandbox({ timeoutMs: -1 }).catch((e) => e);
if (!isSandboxError(invalid) || invalid.code !== "INVALID_OPTIONS" || !/timeoutMs/.test(invalid.message)) {
  fail(`bad options gave ${String(invalid)}`);
}

// In-process sandbox: TypeScript, a tool call, console capture.
const sandbox = await createWasmSandbox({ tools: { math: { add: async (a) => a.x + a.y } } });
const result = await sandbox.execute(
  "const n: number = await tools.math.add({ x: input, y: 2 }); console.log('n', n); return n * 10;",
  40,
);
if (!result.success || result.output !== 420) fail(`execute returned ${JSON.stringify(result)}`);
if (result.logs[0]?.message !== "n 42") fail("console was not captured");
const limited = await sandbox.execute("for (;;) {}");
if (limited.errors[0]?.kind !== "instructions") fail("the instruction budget did not stop a loop");

// A session with a skill saved by one execution and imported by the next.
const session = sandbox.createSession({ workspace: createMemoryWorkspace() });
await sandbox.execute(
  "await fs.writeFile('./workspace/skills/twice.ts', 'export const twice = (n: number) => n * 2;'); return 0;",
  undefined,
  { session },
);
const skill = await sandbox.execute(
  "import { twice } from './skills/twice.ts';\nexport default twice(21);",
  undefined,
  { session },
);
if (skill.output !== 42) fail(`skill import returned ${JSON.stringify(skill)}`);
sandbox.dispose();

// The pool runs from the published worker entry (dist/worker.js), serving tool calls on this thread.
const pool = await createSandboxPool({ size: 1, timeoutMs: 2000, tools: { kv: { get: async (k) => `v:${k}` } } });
try {
  const pooled = await pool.execute("return await tools.kv.get('a');");
  if (pooled.output !== "v:a") fail(`pool returned ${JSON.stringify(pooled)}`);
  const numbers = await pool.execute(
    "let s = 0; for (let i = 0; i < 50; i++) s += (await tools.kv.get(i)).length; return s;",
  );
  if (numbers.output !== 190) fail(`pooled number arguments returned ${JSON.stringify(numbers)}`);
} finally {
  await pool.dispose();
}
console.log("@athena/sandbox-wasm ok");
