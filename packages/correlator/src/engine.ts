import type { CompiledPattern } from "./compile.js";
import { SEVERITY_RANK, type SecurityEvent, type SecuritySeverity } from "./event.js";
import { derivedPattern, derivedType, markDerived } from "./filter.js";
import { KeyTable } from "./key-table.js";
import { ReorderBuffer } from "./reorder-buffer.js";
import {
  DistinctRuntime,
  type EventCodec,
  type MatchSink,
  type PatternRuntime,
  SequenceRuntime,
  ThresholdRuntime,
  UnorderedRuntime,
  type Verdicts,
  verdictsFor,
} from "./runtime.js";
import {
  absorbMatch,
  isActive,
  listIocs,
  type MatchReport,
  newThreatRecord,
  type ThreatRecord,
  type ThreatStatus,
  ThreatStore,
  type ThreatTimelineEntry,
} from "./threats.js";

/** The validated numeric options an engine runs with. */
export interface EngineLimits {
  allowedLatenessMs: number;
  maxBufferedEvents: number;
  maxTrackedKeys: number;
  maxPartialMatchesPerKey: number;
  maxEvidenceEvents: number;
  maxThreats: number;
  maxTimelineEntries: number;
  idPrefix: string;
  /** Take the fast paths (default); `false` only in tests that compare them with the general paths. */
  fastPaths?: boolean;
}

/** A change the correlator will announce once the current call has finished its state updates. */
export interface Notice {
  name: "threat_detected" | "threat_updated";
  record: ThreatRecord;
  reason: "detected" | "evidence" | "status";
  previousStatus?: ThreatStatus;
}

/** Counters kept by an engine. */
export interface EngineCounters {
  eventsAccepted: number;
  eventsProcessed: number;
  eventsLate: number;
  derivedEvents: number;
  threatsDetected: number;
  threatUpdates: number;
}

const DERIVED_SOURCE = "@athena/correlator";

/** The patterns an event type reaches, with the verdicts on their inputs for that type (parallel arrays). */
interface Route {
  runtimes: PatternRuntime[];
  verdicts: Verdicts[];
}
const TOP_LEVEL = new Set(["userId", "ipAddress", "sessionId"]);
const RESERVED = new Set(["type", "source", "severity", "timestamp", "data"]);

/**
 * All mutable state of a correlator: key tables, pattern runtimes, the reorder buffer, threats and counters. The
 * correlator swaps in a fresh engine on `restore`, so a bad snapshot never leaves half-restored state behind.
 */
export class Engine implements MatchSink {
  readonly runtimes: PatternRuntime[] = [];
  readonly tables: Map<string, KeyTable> = new Map();
  readonly buffer: ReorderBuffer = new ReorderBuffer();
  readonly threats: ThreatStore;
  readonly counters: EngineCounters = {
    eventsAccepted: 0,
    eventsProcessed: 0,
    eventsLate: 0,
    derivedEvents: 0,
    threatsDetected: 0,
    threatUpdates: 0,
  };
  /** The newest event time accepted. */
  maxTime: number = Number.NEGATIVE_INFINITY;
  /** Events older than this are late; buffered events up to it have been released. */
  watermark: number = Number.NEGATIVE_INFINITY;
  /** The number the next threat id takes. */
  nextThreat = 1;
  /** Announcements waiting for the end of the current call. */
  readonly notices: Notice[] = [];
  /** Per event type: the patterns that can care, in pattern order, and what is known about their inputs. */
  private readonly index = new Map<string, Route>();
  private readonly wildcard: PatternRuntime[] = [];
  private readonly wildcardRoute: Route;
  private readonly derivedQueue: SecurityEvent[] = [];
  private draining = false;

