// Run by the consumer test in a fresh project where @athena/chaos was installed from its npm tarball.
import { ChaosError, isChaosError } from "@athena/chaos";

const error = new ChaosError("INVALID_OPTIONS", "smoke");
if (!isChaosError(error) || error.code !== "INVALID_OPTIONS") throw new Error("ChaosError does not round-trip");
console.log("@athena/chaos ok");
