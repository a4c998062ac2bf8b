export type { SandboxErrorCode } from "./errors.js";
export { isSandboxError, SandboxError } from "./errors.js";