  constructor(
    readonly compiled: readonly CompiledPattern[],
    readonly limits: EngineLimits,
  ) {
    this.threats = new ThreatStore(limits.maxThreats);
    const runtimeLimits = {
      maxEvidence: limits.maxEvidenceEvents,
      maxPartials: limits.maxPartialMatchesPerKey,
      fastPaths: limits.fastPaths !== false,
    };
    for (const c of compiled) {
      let table = this.tables.get(c.tableName);
      if (table === undefined) {
        table = new KeyTable(c.tableName, limits.maxTrackedKeys);
        table.horizonMs = 0;
        this.tables.set(c.tableName, table);
      }
      table.horizonMs = Math.max(table.horizonMs, c.spec.windowMs, c.spec.suppressMs);
      let runtime: PatternRuntime;
      if (c.spec.kind === "threshold") runtime = new ThresholdRuntime(c.spec, table, this, runtimeLimits, c.threshold);
      else if (c.spec.kind === "distinct")
        runtime = new DistinctRuntime(c.spec, table, this, runtimeLimits, c.threshold);
      else if (c.ordered) runtime = new SequenceRuntime(c.spec, table, this, runtimeLimits, c.gaps, c.stepNames);
      else runtime = new UnorderedRuntime(c.spec, table, this, runtimeLimits, c.minSteps, c.stepNames);
      this.runtimes.push(runtime);
    }
    // Index by event type: one map lookup per event finds every pattern that can care, in pattern order.
    const typed = new Map<string, PatternRuntime[]>();
    for (const r of this.runtimes) {
      const types = r.indexTypes();
      if (types === undefined) this.wildcard.push(r);
      else for (const t of types) typed.set(t, [...(typed.get(t) ?? []), r]);
    }
    const order = new Map(this.runtimes.map((r, i) => [r, i]));
    const fast = runtimeLimits.fastPaths;
    for (const [type, list] of typed) {
      const merged = [...list, ...this.wildcard].sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
      const verdicts = merged.map((r) => (fast ? verdictsFor(r.spec.inputs, type) : undefined));
      this.index.set(type, { runtimes: merged, verdicts });
    }
    this.wildcardRoute = { runtimes: this.wildcard, verdicts: this.wildcard.map(() => undefined) };
  }

  /**
   * Takes one validated event: processes it now, buffers it until the watermark passes it, or reports it late.
   *
   * @param event - a validated event with a timestamp
   * @returns whether it was accepted or late
   */
  accept(event: SecurityEvent): "accepted" | "late" {
    const t = event.timestamp;
    if (t < this.watermark) {
      this.counters.eventsLate++;
      return "late";
    }
    this.counters.eventsAccepted++;
    if (t > this.maxTime) this.maxTime = t;
    const lateness = this.limits.allowedLatenessMs;
    if (lateness === 0) {
      this.watermark = this.maxTime;
      if (this.buffer.size === 0) {
        this.dispatch(event);
        return "accepted";
      }
    } else {
      const candidate = this.maxTime - lateness;
      if (candidate > this.watermark) this.watermark = candidate;
    }
    this.buffer.push(event);
    this.release();
    return "accepted";
  }

  /**
   * Moves the watermark to at least `time` and processes every buffered event up to it.
   *
   * @param time - an event time
   */
  advanceTo(time: number): void {
    if (time > this.watermark) this.watermark = time;
    this.release();
    for (const table of this.tables.values()) table.expire(this.watermark);
  }

  /** Processes every buffered event now (the watermark moves to the newest event seen). */
  flush(): void {
    if (this.maxTime > this.watermark) this.watermark = this.maxTime;
    this.release();
  }

  private release(): void {
    const buffer = this.buffer;
    while (buffer.size > 0 && buffer.peekTime() <= this.watermark) this.dispatch(buffer.shift() as SecurityEvent);
    while (buffer.size > this.limits.maxBufferedEvents) {
      const event = buffer.shift() as SecurityEvent;
      if (event.timestamp > this.watermark) this.watermark = event.timestamp;
      this.dispatch(event);
    }
  }

  private dispatch(event: SecurityEvent): void {
    this.counters.eventsProcessed++;
    const route = this.index.get(event.type) ?? this.wildcardRoute;
    const list = route.runtimes;
    const verdicts = route.verdicts;
    for (let i = 0; i < list.length; i++) (list[i] as PatternRuntime).process(event, verdicts[i]);
    if (this.derivedQueue.length > 0 && !this.draining) {
      this.draining = true;
      try {
        for (let d = this.derivedQueue.shift(); d !== undefined; d = this.derivedQueue.shift()) {
          this.counters.derivedEvents++;
          const route = this.index.get(d.type) ?? this.wildcardRoute;
          const targets = route.runtimes;
          for (let i = 0; i < targets.length; i++) (targets[i] as PatternRuntime).process(d, route.verdicts[i]);
        }
      } finally {
        this.draining = false;
      }
    }
  }

