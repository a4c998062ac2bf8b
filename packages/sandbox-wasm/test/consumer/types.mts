// Type-checked by the consumer test against the published declarations of @athena/sandbox-wasm.
import { isSandboxError, SandboxError, type SandboxErrorCode } from "@athena/sandbox-wasm";

const code: SandboxErrorCode = "INVALID_OPTIONS";
const error: SandboxError = new SandboxError(code, "typed");
export const recognised: boolean = isSandboxError(error);
