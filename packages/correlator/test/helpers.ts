import {
  type CorrelatedThreat,
  type CorrelatorOptions,
  createSecurityEventCorrelator,
  type SecurityEvent,
  type SecurityEventCorrelator,
  type SecuritySeverity,
} from "../src/index.js";

/** Event time the tests start at (a fixed instant: tests never read the wall clock). */
export const T0 = 1_700_000_000_000;

/** Builds an event; `at` is milliseconds after {@link T0}. */
export function ev(
  type: string,
  at: number,
  fields: Partial<Omit<SecurityEvent, "type" | "timestamp">> = {},
): SecurityEvent {
  return { type, source: "test", severity: "medium" as SecuritySeverity, timestamp: T0 + at, ...fields };
}

/** A correlator plus everything it announced. */
export interface Harness {
  correlator: SecurityEventCorrelator;
  detected: CorrelatedThreat[];
  updated: CorrelatedThreat[];
}

/** Creates a correlator with a fixed clock and records its announcements. */
export function harness(options: CorrelatorOptions = {}): Harness {
  const correlator = createSecurityEventCorrelator({ clock: { now: () => T0 }, ...options });
  const detected: CorrelatedThreat[] = [];
  const updated: CorrelatedThreat[] = [];
  correlator.on("threat_detected", (t) => detected.push(t));
  correlator.on("threat_updated", (t) => updated.push(t));
  return { correlator, detected, updated };
}

/** A small seedable PRNG (mulberry32), so property tests and generated streams replay. */
export function prng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
