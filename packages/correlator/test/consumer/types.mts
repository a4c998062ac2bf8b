// Type-checked by the consumer test against the published declarations of @athena/correlator.
import { CorrelatorError, type CorrelatorErrorCode, isCorrelatorError } from "@athena/correlator";

const code: CorrelatorErrorCode = "INVALID_OPTIONS";
const error: CorrelatorError = new CorrelatorError(code, "typed");
export const recognised: boolean = isCorrelatorError(error);
