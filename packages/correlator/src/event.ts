import { CorrelatorError } from "./errors.js";

/** How bad one event (or a threat) is. */
export type SecuritySeverity = "low" | "medium" | "high" | "critical";

/**
 * The event types Athena's packages emit and the default patterns use. Any other non-empty string is a valid
 * custom type as well (see {@link SecurityEventType}).
 *
 * @example
 * ```ts
 * import { SECURITY_EVENT_TYPES } from "@athena/correlator";
 *
 * SECURITY_EVENT_TYPES.includes("BRUTE_FORCE"); // true
 * ```
 */
export const SECURITY_EVENT_TYPES = [
  "PROMPT_INJECTION_ATTEMPT",
  "RATE_LIMIT_EXCEEDED",
  "ANOMALOUS_BEHAVIOR",
  "AUTHENTICATION_FAILURE",
  "AUTHENTICATION_SUCCESS",
  "AUTHORIZATION_FAILURE",
  "DATA_ACCESS_VIOLATION",
  "INJECTION_ATTACK",
  "BRUTE_FORCE",
  "PRIVILEGE_ESCALATION",
  "SANDBOX_VIOLATION",
  "SENSITIVE_DATA_EXPOSURE",
  "RESOURCE_EXHAUSTION",
] as const;

/** One of the well-known event types, or any custom non-empty string (autocomplete keeps the known ones). */
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number] | (string & {});

/**
 * One security event, in the shape every Athena package emits. `timestamp` is event time in milliseconds since the
 * epoch; the correlator orders and windows by it, never by arrival time.
 *
 * @example
 * ```ts
 * import type { SecurityEvent } from "@athena/correlator";
 *
 * const event: SecurityEvent = {
 *   type: "SANDBOX_VIOLATION",
 *   source: "@athena/sandbox-wasm",
 *   severity: "high",
 *   timestamp: Date.now(),
 *   sessionId: "s-1",
 *   data: { kind: "memory" },
 * };
 * ```
 */
export interface SecurityEvent {
  /** What happened, e.g. `"AUTHENTICATION_FAILURE"`; 1–256 characters. */
  type: SecurityEventType;
  /** Which service or package reported it, e.g. `"@athena/sandbox-wasm"`; at most 256 characters. */
  source: string;
  /** How bad this single event is. */
  severity: SecuritySeverity;
  /** Event time, milliseconds since the epoch (a finite number ≥ 0). */
  timestamp: number;
  /** The user the event is about, if any; at most 1,024 characters. */
  userId?: string;
  /** The client address, if any; at most 1,024 characters. */
  ipAddress?: string;
  /** The session, if any; at most 1,024 characters. */
  sessionId?: string;
  /** Anything else; patterns reach into it with paths such as `data.tool`. Must be a plain object. */
  data?: Record<string, unknown>;
}

/** The input `addEvent` accepts: a {@link SecurityEvent} whose `timestamp` may be left out (the clock fills it). */
export type SecurityEventInput = Omit<SecurityEvent, "timestamp"> & { timestamp?: number };

/** A function that receives security events; `correlator.addEvent` is one. */
export type SecurityEventSink = (event: SecurityEvent) => void;

/** Where time comes from: milliseconds since the epoch. Tests and replays pass an event-time clock. */
export interface Clock {
  /** The current time in milliseconds since the epoch. */
  now(): number;
}

/** Severities in increasing order, for comparisons. */
export const SEVERITY_RANK: Readonly<Record<SecuritySeverity, number>> = { low: 1, medium: 2, high: 3, critical: 4 };
/** Severity weights in [0,1] used by confidence scoring. */
export const SEVERITY_WEIGHT: Readonly<Record<SecuritySeverity, number>> = {
  low: 0.25,
  medium: 0.5,
  high: 0.75,
  critical: 1,
};

const MAX_TYPE = 256;
const MAX_SOURCE = 256;
const MAX_ID = 1024;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return value.length > 40 ? `a ${value.length}-character string` : JSON.stringify(value);
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

function checkId(name: string, value: unknown): string | undefined {
  if (typeof value !== "string") return `"${name}" must be a string when present (got ${describe(value)})`;
  if (value.length > MAX_ID) return `"${name}" is ${value.length} characters long; at most ${MAX_ID} are allowed`;
  return undefined;
}

/**
 * Checks one event by hand (no schema library: this runs for every event on the hot path).
 *
 * @param value - the candidate event
 * @param requireTimestamp - whether a missing timestamp is an error
 * @returns `undefined` when valid, else what is wrong
 */
export function checkEvent(value: unknown, requireTimestamp: boolean): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return `an event must be an object (got ${describe(value)})`;
  const event = value as Record<string, unknown>;
  const type = event.type;
  if (typeof type !== "string" || type.length === 0 || type.length > MAX_TYPE)
    return `"type" must be a string of 1 to ${MAX_TYPE} characters, such as "AUTHENTICATION_FAILURE" (got ${describe(type)})`;
  const source = event.source;
  if (typeof source !== "string" || source.length > MAX_SOURCE)
    return `"source" must be a string of at most ${MAX_SOURCE} characters naming the reporting service (got ${describe(source)})`;
  const severity = event.severity;
  if (severity !== "low" && severity !== "medium" && severity !== "high" && severity !== "critical")
    return `"severity" must be "low", "medium", "high" or "critical" (got ${describe(severity)})`;
  const timestamp = event.timestamp;
  if (timestamp === undefined) {
    if (requireTimestamp) return `"timestamp" is required: milliseconds since the epoch`;
  } else if (typeof timestamp !== "number" || !Number.isFinite(timestamp) || timestamp < 0) {
    return `"timestamp" must be a finite number of milliseconds since the epoch, ≥ 0 (got ${describe(timestamp)})`;
  }
  // Explicit property reads keep this monomorphic and fast: it runs for every event.
  const userId = event.userId;
  if (userId !== undefined && (typeof userId !== "string" || userId.length > MAX_ID)) return checkId("userId", userId);
  const ipAddress = event.ipAddress;
  if (ipAddress !== undefined && (typeof ipAddress !== "string" || ipAddress.length > MAX_ID))
    return checkId("ipAddress", ipAddress);
  const sessionId = event.sessionId;
  if (sessionId !== undefined && (typeof sessionId !== "string" || sessionId.length > MAX_ID))
    return checkId("sessionId", sessionId);
  const data = event.data;
  if (data !== undefined && (typeof data !== "object" || data === null || Array.isArray(data)))
    return `"data" must be a plain object when present (got ${describe(data)})`;
  return undefined;
}

/**
 * Throws the typed error for an invalid event.
 *
 * @param problem - what {@link checkEvent} reported
 * @throws {@link CorrelatorError} `INVALID_EVENT`, always
 */
export function invalidEvent(problem: string): never {
  throw new CorrelatorError("INVALID_EVENT", `Invalid security event: ${problem}. The event was not recorded.`);
}
