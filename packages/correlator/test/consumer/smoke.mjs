// Run by the consumer test in a fresh project where @athena/correlator was installed from its npm tarball.
import { CorrelatorError, isCorrelatorError } from "@athena/correlator";

const error = new CorrelatorError("INVALID_OPTIONS", "smoke");
if (!isCorrelatorError(error) || error.code !== "INVALID_OPTIONS")
  throw new Error("CorrelatorError does not round-trip");
console.log("@athena/correlator ok");
