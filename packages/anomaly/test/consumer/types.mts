// Type-checked by the consumer test against the published declarations of @athena/anomaly.
import { AnomalyError, type AnomalyErrorCode, isAnomalyError } from "@athena/anomaly";

const code: AnomalyErrorCode = "INVALID_OPTIONS";
const error: AnomalyError = new AnomalyError(code, "typed");
export const recognised: boolean = isAnomalyError(error);