  /** {@inheritDoc MatchSink.report} */
  report(runtime: PatternRuntime, slot: number, key: string, match: MatchReport): void {
    const spec = runtime.spec;
    if (spec.output !== "threat") this.derive(runtime, key, match);
    if (spec.output === "event") return;
    const limits = { maxEvidence: this.limits.maxEvidenceEvents, maxTimeline: this.limits.maxTimelineEntries };
    const active = runtime.suppress[slot];
    if (active !== undefined && match.end <= active.until && !active.threat.evicted && isActive(active.threat.status)) {
      absorbMatch(active.threat, match, limits);
      this.counters.threatUpdates++;
      this.notices.push({ name: "threat_updated", record: active.threat, reason: "evidence" });
      return;
    }
    const record = newThreatRecord(`${this.limits.idPrefix}-${this.nextThreat++}`, spec.info, key, match.end);
    absorbMatch(record, match, limits);
    this.threats.add(record);
    this.counters.threatsDetected++;
    runtime.setSuppression(
      slot,
      spec.suppressMs > 0 ? { threat: record, until: match.end + spec.suppressMs } : undefined,
    );
    this.notices.push({ name: "threat_detected", record, reason: "detected" });
  }

  private derive(runtime: PatternRuntime, key: string, match: MatchReport): void {
    const spec = runtime.spec;
    let severity: SecuritySeverity = spec.info.severity;
    for (const e of match.events) if (SEVERITY_RANK[e.severity] > SEVERITY_RANK[severity]) severity = e.severity;
    const derived: SecurityEvent = {
      type: derivedType(spec.info.id),
      source: DERIVED_SOURCE,
      severity,
      timestamp: match.end,
      data: { patternId: spec.info.id, groupKey: key, eventCount: match.eventCount },
    };
    const last = match.events[match.events.length - 1];
    const input = last === undefined ? undefined : spec.inputs.find((i) => i.match(last));
    if (last !== undefined && input !== undefined) {
      spec.groupBy.forEach((name, i) => {
        const value = (input.fields[i] as (e: SecurityEvent) => unknown)(last);
        if (value !== undefined) setPath(derived, name, value);
      });
    }
    markDerived(derived, spec.info.id);
    this.derivedQueue.push(derived);
  }

  /** Frees keys idle past their horizon in every table. */
  expireIdle(): void {
    for (const table of this.tables.values()) table.expire(this.watermark);
  }

  /**
   * Encodes every piece of state as JSON-ready data.
   *
   * @returns the snapshot body
   */
  encode(): EngineSnapshot {
    const events: SnapshotEvent[] = [];
    const refs = new Map<SecurityEvent, number>();
    const codec: EventCodec = {
      ref: (event) => {
        let index = refs.get(event);
        if (index === undefined) {
          index = events.length;
          refs.set(event, index);
          const from = derivedPattern(event);
          events.push(
            from === undefined ? { event: copyEvent(event) } : { event: copyEvent(event), derivedFrom: from },
          );
        }
        return index;
      },
      deref: () => {
        throw new Error("not decoding");
      },
    };
    const tables: SnapshotTable[] = [];
    for (const [name, table] of this.tables) {
      const owners = this.runtimes.map((r, i) => [r, i] as const).filter(([r]) => r.table === table);
      const keys: SnapshotKey[] = [];
      for (const slot of table.slotsInLruOrder()) {
        const states: [number, unknown][] = [];
        const suppress: [number, string, number][] = [];
        for (const [r, i] of owners) {
          const data = r.encode(slot, codec);
          if (data !== undefined) states.push([i, data]);
          const s = r.suppress[slot];
          if (s !== undefined && !s.threat.evicted) suppress.push([i, s.threat.id, s.until]);
        }
        keys.push({ key: table.keyOf(slot) as string, lastSeen: table.lastSeenOf(slot), states, suppress });
      }
      tables.push({ name, keys, evictions: table.evictions, expirations: table.expirations });
    }
    const threats = this.threats.all().map((r) => ({
      id: r.id,
      patternId: r.pattern.id,
      groupKey: r.groupKey,
      status: r.status,
      severity: r.severity,
      confidence: r.confidence,
      factors: { ...r.factors },
      events: r.events.map(codec.ref),
      eventCount: r.eventCount,
      matchCount: r.matchCount,
      severityTotal: r.severityTotal,
      severityCount: r.severityCount,
      labels: [...r.labels],
      users: [...r.users],
      services: [...r.services],
      iocs: listIocs(r),
      marks: r.marks.map((e) => ({ ...e })),
      firstSeen: r.firstSeen,
      lastSeen: r.lastSeen,
      detectedAt: r.detectedAt,
      updatedAt: r.updatedAt,
    }));
    const buffer = this.buffer.toArray().map(codec.ref);
    return {
      maxTime: Number.isFinite(this.maxTime) ? this.maxTime : null,
      watermark: Number.isFinite(this.watermark) ? this.watermark : null,
      nextThreat: this.nextThreat,
      counters: { ...this.counters },
      discarded: this.runtimes.map((r) => r.discarded),
      threatsEvicted: this.threats.evicted,
      events,
      buffer,
      tables,
      threats,
    };
  }

