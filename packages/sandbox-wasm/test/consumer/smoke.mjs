// Run by the consumer test in a fresh project where @athena/sandbox-wasm was installed from its npm tarball.
import { isSandboxError, SandboxError } from "@athena/sandbox-wasm";

const error = new SandboxError("INVALID_OPTIONS", "smoke");
if (!isSandboxError(error) || error.code !== "INVALID_OPTIONS") throw new Error("SandboxError does not round-trip");
console.log("@athena/sandbox-wasm ok");
