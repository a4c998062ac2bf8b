// Type-checked by the consumer test against the published declarations of @athena/sandbox-wasm.
import {
  createDirectoryWorkspace,
  createMemoryWorkspace,
  createSandboxPool,
  createWasmSandbox,
  type ExecutionErrorKind,
  type ExecutionResult,
  isSandboxError,
  type OutputFilter,
  SandboxError,
  type SandboxErrorCode,
  type SandboxPool,
  type SecurityEvent,
  type Session,
  type ToolHost,
  type WasmSandbox,
  type WasmSandboxOptions,
  type Workspace,
} from "@athena/sandbox-wasm";

const code: SandboxErrorCode = "INVALID_OPTIONS";
const error: SandboxError = new SandboxError(code, "typed");
export const recognised: boolean = isSandboxError(error);

const host: ToolHost = {
  list: () => [{ id: "kv/get", server: "kv", name: "get" }],
  call: async (id, args, context) => ({ id, args, executionId: context.executionId }),
};
const filter: OutputFilter = {
  apply: (value) => ({ data: value, wasFiltered: false, originalSizeBytes: 0, filteredSizeBytes: 0, findings: [] }),
};
const events: SecurityEvent[] = [];
const options: WasmSandboxOptions = {
  timeoutMs: 1000,
  maxMemoryMb: 32,
  maxInstructions: 1_000_000,
  tools: host,
  outputFilter: filter,
  onSecurityEvent: (event) => events.push(event),
};

export async function typed(): Promise<ExecutionErrorKind | undefined> {
  const sandbox: WasmSandbox = await createWasmSandbox(options);
  const session: Session = sandbox.createSession({ workspace: createMemoryWorkspace({ maxBytes: 1024 }) });
  const result: ExecutionResult = await sandbox.execute("return 1", { a: 1 }, { session, executionId: "x" });
  const pool: SandboxPool = await createSandboxPool({ ...options, size: 1, graceMs: 20 });
  await pool.dispose();
  const ws: Workspace = createDirectoryWorkspace({ root: "/tmp/ws" });
  await ws.usage();
  sandbox.dispose();
  return result.errors[0]?.kind;
}
