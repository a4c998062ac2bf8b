import { CorrelatorError } from "./errors.js";
import { SEVERITY_RANK, SEVERITY_WEIGHT, type SecurityEvent, type SecuritySeverity } from "./event.js";

/** Where a threat is in its lifecycle: open → investigating → mitigated / resolved / false_positive. */
export type ThreatStatus = "open" | "investigating" | "mitigated" | "resolved" | "false_positive";

/**
 * The statuses, in lifecycle order.
 *
 * @example
 * ```ts
 * import { THREAT_STATUSES } from "@athena/correlator";
 *
 * THREAT_STATUSES.includes("false_positive"); // true
 * ```
 */
export const THREAT_STATUSES: readonly ThreatStatus[] = [
  "open",
  "investigating",
  "mitigated",
  "resolved",
  "false_positive",
];

/**
 * Allowed status changes. Closed threats (mitigated, resolved, false positive) can be reopened for investigation.
 *
 * @example
 * ```ts
 * import { THREAT_TRANSITIONS } from "@athena/correlator";
 *
 * THREAT_TRANSITIONS.resolved; // ["investigating"]
 * ```
 */
export const THREAT_TRANSITIONS: Readonly<Record<ThreatStatus, readonly ThreatStatus[]>> = {
  open: ["investigating", "mitigated", "resolved", "false_positive"],
  investigating: ["open", "mitigated", "resolved", "false_positive"],
  mitigated: ["investigating", "resolved"],
  resolved: ["investigating"],
  false_positive: ["investigating"],
};

/** One indicator of compromise seen in a threat's evidence. */
export interface IndicatorOfCompromise {
  /** `"ip"`, `"user"`, `"session"`, or the field path of a pattern's `iocFields` or distinct `field`. */
  type: string;
  /** The value. */
  value: string;
  /** How many evidence events carried it. */
  count: number;
  /** Event time it was first seen in the evidence. */
  firstSeen: number;
  /** Event time it was last seen in the evidence. */
  lastSeen: number;
}

/** One line of a threat's timeline. */
export interface ThreatTimelineEntry {
  /** Event time for evidence, match and detection entries; the clock's time for status changes. */
  timestamp: number;
  /** What kind of entry it is. */
  kind: "event" | "detected" | "updated" | "status";
  /** A sentence saying what happened. */
  description: string;
  /** For `event` entries: the event's type. */
  eventType?: string;
  /** For `event` entries of sequences: the step it fulfilled. */
  step?: string;
  /** For `status` entries: the new status. */
  status?: ThreatStatus;
}

/** The components of a threat's confidence, each in [0, 1]. */
export interface ConfidenceFactors {
  /** How much evidence there is relative to what the pattern requires: 0.5 at exactly the requirement. */
  volume: number;
  /** How fast the latest match happened: 1 − span / window. */
  tempo: number;
  /** Mean severity of the evidence (low 0.25 … critical 1). */
  severity: number;
  /** How often the pattern matched again for this key while the threat was open: 0 for a single match. */
  recurrence: number;
}

/**
 * A threat: one or more matches of one pattern for one group key, with its evidence.
 *
 * `confidence` = 0.3·volume + 0.3·tempo + 0.3·severity + 0.1·recurrence (see {@link ConfidenceFactors}), bounded to
 * [0.01, 0.99]; it is recomputed whenever new evidence is merged.
 *
 * @example
 * ```ts
 * import { createSecurityEventCorrelator, type CorrelatedThreat } from "@athena/correlator";
 *
 * const correlator = createSecurityEventCorrelator();
 * correlator.on("threat_detected", (threat: CorrelatedThreat) => {
 *   if (threat.severity === "critical") correlator.updateThreatStatus(threat.id, "investigating", "paged on-call");
 * });
 * ```
 */
