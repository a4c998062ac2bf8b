import { z } from "zod";
import { type CompiledPattern, compilePatterns } from "./compile.js";
import { Engine, type EngineLimits, type Notice } from "./engine.js";
import { CorrelatorError } from "./errors.js";
import { type Clock, checkEvent, invalidEvent, type SecurityEvent, type SecurityEventInput } from "./event.js";
import { type CorrelationPattern, createDefaultPatterns, patternSchema } from "./patterns.js";
import { type CorrelatorSnapshot, parseSnapshot } from "./snapshot.js";
import { type CorrelatedThreat, checkTransition, publicThreat, THREAT_STATUSES, type ThreatStatus } from "./threats.js";

/**
 * Options of {@link createSecurityEventCorrelator}. Every field is optional.
 *
 * @example
 * ```ts
 * import { createSecurityEventCorrelator, type CorrelatorOptions } from "@athena/correlator";
 *
 * const options: CorrelatorOptions = { allowedLatenessMs: 2_000, maxTrackedKeys: 50_000, idPrefix: "eu-1" };
 * const correlator = createSecurityEventCorrelator(options);
 * ```
 */
export interface CorrelatorOptions {
  /** Window of patterns that give none (and of the default prompt injection pattern). @defaultValue `300000` */
  timeWindowMs?: number;
  /** Count of threshold patterns that give none (and of the default prompt injection pattern). @defaultValue `5` */
  minEventsForThreat?: number;
  /** The patterns to run. @defaultValue {@link createDefaultPatterns} with the two options above */
  patterns?: readonly CorrelationPattern[];
  /** Where time comes from when an event has no timestamp and for status changes. @defaultValue `Date` */
  clock?: Clock;
  /**
   * How far (ms of event time) an event may lag behind the newest one seen and still be processed in its place.
   * With 0, events are processed as they arrive and any event older than the newest is late. With more, events wait
   * in a reorder buffer until the watermark (newest − lateness) passes them, so threats are reported up to this much
   * event time later (or at `flush()`/`advanceTo()`). @defaultValue `0`
   */
  allowedLatenessMs?: number;
  /** The most events the reorder buffer holds; beyond it the oldest are processed early. @defaultValue `100000` */
  maxBufferedEvents?: number;
  /**
   * The most group keys tracked per group-by (patterns grouping by the same fields share one table); the least
   * recently used key is evicted beyond it. @defaultValue `100000`
   */
  maxTrackedKeys?: number;
  /** The most partial matches of one sequence pattern per key; the oldest is dropped beyond it. @defaultValue `16` */
  maxPartialMatchesPerKey?: number;
  /** The most evidence events kept per threat (and per key of a threshold pattern). @defaultValue `50` */
  maxEvidenceEvents?: number;
  /** The most threats kept; the oldest are forgotten beyond it. @defaultValue `10000` */
  maxThreats?: number;
  /** The most timeline entries per threat; the oldest evidence entries go first. @defaultValue `200` */
  maxTimelineEntries?: number;
  /** Prefix of threat ids (`<prefix>-<n>`); give each shard its own. @defaultValue `"threat"` */
  idPrefix?: string;
}

const optionsSchema = z.strictObject({
  timeWindowMs: z
    .number()
    .int()
    .positive()
    .max(366 * 86_400_000)
    .default(300_000),
  minEventsForThreat: z.number().int().min(1).max(1_000_000).default(5),
  patterns: z.array(patternSchema).max(100_000).optional(),
  clock: z
    .custom<Clock>(
      (v) => typeof v === "object" && v !== null && typeof (v as { now?: unknown }).now === "function",
      "clock must be an object with a now() method returning milliseconds since the epoch",
    )
    .optional(),
  allowedLatenessMs: z.number().int().min(0).max(86_400_000).default(0),
  maxBufferedEvents: z.number().int().min(1).max(100_000_000).default(100_000),
  maxTrackedKeys: z.number().int().min(1).max(100_000_000).default(100_000),
  maxPartialMatchesPerKey: z.number().int().min(1).max(1_000).default(16),
  maxEvidenceEvents: z.number().int().min(1).max(100_000).default(50),
  maxThreats: z.number().int().min(1).max(10_000_000).default(10_000),
  maxTimelineEntries: z.number().int().min(10).max(100_000).default(200),
  idPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "idPrefix has 1 to 64 letters, digits, '_', '-', '.' or ':'")
    .default("threat"),
});

/** Why a `threat_updated` announcement was made. */
export interface ThreatChange {
  /** `"evidence"`: a new match was merged in (suppression); `"status"`: `updateThreatStatus` changed it. */
  reason: "evidence" | "status";
  /** For status changes: the status before. */
  previousStatus?: ThreatStatus;
}

