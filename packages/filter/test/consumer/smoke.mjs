// Run by the consumer test in a fresh project where @athena/filter was installed from its npm tarball.
import { FilterError, isFilterError } from "@athena/filter";

const error = new FilterError("INVALID_OPTIONS", "smoke");
if (!isFilterError(error) || error.code !== "INVALID_OPTIONS") throw new Error("FilterError does not round-trip");
console.log("@athena/filter ok");
