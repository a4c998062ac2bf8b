export type { CorrelatorErrorCode } from "./errors.js";
export { CorrelatorError, isCorrelatorError } from "./errors.js";
