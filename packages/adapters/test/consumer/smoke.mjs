// Run by the consumer test in a fresh project where @athena/adapters was installed from its npm tarball.
import { isToolError, ToolError } from "@athena/adapters";

const error = new ToolError("INVALID_OPTIONS", "smoke");
if (!isToolError(error) || error.code !== "INVALID_OPTIONS") throw new Error("ToolError does not round-trip");
console.log("@athena/adapters ok");
