/**
 * Event streams the benchmarks replay. Everything is generated up front from a seed, so a benchmark measures only the
 * correlator (and the baseline) and every run sees the same events.
 */
import type { CorrelationPattern, SecurityEvent, SecuritySeverity } from "../src/index.js";

/** A small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEVERITIES: readonly SecuritySeverity[] = ["low", "medium", "high", "critical"];
export const START = 1_700_000_000_000;

function ipOf(n: number): string {
  return `${10 + ((n >>> 24) & 127)}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * The stream for the default patterns: every event has a type some default pattern listens to (the worst case for
 * throughput; events no pattern indexes are cheaper still). 60% AUTHENTICATION_FAILURE, 20% PROMPT_INJECTION_ATTEMPT,
 * 15% escalation types, 5% data access violations; 1 ms apart; users and addresses drawn from the given populations
 * (1,000,000 users and 100,000 addresses by default: key tables far larger than the CPU caches).
 */
export function defaultsStream(count: number, seed = 1, users = 1_000_000, ips = 100_000): SecurityEvent[] {
  const random = prng(seed);
  const ipNames = Array.from({ length: ips }, (_, i) => ipOf(i * 2_654_435_761));
  const userNames = new Map<number, string>();
  const user = (): string => {
    const n = Math.floor(random() * users);
    let name = userNames.get(n);
    if (name === undefined) {
      name = `user-${n}`;
      userNames.set(n, name);
    }
    return name;
  };
  const events: SecurityEvent[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    const type =
      r < 0.6
        ? "AUTHENTICATION_FAILURE"
        : r < 0.8
          ? "PROMPT_INJECTION_ATTEMPT"
          : r < 0.95
            ? (["PRIVILEGE_ESCALATION", "AUTHORIZATION_FAILURE", "SANDBOX_VIOLATION"] as const)[i % 3]
            : (["DATA_ACCESS_VIOLATION", "SENSITIVE_DATA_EXPOSURE"] as const)[i % 2];
    events.push({
      type: type as string,
      source: "@athena/adapters",
      severity: SEVERITIES[Math.floor(random() * 4)] as SecuritySeverity,
      timestamp: START + i,
      userId: user(),
      ipAddress: ipNames[Math.floor(random() * ips)] as string,
    });
  }
  return events;
}

/**
 * A mix closer to production: 95% routine events (50% AUTHENTICATION_SUCCESS, 25% AUTHENTICATION_FAILURE, 20%
 * RATE_LIMIT_EXCEEDED) and 5% attack-like ones (prompt injections, escalations, data access violations) from 100,000
 * users and 10,000 addresses, 1 ms apart.
 */
export function mixedStream(count: number, seed = 4): SecurityEvent[] {
  const random = prng(seed);
  const users = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);
  const ips = Array.from({ length: 10_000 }, (_, i) => ipOf(i * 2_654_435_761));
  const attack = ["PROMPT_INJECTION_ATTEMPT", "PRIVILEGE_ESCALATION", "SANDBOX_VIOLATION", "DATA_ACCESS_VIOLATION"];
  const events: SecurityEvent[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    const type =
      r < 0.5
        ? "AUTHENTICATION_SUCCESS"
        : r < 0.75
          ? "AUTHENTICATION_FAILURE"
          : r < 0.95
            ? "RATE_LIMIT_EXCEEDED"
            : (attack[Math.floor(random() * attack.length)] as string);
    events.push({
      type,
      source: "@athena/adapters",
      severity: SEVERITIES[Math.floor(random() * 4)] as SecuritySeverity,
      timestamp: START + i,
      userId: users[Math.floor(random() * users.length)] as string,
      ipAddress: ips[Math.floor(random() * ips.length)] as string,
    });
  }
  return events;
}

/** One AUTHENTICATION_FAILURE per distinct address: `count` events, `count` keys (the cardinality attack). */
export function distinctKeysStream(count: number, seed = 2): SecurityEvent[] {
  const random = prng(seed);
  const events: SecurityEvent[] = [];
  for (let i = 0; i < count; i++) {
    events.push({
      type: "AUTHENTICATION_FAILURE",
      source: "sshd",
      severity: "medium",
      timestamp: START + i,
      ipAddress: ipOf(i),
      userId: `user-${Math.floor(random() * 1_000)}`,
    });
  }
  return events;
}

/** 100 custom event types `T0`…`T99`. */
export const CUSTOM_TYPES: readonly string[] = Array.from({ length: 100 }, (_, i) => `T${i}`);

/**
 * 100 patterns over the 100 custom types: 40 thresholds, 30 distinct counts and 30 three-step sequences, grouped by
 * user, address or session.
 */
export function hundredPatterns(): CorrelationPattern[] {
  const groups = ["userId", "ipAddress", "sessionId"] as const;
  const patterns: CorrelationPattern[] = [];
  for (let i = 0; i < 100; i++) {
    const groupBy = groups[i % 3] as string;
    const type = CUSTOM_TYPES[i] as string;
    if (i < 40) {
      patterns.push({ id: `p${i}`, kind: "threshold", groupBy, filter: { type }, threshold: 10, windowMs: 60_000 });
    } else if (i < 70) {
      patterns.push({
        id: `p${i}`,
        kind: "distinct",
        groupBy: "ipAddress",
        filter: { type },
        field: "userId",
        threshold: 10,
        windowMs: 60_000,
      });
    } else {
      patterns.push({
        id: `p${i}`,
        kind: "sequence",
        groupBy,
        windowMs: 60_000,
        steps: [0, 1, 2].map((k) => ({ filter: { type: CUSTOM_TYPES[(i + k * 7) % 100] as string } })),
      });
    }
  }
  return patterns;
}

/** Events over the 100 custom types, 10,000 users, addresses and sessions, 1 ms apart. */
export function hundredTypesStream(count: number, seed = 3): SecurityEvent[] {
  const random = prng(seed);
  const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
  const ips = Array.from({ length: 10_000 }, (_, i) => ipOf(i * 2_654_435_761));
  const sessions = Array.from({ length: 10_000 }, (_, i) => `session-${i}`);
  const events: SecurityEvent[] = [];
  for (let i = 0; i < count; i++) {
    events.push({
      type: CUSTOM_TYPES[Math.floor(random() * 100)] as string,
      source: "bench",
      severity: SEVERITIES[Math.floor(random() * 4)] as SecuritySeverity,
      timestamp: START + i,
      userId: users[Math.floor(random() * users.length)] as string,
      ipAddress: ips[Math.floor(random() * ips.length)] as string,
      sessionId: sessions[Math.floor(random() * sessions.length)] as string,
    });
  }
  return events;
}

/**
 * The baseline: count events per key in a plain Map, the least any per-key correlation must do.
 *
 * @param events - the stream
 * @param field - the key field
 * @returns how many keys were seen
 */
export function mapCountingBaseline(events: readonly SecurityEvent[], field: "userId" | "ipAddress"): number {
  const counts = new Map<string, number>();
  for (const event of events) {
    const key = event[field] as string;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts.size;
}
