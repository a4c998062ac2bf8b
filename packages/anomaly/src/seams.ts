/**
 * The structural seams @athena/anomaly shares with the rest of Athena. They are declared here, never imported, so
 * the package has no run-time dependency on its siblings: any object of the right shape plugs in.
 */

/**
 * Where time comes from: milliseconds since the epoch. Tests and replays pass an event-time clock.
 *
 * @example
 * ```ts
 * import type { Clock } from "@athena/anomaly";
 *
 * let now = Date.UTC(2025, 0, 6, 9);
 * const clock: Clock = { now: () => now };
 * now += 1_000;
 * ```
 */
export interface Clock {
  /** The current time in milliseconds since the epoch. */
  now(): number;
}

/**
 * How bad a {@link SecurityEvent} is, in the order the correlator ranks them.
 *
 * @example
 * ```ts
 * import type { SecuritySeverity } from "@athena/anomaly";
 *
 * const severity: SecuritySeverity = "high";
 * ```
 */
export type SecuritySeverity = "low" | "medium" | "high" | "critical";

/**
 * One security event in the shape every Athena package emits and `@athena/correlator` consumes.
 *
 * This package emits `type: "ANOMALOUS_BEHAVIOR"` (a request judged anomalous) and `type: "RATE_LIMIT_EXCEEDED"`
 * (the recommended action is `throttle` or `block`), both with `source: "@athena/anomaly"` unless configured.
 *
 * @example
 * ```ts
 * import type { SecurityEvent } from "@athena/anomaly";
 *
 * const event: SecurityEvent = {
 *   type: "RATE_LIMIT_EXCEEDED",
 *   source: "@athena/anomaly",
 *   severity: "high",
 *   timestamp: Date.now(),
 *   userId: "alice",
 *   data: { recommendedAction: "throttle" },
 * };
 * ```
 */
export interface SecurityEvent {
  /** What happened, e.g. `ANOMALOUS_BEHAVIOR`. */
  type: string;
  /** Which component saw it. */
  source: string;
  /** How bad it is. */
  severity: SecuritySeverity;
  /** When it happened, milliseconds since the epoch (the request's timestamp). */
  timestamp: number;
  /** The user the request belongs to. */
  userId?: string;
  /** The client address, when the request carried one. */
  ipAddress?: string;
  /** The session, when the request carried one. */
  sessionId?: string;
  /** Details: anomaly type, confidence, z-score, rate, risk, action, reasons. */
  data?: Record<string, unknown>;
}

/**
 * Receives security events; the correlator's `addEvent`, a logger, a queue. Called synchronously; an exception it
 * throws is swallowed so a broken sink never breaks request analysis.
 *
 * @example
 * ```ts
 * import type { SecurityEventSink } from "@athena/anomaly";
 *
 * const sink: SecurityEventSink = (event) => console.log(event.type, event.userId);
 * ```
 */
export type SecurityEventSink = (event: SecurityEvent) => void;