/** The announcements of a correlator and their listeners. */
export interface CorrelatorEvents {
  /** A new threat. */
  threat_detected: (threat: CorrelatedThreat) => void;
  /** A threat got new evidence or a new status. */
  threat_updated: (threat: CorrelatedThreat, change: ThreatChange) => void;
  /** An event arrived too late to be processed (older than the watermark); it was not recorded. */
  event_late: (event: SecurityEvent) => void;
  /** A listener threw; with an `error` listener present, such errors go here instead of out of `addEvent`. */
  error: (error: CorrelatorError) => void;
}

/** A registered listener; `dispose()` removes it. */
export interface Subscription {
  /** Removes the listener (idempotent). */
  dispose(): void;
  /** Same as `dispose()`. */
  [Symbol.dispose](): void;
}

/** What `addEvent` did with an event. */
export type AddEventOutcome = "accepted" | "late";

/** Which threats `getThreats` returns. */
export interface ThreatQuery {
  /** Only these statuses. */
  status?: ThreatStatus | readonly ThreatStatus[];
  /** Only this pattern. */
  patternId?: string;
  /** Only this group key. */
  groupKey?: string;
}

/** Counters and sizes, for dashboards and tests. */
export interface CorrelatorStats {
  /** Events taken by `addEvent` (processed or buffered). */
  eventsAccepted: number;
  /** Events run through the patterns. */
  eventsProcessed: number;
  /** Events refused as late. */
  eventsLate: number;
  /** Events refused as invalid. */
  eventsRejected: number;
  /** Derived events fed back by patterns with `output: "event"`/`"both"`. */
  derivedEvents: number;
  /** Events waiting in the reorder buffer. */
  bufferedEvents: number;
  /** Threats opened. */
  threatsDetected: number;
  /** Matches merged into an open threat. */
  threatUpdates: number;
  /** Threats held now. */
  threatsHeld: number;
  /** Threats forgotten because of `maxThreats`. */
  threatsEvicted: number;
  /** Group keys tracked now, all tables together. */
  keysTracked: number;
  /** Keys evicted by the LRU cap while they could still hold live state. */
  keysEvicted: number;
  /** Keys dropped after being idle longer than their patterns' windows. */
  keysExpired: number;
  /** Partial matches discarded by `until`, expiry or the per-key cap. */
  partialMatchesDiscarded: number;
  /** Events older than this (ms) are late; `null` before the first event. */
  watermark: number | null;
}

/** One pattern as the correlator runs it. */
export interface PatternSummary {
  /** The pattern id. */
  id: string;
  /** Its name. */
  name: string;
  /** Its kind (`"sequence"` covers ordered and unordered). */
  kind: CorrelationPattern["kind"];
  /** Its group-by paths. */
  groupBy: readonly string[];
  /** Its window in ms. */
  windowMs: number;
  /** Its suppression window in ms. */
  suppressMs: number;
}

/**
 * Correlates security events into threats in event time. Create it with {@link createSecurityEventCorrelator}.
 *
 * @example
 * ```ts
 * import { createSecurityEventCorrelator, type SecurityEventCorrelator } from "@athena/correlator";
 *
 * const correlator: SecurityEventCorrelator = createSecurityEventCorrelator();
 * const subscription = correlator.on("threat_updated", (threat, change) => console.log(threat.id, change.reason));
 * const saved = JSON.stringify(correlator.snapshot());
 * subscription.dispose();
 * correlator.dispose();
 * ```
 */
