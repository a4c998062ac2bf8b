export type { ChaosErrorCode } from "./errors.js";
export { ChaosError, isChaosError } from "./errors.js";
