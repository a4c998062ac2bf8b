// Run by the consumer test in a fresh project where @athena/anomaly was installed from its npm tarball.
import { AnomalyError, isAnomalyError } from "@athena/anomaly";

const error = new AnomalyError("INVALID_OPTIONS", "smoke");
if (!isAnomalyError(error) || error.code !== "INVALID_OPTIONS") throw new Error("AnomalyError does not round-trip");
console.log("@athena/anomaly ok");