  /**
   * Fills this fresh engine from a snapshot body that passed the schema.
   *
   * @param body - the snapshot body
   * @throws Error with a readable message when the body is inconsistent
   */
  decode(body: EngineSnapshot): void {
    const events = body.events.map(({ event, derivedFrom }) => {
      const copy = copyEvent(event);
      if (derivedFrom !== undefined) markDerived(copy, derivedFrom);
      return copy;
    });
    const codec: EventCodec = {
      ref: () => {
        throw new Error("not encoding");
      },
      deref: (index) => {
        const event = events[index];
        if (event === undefined) throw new Error(`event reference ${index} is out of range`);
        return event;
      },
    };
    const byId = new Map(this.runtimes.map((r) => [r.spec.info.id, r]));
    const records = new Map<string, ThreatRecord>();
    for (const t of body.threats) {
      const runtime = byId.get(t.patternId);
      if (runtime === undefined) throw new Error(`threat ${t.id} belongs to unknown pattern "${t.patternId}"`);
      if (records.has(t.id)) throw new Error(`threat id ${t.id} appears twice`);
      const record = newThreatRecord(t.id, runtime.spec.info, t.groupKey, t.detectedAt);
      Object.assign(record, {
        status: t.status,
        severity: t.severity,
        confidence: t.confidence,
        factors: { ...t.factors },
        events: t.events.map(codec.deref),
        eventCount: t.eventCount,
        matchCount: t.matchCount,
        severityTotal: t.severityTotal,
        severityCount: t.severityCount,
        labels: [...t.labels],
        users: new Set(t.users),
        services: new Set(t.services),
        marks: t.marks.map((e) => ({ ...e })),
        firstSeen: t.firstSeen,
        lastSeen: t.lastSeen,
        updatedAt: t.updatedAt,
      });
      if (record.labels.length !== record.events.length)
        throw new Error(`threat ${t.id} has ${t.labels.length} labels for ${t.events.length} events`);
      for (const ioc of t.iocs) {
        let byValue = record.iocs.get(ioc.type);
        if (byValue === undefined) {
          byValue = new Map();
          record.iocs.set(ioc.type, byValue);
        }
        if (!byValue.has(ioc.value)) record.iocCount++;
        byValue.set(ioc.value, { ...ioc });
      }
      records.set(t.id, record);
      this.threats.add(record);
    }
    if (this.threats.size < records.size)
      throw new Error(`the snapshot holds ${records.size} threats but maxThreats is ${this.limits.maxThreats}`);
    for (const t of body.tables) {
      const table = this.tables.get(t.name);
      if (table === undefined) throw new Error(`the snapshot has a key table "${t.name}" that no pattern groups by`);
      if (t.keys.length > table.maxKeys)
        throw new Error(`the snapshot tracks ${t.keys.length} "${t.name}" keys but maxTrackedKeys is ${table.maxKeys}`);
      for (const k of t.keys) {
        if (table.find(k.key) >= 0) throw new Error(`key "${k.key}" appears twice in table "${t.name}"`);
        const slot = table.touch(k.key, k.lastSeen, -1, true);
        for (const [i, data] of k.states) {
          const runtime = this.runtimes[i];
          if (runtime === undefined || runtime.table !== table)
            throw new Error(`state for pattern #${i} does not belong to table "${t.name}"`);
          runtime.decode(slot, data, codec);
          table.mark(slot, runtime.owner);
        }
        for (const [i, id, until] of k.suppress) {
          const runtime = this.runtimes[i];
          const threat = records.get(id);
          if (runtime === undefined || threat === undefined || runtime.table !== table)
            throw new Error(`suppression for pattern #${i} refers to unknown threat ${id} or another table`);
          runtime.setSuppression(slot, { threat, until });
          table.mark(slot, runtime.owner);
        }
      }
      table.evictions = t.evictions;
      table.expirations = t.expirations;
    }
    for (const index of body.buffer) this.buffer.push(codec.deref(index));
    this.maxTime = body.maxTime ?? Number.NEGATIVE_INFINITY;
    this.watermark = body.watermark ?? Number.NEGATIVE_INFINITY;
    this.nextThreat = body.nextThreat;
    Object.assign(this.counters, body.counters);
    body.discarded.forEach((n, i) => {
      const runtime = this.runtimes[i];
      if (runtime !== undefined) runtime.discarded = n;
    });
    this.threats.evicted = body.threatsEvicted;
  }
}

