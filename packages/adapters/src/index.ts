export type { ToolErrorCode } from "./errors.js";
export { isToolError, ToolError } from "./errors.js";