export interface SecurityEventCorrelator {
  /**
   * Takes one event. Valid events are processed now (or, with `allowedLatenessMs`, once the watermark passes them);
   * threats are announced before this returns.
   *
   * @param event - the event; `timestamp` defaults to the clock
   * @returns `"accepted"`, or `"late"` when older than the watermark (not recorded; `event_late` is announced)
   * @throws {@link CorrelatorError} `INVALID_EVENT` (nothing recorded), `LISTENER_FAILED`, `DISPOSED`
   */
  addEvent(event: SecurityEventInput): AddEventOutcome;
  /**
   * Takes many events in order; stops at the first invalid one (earlier ones stay recorded).
   *
   * @param events - the events
   * @returns how many were accepted (not late)
   * @throws {@link CorrelatorError} like `addEvent`; the message gives the failing event's position
   */
  addEvents(events: Iterable<SecurityEventInput>): number;
  /**
   * Registers a listener.
   *
   * @param name - `threat_detected`, `threat_updated`, `event_late` or `error`
   * @param listener - the listener
   * @returns a subscription whose `dispose()` removes it
   */
  on<K extends keyof CorrelatorEvents>(name: K, listener: CorrelatorEvents[K]): Subscription;
  /**
   * Removes a listener registered with `on`.
   *
   * @param name - the announcement
   * @param listener - the same function
   */
  off<K extends keyof CorrelatorEvents>(name: K, listener: CorrelatorEvents[K]): void;
  /**
   * A copy of one threat.
   *
   * @param id - the threat id
   * @returns the threat, or `undefined` when not held
   */
  getThreat(id: string): CorrelatedThreat | undefined;
  /**
   * Copies of the threats held, oldest first.
   *
   * @param query - optional filters
   * @returns the threats
   */
  getThreats(query?: ThreatQuery): CorrelatedThreat[];
  /**
   * Moves a threat through its lifecycle and announces `threat_updated`.
   *
   * @param id - the threat id
   * @param status - the new status
   * @param note - optional words for the timeline, e.g. who did what
   * @returns a copy of the updated threat
   * @throws {@link CorrelatorError} `THREAT_NOT_FOUND`, `INVALID_TRANSITION`, `LISTENER_FAILED`, `DISPOSED`
   */
  updateThreatStatus(id: string, status: ThreatStatus, note?: string): CorrelatedThreat;
  /**
   * Moves the watermark to `time − allowedLatenessMs` at least, processing buffered events up to it, and frees keys
   * idle past their windows. Call it on a timer when events can be sparse and lateness is set.
   *
   * @param time - event time; defaults to the clock
   * @throws {@link CorrelatorError} `LISTENER_FAILED`, `DISPOSED`
   */
  advanceTo(time?: number): void;
  /**
   * Processes every buffered event now (end of a replay, before a snapshot you want without a buffer).
   *
   * @throws {@link CorrelatorError} `LISTENER_FAILED`, `DISPOSED`
   */
  flush(): void;
  /** Counters and sizes. */
  stats(): CorrelatorStats;
  /** The patterns it runs. */
  patterns(): PatternSummary[];
  /**
   * All state as JSON-ready data (see {@link CorrelatorSnapshot}). Event `data` is included as given: keep it JSON.
   *
   * @returns the snapshot
   */
  snapshot(): CorrelatorSnapshot;
  /**
   * Replaces all state with a snapshot's. On any problem nothing changes.
   *
   * @param snapshot - what `snapshot()` returned, possibly through `JSON.parse(JSON.stringify(...))`
   * @throws {@link CorrelatorError} `INVALID_SNAPSHOT`, `DISPOSED`
   */
  restore(snapshot: unknown): void;
  /** Whether `dispose()` was called. */
  readonly disposed: boolean;
  /** Drops all state and listeners; later calls throw `DISPOSED`. Idempotent. */
  dispose(): void;
  /** Same as `dispose()`. */
  [Symbol.dispose](): void;
}

type Listener = (...args: never[]) => void;

/**
 * Creates a security event correlator.
 *
 * @param options - see {@link CorrelatorOptions}; all optional
 * @returns the correlator
 * @throws {@link CorrelatorError} `INVALID_OPTIONS` when an option or pattern does not validate
 * @example
 * ```ts
 * import { createSecurityEventCorrelator } from "@athena/correlator";
 *
 * const correlator = createSecurityEventCorrelator({ minEventsForThreat: 3 });
 * correlator.on("threat_detected", (threat) => console.log(threat.type, threat.groupKey, threat.confidence));
 * for (let i = 0; i < 3; i++) {
 *   correlator.addEvent({
 *     type: "PROMPT_INJECTION_ATTEMPT",
 *     source: "@athena/sandbox-wasm",
 *     severity: "high",
 *     userId: "mallory",
 *     timestamp: 1_700_000_000_000 + i * 1_000,
 *   });
 * }
 * // → PROMPT_INJECTION_CAMPAIGN mallory 0.673
 * ```
 */
