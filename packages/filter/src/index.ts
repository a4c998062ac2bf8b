export type { FilterErrorCode } from "./errors.js";
export { FilterError, isFilterError } from "./errors.js";
