export type { AnomalyErrorCode } from "./errors.js";
export { AnomalyError, isAnomalyError } from "./errors.js";