export interface CorrelatedThreat {
  /** Unique within the correlator: `<idPrefix>-<n>`. */
  id: string;
  /** The pattern's threat type, e.g. `"CREDENTIAL_STUFFING"`. */
  type: string;
  /** The pattern that matched. */
  patternId: string;
  /** The pattern's name. */
  patternName: string;
  /** What it means. */
  description: string;
  /** The group-by field paths. */
  groupBy: readonly string[];
  /** The group key (values of the group-by fields, joined by U+001F when there are several). */
  groupKey: string;
  /** Confidence in [0.01, 0.99], computed from the evidence. */
  confidence: number;
  /** What the confidence is made of. */
  confidenceFactors: ConfidenceFactors;
  /** The pattern's severity, raised to the most severe evidence event. */
  severity: SecuritySeverity;
  /** The evidence events (the most recent `maxEvidenceEvents`), oldest first. */
  events: readonly SecurityEvent[];
  /** How many events the matches consisted of (can exceed `events.length`). */
  eventCount: number;
  /** How many times the pattern matched for this key while the threat was open. */
  matchCount: number;
  /** Users seen in the evidence. */
  affectedUsers: readonly string[];
  /** Sources (services) seen in the evidence. */
  affectedServices: readonly string[];
  /** What happened, in order. */
  timeline: readonly ThreatTimelineEntry[];
  /** Indicators of compromise from the evidence. */
  ioCs: readonly IndicatorOfCompromise[];
  /** What to do. */
  recommendedActions: readonly string[];
  /** Lifecycle status. */
  status: ThreatStatus;
  /** Event time of the earliest evidence event. */
  firstSeen: number;
  /** Event time of the latest evidence event. */
  lastSeen: number;
  /** Event time of the event that completed the first match. */
  detectedAt: number;
  /** Time of the last change: event time for evidence, the clock's time for status changes. */
  updatedAt: number;
}

/** What a pattern hands over when it matches. */
export interface MatchReport {
  /** The events of this match, oldest first. */
  events: SecurityEvent[];
  /** Events counted by this match (may exceed `events.length` when evidence was capped). */
  eventCount: number;
  /** Count, distinct values or steps reached. */
  matched: number;
  /** What the pattern requires. */
  required: number;
  /** Event time of the first event of the match. */
  start: number;
  /** Event time of the event that completed it. */
  end: number;
  /** Sequence step names per event (same length as `events`), when the pattern is a sequence. */
  steps?: string[];
  /** Distinct values per event (same length as `events`), when the pattern is a distinct count. */
  values?: string[];
}

/** The facts of a pattern a threat needs. */
export interface ThreatPatternInfo {
  id: string;
  name: string;
  description: string;
  threatType: string;
  severity: SecuritySeverity;
  groupBy: readonly string[];
  windowMs: number;
  recommendedActions: readonly string[];
  iocFields: readonly { path: string; read: (event: SecurityEvent) => unknown }[];
  distinctField: string | undefined;
}

/** The mutable record behind a {@link CorrelatedThreat}. */
export interface ThreatRecord {
  id: string;
  pattern: ThreatPatternInfo;
  groupKey: string;
  status: ThreatStatus;
  severity: SecuritySeverity;
  confidence: number;
  factors: ConfidenceFactors;
  events: SecurityEvent[];
  eventCount: number;
  matchCount: number;
  severityTotal: number;
  severityCount: number;
  /** Per evidence event: the sequence step it fulfilled or the distinct value it added (else null). */
  labels: (string | null)[];
  users: Set<string>;
  services: Set<string>;
  /** IoCs by type, then value. */
  iocs: Map<string, Map<string, IndicatorOfCompromise>>;
  iocCount: number;
  /** Detection, update and status entries; evidence entries are made from `events` when a copy is taken. */
  marks: ThreatTimelineEntry[];
  firstSeen: number;
  lastSeen: number;
  detectedAt: number;
  updatedAt: number;
  /** Set when the store dropped it (so suppression stops merging into it). */
  evicted: boolean;
}

