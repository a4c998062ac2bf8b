// Type-checked by the consumer test against the published declarations of @athena/chaos.
import { ChaosError, type ChaosErrorCode, isChaosError } from "@athena/chaos";

const code: ChaosErrorCode = "INVALID_OPTIONS";
const error: ChaosError = new ChaosError(code, "typed");
export const recognised: boolean = isChaosError(error);
