// Type-checked by the consumer test against the published declarations of @athena/filter.
import { FilterError, type FilterErrorCode, isFilterError } from "@athena/filter";

const code: FilterErrorCode = "INVALID_OPTIONS";
const error: FilterError = new FilterError(code, "typed");
export const recognised: boolean = isFilterError(error);