/**
 * Whether a status still takes new evidence (open or investigating).
 *
 * @param status - a status
 * @returns true for open and investigating
 */
export function isActive(status: ThreatStatus): boolean {
  return status === "open" || status === "investigating";
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * The confidence of a threat from its evidence: 0.3·volume + 0.3·tempo + 0.3·severity + 0.1·recurrence.
 *
 * @param record - the threat, with the latest match already counted
 * @param latest - the latest match
 * @param windowMs - the pattern's window
 * @returns confidence and its factors
 */
export function scoreConfidence(
  record: Pick<ThreatRecord, "eventCount" | "matchCount" | "severityTotal" | "severityCount">,
  latest: Pick<MatchReport, "required" | "start" | "end">,
  windowMs: number,
): { confidence: number; factors: ConfidenceFactors } {
  const volume = 1 - 0.5 ** (record.eventCount / Math.max(1, latest.required));
  const tempo = windowMs > 0 ? Math.min(1, Math.max(0, 1 - (latest.end - latest.start) / windowMs)) : 1;
  const severity = record.severityCount > 0 ? record.severityTotal / record.severityCount : 0;
  const recurrence = 1 - 0.5 ** (record.matchCount - 1);
  const factors: ConfidenceFactors = {
    volume: round3(volume),
    tempo: round3(tempo),
    severity: round3(severity),
    recurrence: round3(recurrence),
  };
  const raw = 0.3 * factors.volume + 0.3 * factors.tempo + 0.3 * factors.severity + 0.1 * factors.recurrence;
  return { confidence: round3(Math.min(0.99, Math.max(0.01, raw))), factors };
}

const MAX_IOCS = 1_000;

function addIoc(record: ThreatRecord, type: string, value: string, time: number): void {
  let byValue = record.iocs.get(type);
  if (byValue === undefined) {
    byValue = new Map();
    record.iocs.set(type, byValue);
  }
  const existing = byValue.get(value);
  if (existing === undefined) {
    if (record.iocCount >= MAX_IOCS) return;
    record.iocCount++;
    byValue.set(value, { type, value, count: 1, firstSeen: time, lastSeen: time });
    return;
  }
  existing.count++;
  if (time < existing.firstSeen) existing.firstSeen = time;
  if (time > existing.lastSeen) existing.lastSeen = time;
}

const MAX_AFFECTED = 1_000;

/**
 * Folds a match into a threat record: evidence, users, services, IoCs, timeline, severity and confidence.
 *
 * @param record - the threat
 * @param match - the match
 * @param limits - evidence and timeline caps
 */
export function absorbMatch(
  record: ThreatRecord,
  match: MatchReport,
  limits: { maxEvidence: number; maxTimeline: number },
): void {
  const { pattern } = record;
  record.matchCount++;
  record.eventCount += match.eventCount;
  const labels = match.steps ?? match.values;
  for (let i = 0; i < match.events.length; i++) {
    const event = match.events[i] as SecurityEvent;
    const t = event.timestamp;
    record.events.push(event);
    record.labels.push(labels?.[i] ?? null);
    record.severityTotal += SEVERITY_WEIGHT[event.severity];
    record.severityCount++;
    if (SEVERITY_RANK[event.severity] > SEVERITY_RANK[record.severity]) record.severity = event.severity;
    if (event.userId !== undefined) {
      if (record.users.size < MAX_AFFECTED) record.users.add(event.userId);
      addIoc(record, "user", event.userId, t);
    }
    if (record.services.size < MAX_AFFECTED) record.services.add(event.source);
    if (event.ipAddress !== undefined) addIoc(record, "ip", event.ipAddress, t);
    if (event.sessionId !== undefined) addIoc(record, "session", event.sessionId, t);
    const value = match.values?.[i];
    if (value !== undefined && pattern.distinctField !== undefined && pattern.distinctField !== "userId")
      addIoc(record, pattern.distinctField, value, t);
    for (const field of pattern.iocFields) {
      const v = field.read(event);
      if (typeof v === "string" || typeof v === "number") addIoc(record, field.path, String(v), t);
    }
    if (t < record.firstSeen) record.firstSeen = t;
    if (t > record.lastSeen) record.lastSeen = t;
  }
  const excess = record.events.length - limits.maxEvidence;
  if (excess > 0) {
    record.events.splice(0, excess);
    record.labels.splice(0, excess);
  }
  const firstMatch = record.matchCount === 1;
  record.marks.push({
    timestamp: match.end,
    kind: firstMatch ? "detected" : "updated",
    description: firstMatch
      ? `${pattern.name} detected for ${pattern.groupBy.join("+") || "all events"} "${record.groupKey}": ${describeMatch(match)}`
      : `${pattern.name} matched again: ${describeMatch(match)} (match ${record.matchCount})`,
  });
  if (record.marks.length > limits.maxTimeline) record.marks.splice(1, record.marks.length - limits.maxTimeline);
  record.updatedAt = match.end;
  const { confidence, factors } = scoreConfidence(record, match, pattern.windowMs);
  record.confidence = confidence;
  record.factors = factors;
}

/**
 * The timeline of a threat: one entry per evidence event plus detection, update and status entries, in time order
 * (evidence first at equal times), at most `max` entries (the oldest evidence entries are dropped first).
 *
 * @param record - the threat
 * @param max - the cap
 * @returns fresh entries
 */
export function buildTimeline(record: ThreatRecord, max: number): ThreatTimelineEntry[] {
  const { pattern } = record;
  const evidence: ThreatTimelineEntry[] = record.events.map((event, i) => {
    const label = record.labels[i] ?? null;
    const what = `${event.type} from ${event.source}`;
    const entry: ThreatTimelineEntry = {
      timestamp: event.timestamp,
      kind: "event",
      description:
        label === null
          ? what
          : pattern.distinctField === undefined
            ? `step "${label}": ${what}`
            : `${what} (${pattern.distinctField} ${JSON.stringify(label)})`,
      eventType: event.type,
    };
    if (label !== null && pattern.distinctField === undefined) entry.step = label;
    return entry;
  });
  const keep = Math.max(0, max - record.marks.length);
  const entries = [...evidence.slice(Math.max(0, evidence.length - keep)), ...record.marks.map((m) => ({ ...m }))];
  // Stable sort: evidence entries come before marks of the same time, marks keep their order.
  return entries.sort((a, b) => a.timestamp - b.timestamp);
}

function describeMatch(match: MatchReport): string {
  const seconds = Math.round((match.end - match.start) / 100) / 10;
  return `${match.matched} of ${match.required} required within ${seconds} s`;
}

/**
 * A new, empty threat record.
 *
 * @param id - its id
 * @param pattern - the pattern
 * @param groupKey - the key
 * @param time - event time of detection
 * @returns the record
 */
export function newThreatRecord(id: string, pattern: ThreatPatternInfo, groupKey: string, time: number): ThreatRecord {
  return {
    id,
    pattern,
    groupKey,
    status: "open",
    severity: pattern.severity,
    confidence: 0,
    factors: { volume: 0, tempo: 0, severity: 0, recurrence: 0 },
    events: [],
    eventCount: 0,
    matchCount: 0,
    severityTotal: 0,
    severityCount: 0,
    labels: [],
    users: new Set(),
    services: new Set(),
    iocs: new Map(),
    iocCount: 0,
    marks: [],
    firstSeen: time,
    lastSeen: time,
    detectedAt: time,
    updatedAt: time,
    evicted: false,
  };
}

/**
 * A detached, plain copy of a threat for listeners and getters (changing it changes nothing inside).
 *
 * @param record - the threat
 * @param maxTimeline - the most timeline entries
 * @returns the public view
 */
export function publicThreat(record: ThreatRecord, maxTimeline: number): CorrelatedThreat {
  const { pattern } = record;
  const threat = {
    id: record.id,
    type: pattern.threatType,
    patternId: pattern.id,
    patternName: pattern.name,
    description: pattern.description,
    groupBy: [...pattern.groupBy],
    groupKey: record.groupKey,
    confidence: record.confidence,
    confidenceFactors: { ...record.factors },
    severity: record.severity,
    events: [...record.events],
    eventCount: record.eventCount,
    matchCount: record.matchCount,
    affectedUsers: [...record.users],
    affectedServices: [...record.services],
    timeline: [] as readonly ThreatTimelineEntry[],
    ioCs: listIocs(record),
    recommendedActions: [...pattern.recommendedActions],
    status: record.status,
    firstSeen: record.firstSeen,
    lastSeen: record.lastSeen,
    detectedAt: record.detectedAt,
    updatedAt: record.updatedAt,
  };
  // The timeline's sentences are formatted on first read: announcements are frequent, reading timelines is not. What
  // it shows is fixed now (a copy of the evidence and marks), so the copy stays a snapshot of this moment.
  const frozen: ThreatRecord = {
    ...record,
    events: threat.events as SecurityEvent[],
    labels: [...record.labels],
    marks: [...record.marks],
  };
  let timeline: ThreatTimelineEntry[] | undefined;
  Object.defineProperty(threat, "timeline", {
    enumerable: true,
    configurable: true,
    get: () => {
      timeline ??= buildTimeline(frozen, maxTimeline);
      return timeline;
    },
    set: (value: ThreatTimelineEntry[]) => {
      timeline = value;
    },
  });
  return threat;
}

/**
 * A threat's IoCs as fresh objects, by type then first appearance.
 *
 * @param record - the threat
 * @returns the IoCs
 */
export function listIocs(record: ThreatRecord): IndicatorOfCompromise[] {
  const out: IndicatorOfCompromise[] = [];
  for (const byValue of record.iocs.values()) for (const ioc of byValue.values()) out.push({ ...ioc });
  return out;
}

/**
 * Checks a status change against the lifecycle.
 *
 * @param record - the threat
 * @param status - the requested status
 * @throws {@link CorrelatorError} `INVALID_TRANSITION` when not allowed
 */
export function checkTransition(record: ThreatRecord, status: ThreatStatus): void {
  const allowed = THREAT_TRANSITIONS[record.status];
  if (!allowed.includes(status)) {
    throw new CorrelatorError(
      "INVALID_TRANSITION",
      `Threat ${record.id} is "${record.status}" and cannot become "${status}"; from "${record.status}" it can become ${
        allowed.map((s) => `"${s}"`).join(", ") || "nothing"
      }.`,
    );
  }
}

/** Holds threats by id, dropping the oldest beyond a cap. */
export class ThreatStore {
  private readonly byId = new Map<string, ThreatRecord>();
  /** Threats dropped because of the cap. */
  evicted = 0;

  /** @param maxThreats - the most threats kept */
  constructor(readonly maxThreats: number) {}

  /** How many threats are held. */
  get size(): number {
    return this.byId.size;
  }

  /**
   * Adds a threat, dropping the oldest when over the cap.
   *
   * @param record - a new threat
   */
  add(record: ThreatRecord): void {
    this.byId.set(record.id, record);
    while (this.byId.size > this.maxThreats) {
      const oldest = this.byId.values().next().value as ThreatRecord;
      oldest.evicted = true;
      this.byId.delete(oldest.id);
      this.evicted++;
    }
  }

  /**
   * A threat by id.
   *
   * @param id - threat id
   * @returns the record or `undefined`
   */
  get(id: string): ThreatRecord | undefined {
    return this.byId.get(id);
  }

  /**
   * Every threat, oldest first.
   *
   * @returns the records
   */
  all(): ThreatRecord[] {
    return [...this.byId.values()];
  }

  /** Drops everything. */
  clear(): void {
    this.byId.clear();
  }
}
