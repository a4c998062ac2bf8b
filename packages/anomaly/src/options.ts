import { type ZodError, z } from "zod";
import { AnomalyError } from "./errors.js";

/** The `INVALID_OPTIONS` error for a failed options parse, naming every bad option. */
export function invalidOptions(factory: string, error: ZodError): AnomalyError {
  return new AnomalyError(
    "INVALID_OPTIONS",
    `${factory}: invalid options, fix these and try again:\n${z.prettifyError(error)}`,
    { cause: error },
  );
}

/** A `Clock`: an object with a `now()` method. */
export const clockSchema: z.ZodType<{ now(): number }> = z.custom<{ now(): number }>(
  (value) => typeof value === "object" && value !== null && typeof (value as { now?: unknown }).now === "function",
  { message: "expected a Clock: an object with a now() method returning milliseconds since the epoch" },
);
