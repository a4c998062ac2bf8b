// Type-checked by the consumer test against the published declarations of @athena/adapters.
import { isToolError, ToolError, type ToolErrorCode } from "@athena/adapters";

const code: ToolErrorCode = "INVALID_OPTIONS";
const error: ToolError = new ToolError(code, "typed");
export const recognised: boolean = isToolError(error);
