import type { FailureType } from "./types.js";

/**
 * The seven failure types, in the order the design lists them.
 *
 * @example
 * ```ts
 * import { FAILURE_TYPES } from "@athena/chaos";
 *
 * for (const type of FAILURE_TYPES) console.log(type);
 * ```
 */
export const FAILURE_TYPES: readonly FailureType[] = Object.freeze([
  "LATENCY_INJECTION",
  "ERROR_INJECTION",
  "RESOURCE_EXHAUSTION",
  "NETWORK_PARTITION",
  "DEPENDENCY_FAILURE",
  "STATE_CORRUPTION",
  "CIRCUIT_BREAKER_TRIP",
] as const);