function setPath(event: SecurityEvent, path: string, value: unknown): void {
  if (TOP_LEVEL.has(path)) {
    if (typeof value === "string") (event as unknown as Record<string, unknown>)[path] = value;
    else if (typeof value === "number" || typeof value === "boolean")
      (event as unknown as Record<string, unknown>)[path] = String(value);
    return;
  }
  if (RESERVED.has(path)) return;
  const parts = path.split(".");
  let target = event as unknown as Record<string, unknown>;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next = target[part];
    if (typeof next === "object" && next !== null && !Array.isArray(next)) target = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      target[part] = created;
      target = created;
    }
  }
  target[parts[parts.length - 1] as string] = value;
}

function copyEvent(event: SecurityEvent): SecurityEvent {
  const copy: SecurityEvent = {
    type: event.type,
    source: event.source,
    severity: event.severity,
    timestamp: event.timestamp,
  };
  if (event.userId !== undefined) copy.userId = event.userId;
  if (event.ipAddress !== undefined) copy.ipAddress = event.ipAddress;
  if (event.sessionId !== undefined) copy.sessionId = event.sessionId;
  if (event.data !== undefined) copy.data = event.data;
  return copy;
}

/** One event in a snapshot. */
export interface SnapshotEvent {
  event: SecurityEvent;
  derivedFrom?: string;
}

/** One tracked key in a snapshot: its per-pattern state and suppressions, by pattern index. */
export interface SnapshotKey {
  key: string;
  lastSeen: number;
  states: [number, unknown][];
  suppress: [number, string, number][];
}

/** One key table in a snapshot, keys from least to most recently used. */
export interface SnapshotTable {
  name: string;
  keys: SnapshotKey[];
  evictions: number;
  expirations: number;
}

/** One threat in a snapshot; events by reference. */
export interface SnapshotThreat {
  id: string;
  patternId: string;
  groupKey: string;
  status: ThreatStatus;
  severity: SecuritySeverity;
  confidence: number;
  factors: { volume: number; tempo: number; severity: number; recurrence: number };
  events: number[];
  eventCount: number;
  matchCount: number;
  severityTotal: number;
  severityCount: number;
  labels: (string | null)[];
  users: string[];
  services: string[];
  iocs: { type: string; value: string; count: number; firstSeen: number; lastSeen: number }[];
  marks: ThreatTimelineEntry[];
  firstSeen: number;
  lastSeen: number;
  detectedAt: number;
  updatedAt: number;
}

/** The engine part of a snapshot. */
export interface EngineSnapshot {
  maxTime: number | null;
  watermark: number | null;
  nextThreat: number;
  counters: EngineCounters;
  discarded: number[];
  threatsEvicted: number;
  events: SnapshotEvent[];
  buffer: number[];
  tables: SnapshotTable[];
  threats: SnapshotThreat[];
}