export function createSecurityEventCorrelator(options: CorrelatorOptions = {}): SecurityEventCorrelator {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new CorrelatorError(
      "INVALID_OPTIONS",
      `Invalid correlator options:\n${z.prettifyError(parsed.error)}\nFix the options listed above (see CorrelatorOptions).`,
      { cause: parsed.error },
    );
  }
  const o = parsed.data;
  const clock: Clock = o.clock ?? { now: () => Date.now() };
  const patterns =
    (o.patterns as CorrelationPattern[] | undefined) ??
    createDefaultPatterns({ timeWindowMs: o.timeWindowMs, minEventsForThreat: o.minEventsForThreat });
  let compiled: CompiledPattern[];
  try {
    compiled = compilePatterns(patterns, { timeWindowMs: o.timeWindowMs, minEventsForThreat: o.minEventsForThreat });
  } catch (error) {
    throw new CorrelatorError("INVALID_OPTIONS", `Invalid correlator patterns: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  const limits: EngineLimits = {
    allowedLatenessMs: o.allowedLatenessMs,
    maxBufferedEvents: o.maxBufferedEvents,
    maxTrackedKeys: o.maxTrackedKeys,
    maxPartialMatchesPerKey: o.maxPartialMatchesPerKey,
    maxEvidenceEvents: o.maxEvidenceEvents,
    maxThreats: o.maxThreats,
    maxTimelineEntries: o.maxTimelineEntries,
    idPrefix: o.idPrefix,
  };
  let engine = new Engine(compiled, limits);
  let disposed = false;
  // Kept outside the engine: a refused event changes no correlation state (not even the snapshot's counters).
  let rejected = 0;
  const listeners: { [K in keyof CorrelatorEvents]: CorrelatorEvents[K][] } = {
    threat_detected: [],
    threat_updated: [],
    event_late: [],
    error: [],
  };

  const assertAlive = (): void => {
    if (disposed) throw new CorrelatorError("DISPOSED", "This correlator was disposed; create a new one.");
  };

  const call = (fn: Listener, args: unknown[], failures: CorrelatorError[], what: string): void => {
    try {
      (fn as (...a: unknown[]) => void)(...args);
    } catch (error) {
      failures.push(
        new CorrelatorError("LISTENER_FAILED", `A ${what} listener threw: ${(error as Error)?.message ?? error}`, {
          cause: error,
        }),
      );
    }
  };

  /** Delivers queued announcements after the state is consistent; listener errors never corrupt state. */
  const announce = (late?: SecurityEvent): void => {
    if (engine.notices.length === 0 && late === undefined) return;
    const notices: Notice[] = engine.notices.splice(0);
    const failures: CorrelatorError[] = [];
    if (late !== undefined) for (const l of [...listeners.event_late]) call(l, [late], failures, "event_late");
    for (const notice of notices) {
      const list = notice.name === "threat_detected" ? listeners.threat_detected : listeners.threat_updated;
      if (list.length === 0) continue;
      const threat = publicThreat(notice.record, limits.maxTimelineEntries);
      const args: unknown[] =
        notice.name === "threat_detected"
          ? [threat]
          : [
              threat,
              notice.previousStatus === undefined
                ? { reason: notice.reason }
                : { reason: notice.reason, previousStatus: notice.previousStatus },
            ];
      for (const l of [...list]) call(l, args, failures, notice.name);
    }
    if (failures.length === 0) return;
    if (listeners.error.length > 0) {
      for (const failure of failures) for (const l of [...listeners.error]) l(failure);
      return;
    }
    throw failures[0];
  };

  /** Validates and takes one event; the event actually recorded (timestamp filled in) is left in `lastEvent`. */
  let lastEvent: SecurityEvent | undefined;
  const accept = (input: SecurityEventInput): AddEventOutcome => {
    const problem = checkEvent(input, false);
    if (problem !== undefined) {
      rejected++;
      invalidEvent(problem);
    }
    const event: SecurityEvent =
      input.timestamp === undefined ? { ...input, timestamp: clock.now() } : (input as SecurityEvent);
    lastEvent = event;
    return engine.accept(event);
  };

  const correlator: SecurityEventCorrelator = {
    addEvent(input) {
      assertAlive();
      const outcome = accept(input);
      if (outcome === "late") announce(lastEvent);
      else if (engine.notices.length > 0) announce();
      return outcome;
    },
    addEvents(events) {
      assertAlive();
      let accepted = 0;
      let position = 0;
      const late: SecurityEvent[] = [];
      try {
        for (const input of events) {
          let outcome: AddEventOutcome;
          try {
            outcome = accept(input);
          } catch (error) {
            throw new CorrelatorError("INVALID_EVENT", `Event #${position}: ${(error as Error).message}`, {
              cause: error,
            });
          }
          if (outcome === "accepted") accepted++;
          else if (listeners.event_late.length > 0) late.push(lastEvent as SecurityEvent);
          position++;
        }
      } finally {
        for (const event of late) announce(event);
        announce();
      }
      return accepted;
    },
    on(name, listener) {
      assertAlive();
      const list = listeners[name] as Listener[];
      list.push(listener as Listener);
      let active = true;
      const dispose = (): void => {
        if (!active) return;
        active = false;
        const i = list.indexOf(listener as Listener);
        if (i >= 0) list.splice(i, 1);
      };
      return { dispose, [Symbol.dispose]: dispose };
    },
    off(name, listener) {
      const list = listeners[name] as Listener[];
      const i = list.indexOf(listener as Listener);
      if (i >= 0) list.splice(i, 1);
    },
    getThreat(id) {
      assertAlive();
      const record = engine.threats.get(id);
      return record === undefined ? undefined : publicThreat(record, limits.maxTimelineEntries);
    },
    getThreats(query = {}) {
      assertAlive();
      const statuses =
        query.status === undefined
          ? undefined
          : new Set(typeof query.status === "string" ? [query.status] : query.status);
      return engine.threats
        .all()
        .filter(
          (r) =>
            (statuses === undefined || statuses.has(r.status)) &&
            (query.patternId === undefined || r.pattern.id === query.patternId) &&
            (query.groupKey === undefined || r.groupKey === query.groupKey),
        )
        .map((r) => publicThreat(r, limits.maxTimelineEntries));
    },
    updateThreatStatus(id, status, note) {
      assertAlive();
      if (!THREAT_STATUSES.includes(status))
        throw new CorrelatorError(
          "INVALID_TRANSITION",
          `"${String(status)}" is not a threat status; use one of ${THREAT_STATUSES.map((s) => `"${s}"`).join(", ")}.`,
        );
      const record = engine.threats.get(id);
      if (record === undefined)
        throw new CorrelatorError(
          "THREAT_NOT_FOUND",
          `No threat "${id}" is held (it may never have existed or was dropped beyond maxThreats); list them with getThreats().`,
        );
      checkTransition(record, status);
      const previousStatus = record.status;
      const now = clock.now();
      record.status = status;
      record.updatedAt = now;
      record.marks.push({
        timestamp: now,
        kind: "status",
        description: `status ${previousStatus} → ${status}${note === undefined ? "" : `: ${note}`}`,
        status,
      });
      if (record.marks.length > limits.maxTimelineEntries) record.marks.splice(1, 1);
      const copy = publicThreat(record, limits.maxTimelineEntries);
      engine.notices.push({ name: "threat_updated", record, reason: "status", previousStatus });
      announce();
      return copy;
    },
    advanceTo(time) {
      assertAlive();
      const t = time ?? clock.now();
      if (typeof t !== "number" || !Number.isFinite(t))
        throw new CorrelatorError("INVALID_OPTIONS", `advanceTo needs a finite time in ms (got ${String(t)}).`);
      engine.advanceTo(t - limits.allowedLatenessMs);
      announce();
    },
    flush() {
      assertAlive();
      engine.flush();
      announce();
    },
    stats() {
      let keysTracked = 0;
      let keysEvicted = 0;
      let keysExpired = 0;
      for (const table of engine.tables.values()) {
        keysTracked += table.size;
        keysEvicted += table.evictions;
        keysExpired += table.expirations;
      }
      return {
        ...engine.counters,
        eventsRejected: rejected,
        bufferedEvents: engine.buffer.size,
        threatsHeld: engine.threats.size,
        threatsEvicted: engine.threats.evicted,
        keysTracked,
        keysEvicted,
        keysExpired,
        partialMatchesDiscarded: engine.runtimes.reduce((sum, r) => sum + r.discarded, 0),
        watermark: Number.isFinite(engine.watermark) ? engine.watermark : null,
      };
    },
    patterns() {
      return compiled.map((c) => ({
        id: c.spec.info.id,
        name: c.spec.info.name,
        kind: c.spec.kind,
        groupBy: [...c.spec.groupBy],
        windowMs: c.spec.windowMs,
        suppressMs: c.spec.suppressMs,
      }));
    },
    snapshot() {
      assertAlive();
      return {
        format: "@athena/correlator/snapshot",
        version: 1,
        createdAt: clock.now(),
        patterns: compiled.map((c) => ({ id: c.spec.info.id, fingerprint: c.spec.fingerprint })),
        state: engine.encode() as unknown as { readonly [key: string]: unknown },
      };
    },
    restore(snapshot) {
      assertAlive();
      const fresh = new Engine(compiled, limits);
      try {
        fresh.decode(parseSnapshot(snapshot, compiled));
      } catch (error) {
        throw new CorrelatorError(
          "INVALID_SNAPSHOT",
          `Cannot restore this snapshot: ${(error as Error).message}. The correlator's state is unchanged.`,
          { cause: error },
        );
      }
      engine = fresh;
    },
    get disposed() {
      return disposed;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      engine = new Engine([], limits);
      for (const list of Object.values(listeners)) list.length = 0;
    },
    [Symbol.dispose]() {
      correlator.dispose();
    },
  };
  return correlator;
}
