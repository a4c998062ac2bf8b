import { z } from "zod";
import { AnomalyError } from "./errors.js";
import { normalCdf } from "./math.js";
import { createMemoryProfileStore } from "./memory-store.js";
import { clockSchema, invalidOptions } from "./options.js";
import { PROFILE_LAYOUT_VERSION, PROFILE_RECORD_LENGTH } from "./profile-record.js";
import type { Clock, SecurityEvent, SecurityEventSink, SecuritySeverity } from "./seams.js";
import type { AsyncProfileStore, ProfileMutator, ProfileStore } from "./store.js";

// The record layout (float64 slots). Kept module-local so the hot path reads plain constants.
const VERSION = 0;
const TOTAL = 1;
const FIRST_SEEN = 2;
const LAST_SEEN = 3;
const BUCKET_START = 4;
const BUCKET_COUNT = 5;
const PREV_COUNT = 6;
const SAMPLES = 7;
const MEAN = 8;
const VARIANCE = 9;
const EWMA = 10;
const CUSUM = 11;
const TREND_UNTIL = 12;
const RISK = 13;
const RISK_AT = 14;
const ANOMALY_COUNT = 15;
const LAST_ANOMALY_AT = 16;
const LAST_ANOMALY_TYPE = 17;
const SIZE_N = 18;
const SIZE_MEAN = 19;
const SIZE_VARIANCE = 20;
const ENDPOINTS = 21;
const RISK_BASE = 22;
const ACTIVE_DAYS = 23;
const LAST_DAY = 24;
const HOUR_TOTAL = 25;
const CUSUM_N = 26;
const LAST_EVENT_AT = 27;
const CUSUM_SUM = 28;
const PEAK = 29;
const SQRT_MEAN = 30;
const SQRT_VARIANCE = 31;
const HOURS = 32;
const DAYS = 56;
const SESSION_START = 63;

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/** Hour of day (UTC) of a timestamp. */
function hourOf(t: number): number {
  return Math.floor(t / MS_PER_HOUR) % 24;
}

/** Day of week (UTC, 0 = Sunday) of a timestamp: 1970-01-01 was a Thursday. */
function dayOf(t: number): number {
  return (Math.floor(t / MS_PER_DAY) + 4) % 7;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** FNV-1a 32-bit hash of a string (endpoint sketch). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The five kinds of anomaly, strongest first (when several fire, the result names the first):
 *
 * - `SUDDEN_SPIKE`: the request rate of the last bucket is far above the user's baseline (z-score and ratio).
 * - `GRADUAL_INCREASE`: a sustained upward drift that a one-bucket z-score misses (one-sided CUSUM).
 * - `UNUSUAL_TIMING`: activity at an hour of day (UTC) the user practically never uses.
 * - `PATTERN_DEVIATION`: activity on a day of the week (UTC) the user practically never uses.
 * - `BEHAVIORAL_ANOMALY`: several weaker signals at once (elevated rate, rare hour/day, unusual request size, an
 *   endpoint never used before), none strong enough alone.
 *
 * @example
 * ```ts
 * import type { AnomalyType } from "@athena/anomaly";
 *
 * const type: AnomalyType = "SUDDEN_SPIKE";
 * ```
 */
export type AnomalyType =
  | "SUDDEN_SPIKE"
  | "GRADUAL_INCREASE"
  | "UNUSUAL_TIMING"
  | "PATTERN_DEVIATION"
  | "BEHAVIORAL_ANOMALY";

/**
 * What a rate limiter should do with the request, mildest first.
 *
 * @example
 * ```ts
 * import type { RecommendedAction } from "@athena/anomaly";
 *
 * const status: Record<RecommendedAction, number> = { allow: 200, challenge: 401, throttle: 429, block: 429 };
 * ```
 */
export type RecommendedAction = "allow" | "challenge" | "throttle" | "block";

/**
 * One request, as the detector sees it. Every field is optional.
 *
 * @example
 * ```ts
 * import type { RequestInfo } from "@athena/anomaly";
 *
 * const request: RequestInfo = { timestamp: Date.now(), requestSize: 512, endpoint: "/api/orders" };
 * ```
 */
export interface RequestInfo {
  /** When the request arrived, ms since the epoch; defaults to `clock.now()`. Must be finite and ≥ 0. */
  timestamp?: number;
  /** Request size in bytes (finite, ≥ 0); feeds the request-size signal. */
  requestSize?: number;
  /** The endpoint or route; feeds the "endpoint never used before" signal. */
  endpoint?: string;
  /** Client address, copied into security events. */
  ipAddress?: string;
  /** Session id, copied into security events. */
  sessionId?: string;
}

/**
 * The verdict for one request.
 *
 * @example
 * ```ts
 * import { createAnomalyDetector } from "@athena/anomaly";
 *
 * const result = createAnomalyDetector().analyzeRequest("alice", { timestamp: Date.now() });
 * if (result.recommendedAction !== "allow") console.log(result.anomalyType, result.reasons);
 * ```
 */
export interface AnomalyResult {
  /** True when at least one anomaly signal fired for this request. */
  isAnomalous: boolean;
  /** The strongest signal that fired, or `null`. */
  anomalyType: AnomalyType | null;
  /** How sure the detector is that this request is anomalous, in [0, 1]; 0 when it is not. */
  confidence: number;
  /** What to do, from `confidence` and `riskScore` by the configured cut points. */
  recommendedAction: RecommendedAction;
  /**
   * How many baseline standard deviations the current rate is above (negative: below) the user's mean, on the
   * square-root scale of counts (variance-stabilised, so the same z means the same surprise at any rate).
   */
  zScore: number;
  /** Requests per minute over the last bucket (a sliding estimate including this request). */
  currentRate: number;
  /** The user's risk in [0, 1] after this request; rises with anomalies and decays with `riskHalfLifeMs`. */
  riskScore: number;
  /** Human-readable explanations of every signal that fired; empty for a normal request. */
  reasons: readonly string[];
  /** Completed active buckets in the user's baseline; no verdict but `allow` while below `minSamples`. */
  samples: number;
}

/**
 * A user's profile as {@link AnomalyDetector.getProfile} reports it (decoded from the fixed-size record).
 *
 * @example
 * ```ts
 * import { createAnomalyDetector } from "@athena/anomaly";
 *
 * const detector = createAnomalyDetector();
 * detector.analyzeRequest("alice", { timestamp: Date.now() });
 * console.log(detector.getProfile("alice")?.totalRequests); // 1
 * ```
 */
export interface UserBehaviorProfile {
  /** The user. */
  userId: string;
  /** Timestamp of the first request seen. */
  firstSeen: number;
  /** Timestamp of the latest request. */
  lastSeen: number;
  /** Requests analysed. */
  totalRequests: number;
  /** Completed active buckets in the baseline. */
  samples: number;
  /** Baseline requests per minute while active (windowed mean over `movingAverageWindow` buckets). */
  meanRate: number;
  /** Baseline standard deviation of requests per minute. */
  stdDevRate: number;
  /** Fast exponential moving average of requests per minute (`emaDecay`). */
  exponentialMovingAvg: number;
  /** Requests per minute over the last bucket at `lastSeen`. */
  currentRate: number;
  /** The CUSUM statistic of upward drift, in baseline standard deviations. */
  cusum: number;
  /** Hours of day (UTC, 0–23) holding at least 2 % of the user's activity. */
  typicalHours: number[];
  /** Days of week (UTC, 0 = Sunday) holding at least 5 % of the user's activity. */
  typicalDays: number[];
  /** Share of active minutes per hour of day (24 numbers summing to 1, or all 0). */
  hourlyActivity: number[];
  /** Share of active minutes per day of week (7 numbers summing to 1, or all 0). */
  dailyActivity: number[];
  /** Distinct UTC days with activity. */
  activeDays: number;
  /** Risk in [0, 1], decayed to the time of the call. */
  riskScore: number;
  /** Anomalous requests so far. */
  anomalyCount: number;
  /** Timestamp of the latest anomalous request. */
  lastAnomalyAt?: number;
  /** Type of the latest anomalous request. */
  lastAnomalyType?: AnomalyType;
  /** Geometric mean request size in bytes, when sizes were given. */
  typicalRequestSize?: number;
}

/**
 * Cut points turning confidence and risk into an action. Severity is `1 − (1 − confidence)(1 − risk)` for an
 * anomalous request and `risk` otherwise; the action is the strongest whose cut point severity reaches.
 *
 * @example
 * ```ts
 * import type { ActionThresholds } from "@athena/anomaly";
 *
 * const strict: ActionThresholds = { challenge: 0.4, throttle: 0.6, block: 0.9 };
 * ```
 */
export interface ActionThresholds {
  /** @defaultValue 0.5 */
  challenge?: number;
  /** @defaultValue 0.75 */
  throttle?: number;
  /** @defaultValue 0.95 */
  block?: number;
}

/**
 * Options of {@link createAnomalyDetector} with the default (or another synchronous) store.
 *
 * @example
 * ```ts
 * import type { AnomalyDetectorOptions } from "@athena/anomaly";
 *
 * const options: AnomalyDetectorOptions = { zScoreThreshold: 3, minSamples: 30, riskHalfLifeMs: 600_000 };
 * ```
 */
export interface AnomalyDetectorOptions {
  /**
   * Z-score of the current rate over the baseline at which a spike is reported (with `spikeMinRatio`); also the
   * winsorizing limit that keeps one burst from poisoning the baseline.
   *
   * @defaultValue 3
   */
  zScoreThreshold?: number;
  /**
   * Memory of the baseline, in active buckets: Welford's exact mean/variance up to this many buckets, then
   * exponentially weighted with weight `1 / movingAverageWindow`.
   *
   * @defaultValue 100
   */
  movingAverageWindow?: number;
  /**
   * Active buckets (minutes with at least one request, by default) a user needs before any verdict but `allow`.
   *
   * @defaultValue 30
   */
  minSamples?: number;
  /**
   * Weight of the newest bucket in the fast exponential moving average (`exponentialMovingAvg`), which a confirmed
   * moderate level shift is adopted from.
   *
   * @defaultValue 0.1
   */
  emaDecay?: number;
  /**
   * Length of a rate bucket in ms. Rates are reported per minute whatever the bucket.
   *
   * @defaultValue 60_000
   */
  bucketMs?: number;
  /**
   * A spike also needs the current rate to exceed the baseline by at least this many requests per minute: a handful
   * of page loads is never a spike.
   *
   * @defaultValue 15
   */
  spikeMinExcess?: number;
  /**
   * A spike also needs the current rate to be at least this multiple of the baseline mean, so that Poisson noise of
   * very steady users is not a spike (smaller rises are the CUSUM's job).
   *
   * @defaultValue 3
   */
  spikeMinRatio?: number;
  /**
   * CUSUM slack `k`, in baseline standard deviations: drift below it is ignored.
   *
   * @defaultValue 0.75
   */
  cusumSlack?: number;
  /**
   * CUSUM alarm level `h`, in baseline standard deviations accumulated over buckets.
   *
   * @defaultValue 5
   */
  cusumThreshold?: number;
  /**
   * After a CUSUM alarm, a new level (the fast EWMA) up to this multiple of the baseline is adopted as the new
   * baseline: a user whose normal rate changes for good stops being flagged. Larger shifts are not adopted; they keep
   * being reported until the slow baseline catches up.
   *
   * @defaultValue 3
   */
  shiftAdoptionMaxRatio?: number;
  /**
   * Floor of the baseline standard deviation of √(requests per bucket), the scale z-scores are computed on. 0.5 is
   * the value for Poisson arrivals, so perfectly steady users are not flagged for counting noise.
   *
   * @defaultValue 0.5
   */
  minStdDev?: number;
  /**
   * An hour whose share of the user's activity (counting half of each neighbouring hour) is below this is unusual.
   *
   * @defaultValue 0.005
   */
  hourShareThreshold?: number;
  /**
   * A day of week whose share of the user's activity is below this is a pattern deviation.
   *
   * @defaultValue 0.01
   */
  dayShareThreshold?: number;
  /**
   * Distinct active days before hour-of-day checks start.
   *
   * @defaultValue 3
   */
  minActiveDaysForTiming?: number;
  /**
   * Days of history (since first seen) before day-of-week checks start (two weeks, so one skipped day is not a
   * habit); at least 4 active days are also needed.
   *
   * @defaultValue 14
   */
  minHistoryDaysForWeekly?: number;
  /**
   * A pause this long ends a session. Day-of-week habits are learned and judged by the day a session started, so a
   * session running past midnight UTC (a time-zone effect) is not a deviation.
   *
   * @defaultValue 1_800_000 (30 minutes)
   */
  sessionGapMs?: number;
  /**
   * Combined weak-signal score (`1 − Π(1 − sᵢ)`) at which a `BEHAVIORAL_ANOMALY` is reported, when at least two weak
   * signals contribute.
   *
   * @defaultValue 0.8
   */
  behavioralThreshold?: number;
  /**
   * Risk halves every this many ms without anomalies, so nobody is punished forever.
   *
   * @defaultValue 600_000 (10 minutes)
   */
  riskHalfLifeMs?: number;
  /**
   * How much an anomalous bucket raises risk: `risk ← 1 − (1 − risk)(1 − riskGain · confidence)`, once per bucket
   * (with the bucket's highest confidence), whatever the number of requests in it.
   *
   * @defaultValue 0.5
   */
  riskGain?: number;
  /** Cut points of the recommended action; see {@link ActionThresholds}. */
  actionThresholds?: ActionThresholds;
  /**
   * A timestamp more than this far ahead of `clock.now()` is rejected (`INVALID_REQUEST`), so one bad clock cannot
   * push a profile into the future.
   *
   * @defaultValue 300_000 (5 minutes)
   */
  maxFutureSkewMs?: number;
  /**
   * Longest user id accepted.
   *
   * @defaultValue 256
   */
  maxUserIdLength?: number;
  /** Where profiles live. @defaultValue a new {@link createMemoryProfileStore} with its defaults */
  store?: ProfileStore;
  /** Where time comes from. @defaultValue `Date.now` */
  clock?: Clock;
  /** Receives `ANOMALOUS_BEHAVIOR` and `RATE_LIMIT_EXCEEDED` events. @defaultValue none */
  onSecurityEvent?: SecurityEventSink;
  /**
   * At most one `ANOMALOUS_BEHAVIOR` and one `RATE_LIMIT_EXCEEDED` event (emitted together) per user per this many
   * ms of request time.
   *
   * @defaultValue 1_000
   */
  eventCooldownMs?: number;
  /**
   * `source` of emitted events.
   *
   * @defaultValue "@athena/anomaly"
   */
  eventSource?: string;
}

/**
 * Options of {@link createAnomalyDetector} with an asynchronous store such as the Redis store.
 *
 * @example
 * ```ts
 * import type { AsyncAnomalyDetectorOptions, AsyncProfileStore } from "@athena/anomaly";
 *
 * declare const store: AsyncProfileStore;
 * const options: AsyncAnomalyDetectorOptions = { store, minSamples: 20 };
 * ```
 */
export interface AsyncAnomalyDetectorOptions extends Omit<AnomalyDetectorOptions, "store"> {
  /** The asynchronous store, e.g. `createRedisProfileStore({ client })`. */
  store: AsyncProfileStore;
}

/**
 * Per-user request-rate anomaly detection with a synchronous store: every method returns directly.
 *
 * @example
 * ```ts
 * import { createAnomalyDetector } from "@athena/anomaly";
 *
 * const detector = createAnomalyDetector();
 * const verdict = detector.analyzeRequest("alice", { endpoint: "/api/search" });
 * console.log(verdict.recommendedAction); // "allow" while alice's baseline is warming up
 * ```
 */
export interface AnomalyDetector {
  /**
   * Record one request of `userId` and judge it.
   *
   * @param userId - non-empty, at most `maxUserIdLength` characters
   * @param request - timestamp, size, endpoint, … (all optional)
   * @returns the verdict
   * @throws {@link AnomalyError} `INVALID_REQUEST` for an empty id, a non-finite/negative/future timestamp, a
   *   negative or non-finite size; `DISPOSED` after `dispose()`. Nothing is recorded when it throws.
   */
  analyzeRequest(userId: string, request?: RequestInfo): AnomalyResult;
  /**
   * The profile of `userId`, or `undefined` for a user never seen (or evicted).
   *
   * @param userId - whose profile
   * @throws {@link AnomalyError} `INVALID_REQUEST` for an invalid id; `DISPOSED` after `dispose()`
   */
  getProfile(userId: string): UserBehaviorProfile | undefined;
  /**
   * Forget `userId` (e.g. after a verified account recovery); true when there was a profile.
   *
   * @param userId - whose profile
   */
  deleteProfile(userId: string): boolean;
  /** Dispose the store if the detector created it; later calls throw `DISPOSED`. Idempotent. */
  dispose(): void;
  /** Same as `dispose()`. */
  [Symbol.dispose](): void;
}

/**
 * The same detector over an asynchronous store (Redis): every method returns a promise.
 *
 * @example
 * ```ts
 * import { type AsyncProfileStore, createAnomalyDetector } from "@athena/anomaly";
 *
 * declare const store: AsyncProfileStore;
 * const detector = createAnomalyDetector({ store });
 * const verdict = await detector.analyzeRequest("alice", { endpoint: "/login" });
 * console.log(verdict.recommendedAction);
 * ```
 */
export interface AsyncAnomalyDetector {
  /**
   * Record one request of `userId` and judge it (atomically in the store).
   *
   * @param userId - non-empty, at most `maxUserIdLength` characters
   * @param request - timestamp, size, endpoint, … (all optional)
   * @param signal - abandons the store operation when aborted
   * @returns the verdict
   * @throws {@link AnomalyError} (rejects) `INVALID_REQUEST`, `DISPOSED`, or the store's `STORE_*` errors
   */
  analyzeRequest(userId: string, request?: RequestInfo, signal?: AbortSignal): Promise<AnomalyResult>;
  /**
   * The profile of `userId`, or `undefined`.
   *
   * @param userId - whose profile
   * @param signal - abandons the store read when aborted
   */
  getProfile(userId: string, signal?: AbortSignal): Promise<UserBehaviorProfile | undefined>;
  /**
   * Forget `userId`; true when there was a profile.
   *
   * @param userId - whose profile
   * @param signal - abandons the store call when aborted
   */
  deleteProfile(userId: string, signal?: AbortSignal): Promise<boolean>;
  /** Later calls reject with `DISPOSED`; the store (and its client) stay open. Idempotent. */
  dispose(): Promise<void>;
  /** Same as `dispose()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

const finite = (name: string) => z.number({ error: `${name} must be a number` }).finite();

const optionsSchema = z.strictObject({
  zScoreThreshold: finite("zScoreThreshold").positive().default(3),
  movingAverageWindow: z.int().min(2).max(1_000_000).default(100),
  minSamples: z.int().min(1).max(1_000_000).default(30),
  emaDecay: finite("emaDecay").gt(0).lte(1).default(0.1),
  bucketMs: z.int().min(1_000).max(MS_PER_DAY).default(60_000),
  spikeMinRatio: finite("spikeMinRatio").min(1).default(3),
  cusumSlack: finite("cusumSlack").min(0).default(0.75),
  cusumThreshold: finite("cusumThreshold").positive().default(5),
  shiftAdoptionMaxRatio: finite("shiftAdoptionMaxRatio").min(1).default(3),
  minStdDev: finite("minStdDev").positive().default(0.5),
  hourShareThreshold: finite("hourShareThreshold").min(0).max(1).default(0.005),
  dayShareThreshold: finite("dayShareThreshold").min(0).max(1).default(0.01),
  minActiveDaysForTiming: z.int().min(1).default(3),
  minHistoryDaysForWeekly: z.int().min(1).default(14),
  sessionGapMs: finite("sessionGapMs").positive().default(1_800_000),
  spikeMinExcess: finite("spikeMinExcess").min(0).default(15),
  behavioralThreshold: finite("behavioralThreshold").gt(0).lte(1).default(0.8),
  riskHalfLifeMs: finite("riskHalfLifeMs").positive().default(600_000),
  riskGain: finite("riskGain").gt(0).lte(1).default(0.5),
  actionThresholds: z
    .strictObject({
      challenge: finite("challenge").gt(0).lte(1).default(0.5),
      throttle: finite("throttle").gt(0).lte(1).default(0.75),
      block: finite("block").gt(0).lte(1).default(0.95),
    })
    .refine((t) => t.challenge <= t.throttle && t.throttle <= t.block, {
      message: "actionThresholds must satisfy challenge ≤ throttle ≤ block",
    })
    .default({ challenge: 0.5, throttle: 0.75, block: 0.95 }),
  maxFutureSkewMs: finite("maxFutureSkewMs").min(0).default(300_000),
  maxUserIdLength: z.int().min(1).max(65_536).default(256),
  store: z
    .custom<ProfileStore | AsyncProfileStore>(
      (v) =>
        typeof v === "object" &&
        v !== null &&
        typeof (v as ProfileStore).update === "function" &&
        typeof (v as ProfileStore).read === "function" &&
        typeof (v as ProfileStore).delete === "function" &&
        typeof (v as ProfileStore).synchronous === "boolean",
      { message: "expected a ProfileStore: { synchronous, update, read, delete, dispose }" },
    )
    .optional(),
  clock: clockSchema.optional(),
  onSecurityEvent: z
    .custom<SecurityEventSink>((v) => typeof v === "function", { message: "expected a function (event) => void" })
    .optional(),
  eventCooldownMs: finite("eventCooldownMs").min(0).default(1_000),
  eventSource: z.string().min(1).default("@athena/anomaly"),
});

type Config = z.output<typeof optionsSchema>;

/** Signal bits. */
const SPIKE = 1;
const TREND = 2;
const HOUR = 4;
const DAY = 8;
const BEHAVIOR = 16;
const W_RATE = 32;
const W_TREND = 64;
const W_HOUR = 128;
const W_DAY = 256;
const W_SIZE = 512;
const W_ENDPOINT = 1024;

const TYPES: readonly (AnomalyType | null)[] = [
  null,
  "SUDDEN_SPIKE",
  "GRADUAL_INCREASE",
  "UNUSUAL_TIMING",
  "PATTERN_DEVIATION",
  "BEHAVIORAL_ANOMALY",
];
const ACTIONS: readonly RecommendedAction[] = ["allow", "challenge", "throttle", "block"];
const SEVERITY_OF_ACTION: readonly SecuritySeverity[] = ["low", "medium", "high", "critical"];
const EMPTY_REASONS: readonly string[] = Object.freeze([]);
/** Seasonal weights are halved when their total passes this, so old habits fade and numbers stay bounded. */
const SEASONAL_CAP = 20_000;

/** Everything one analysis step computes; reused on the synchronous path so the hot path allocates only the result. */
interface Step {
  t: number;
  size: number; // NaN when absent
  endpointBit: number; // -1 when absent
  logSize: number; // log1p(size) when a size is given
  /** One-entry memos of the last size's log1p and the last endpoint's sketch bit (a rate limiter sees the same few). */
  memoSize: number;
  memoLogSize: number;
  memoEndpoint: string | undefined;
  memoBit: number;
  typeCode: number;
  confidence: number;
  z: number;
  rate: number;
  mean: number;
  sd: number;
  risk: number;
  samples: number;
  signals: number;
  cusum: number;
  hourShare: number;
  dayShare: number;
  sizeZ: number;
  behavioral: number;
  action: number;
  emitAnomaly: boolean;
  emitLimit: boolean;
}

function newStep(): Step {
  return {
    t: 0,
    size: Number.NaN,
    endpointBit: -1,
    logSize: Number.NaN,
    memoSize: Number.NaN,
    memoLogSize: Number.NaN,
    memoEndpoint: undefined,
    memoBit: -1,
    typeCode: 0,
    confidence: 0,
    z: 0,
    rate: 0,
    mean: 0,
    sd: 0,
    risk: 0,
    samples: 0,
    signals: 0,
    cusum: 0,
    hourShare: 1,
    dayShare: 1,
    sizeZ: 0,
    behavioral: 0,
    action: 0,
    emitAnomaly: false,
    emitLimit: false,
  };
}

function initRecord(r: Float64Array, o: number, t: number, c: Config): void {
  r.fill(0, o, o + PROFILE_RECORD_LENGTH);
  r[o + VERSION] = PROFILE_LAYOUT_VERSION;
  r[o + FIRST_SEEN] = t;
  r[o + LAST_SEEN] = t;
  r[o + BUCKET_START] = t - (t % c.bucketMs);
  r[o + RISK_AT] = t;
  r[o + SESSION_START] = t;
  r[o + LAST_DAY] = -1;
  r[o + TREND_UNTIL] = Number.NEGATIVE_INFINITY;
  r[o + LAST_ANOMALY_AT] = Number.NEGATIVE_INFINITY;
  r[o + LAST_EVENT_AT] = Number.NEGATIVE_INFINITY;
}

/**
 * `risk · 2^(−elapsed / halfLife)`. Fast path, exactly equal: a zero risk stays zero and no elapsed time changes
 * nothing, without calling the power function (most requests of most users hit one of the two).
 */
function decay(risk: number, elapsed: number, halfLife: number): number {
  return risk === 0 || elapsed === 0 ? risk : risk * 2 ** (-elapsed / halfLife);
}

/** Standard deviation of √count, floored (0.5 is what a Poisson count has on this scale). */
function sqrtSd(variance: number, c: Config): number {
  const floor = c.minStdDev * c.minStdDev;
  return Math.sqrt(variance > floor ? variance : floor);
}

/** Fold a completed active bucket into the baselines; true when the CUSUM raised an alarm. */
function completeBucket(r: Float64Array, o: number, count: number, start: number, c: Config): boolean {
  // Seasonal activity: one active minute more at this hour of day and day of week.
  const hour = hourOf(start);
  r[o + HOURS + hour] = (r[o + HOURS + hour] as number) + 1;
  const hourTotal = (r[o + HOUR_TOTAL] as number) + 1;
  if (hourTotal > SEASONAL_CAP) {
    for (let h = 0; h < 24; h++) r[o + HOURS + h] = (r[o + HOURS + h] as number) / 2;
    r[o + HOUR_TOTAL] = hourTotal / 2;
  } else r[o + HOUR_TOTAL] = hourTotal;
  // Day-of-week weights get the same +1 per bucket and are halved together with the hours, so both histograms
  // share HOUR_TOTAL as their total.
  const day = dayOf(r[o + SESSION_START] as number);
  r[o + DAYS + day] = (r[o + DAYS + day] as number) + 1;
  if (hourTotal > SEASONAL_CAP) for (let d = 0; d < 7; d++) r[o + DAYS + d] = (r[o + DAYS + d] as number) / 2;
  const dayIndex = Math.floor(start / MS_PER_DAY);
  if (dayIndex !== r[o + LAST_DAY]) {
    r[o + LAST_DAY] = dayIndex;
    r[o + ACTIVE_DAYS] = (r[o + ACTIVE_DAYS] as number) + 1;
  }

  // Rate baseline. Counts are compared on the square-root scale, where a Poisson count has a variance of about 1/4
  // whatever its mean (Anscombe): a z-score there means the same for a user at 1 request a minute and at 100.
  const n = r[o + SAMPLES] as number;
  r[o + SAMPLES] = n + 1;
  const root = Math.sqrt(count);
  if (n === 0) {
    r[o + MEAN] = count;
    r[o + VARIANCE] = 0;
    r[o + SQRT_MEAN] = root;
    r[o + SQRT_VARIANCE] = 0;
    r[o + EWMA] = count;
    r[o + PEAK] = count;
    return false;
  }
  let mean = r[o + MEAN] as number;
  const variance = r[o + VARIANCE] as number;
  let rootMean = r[o + SQRT_MEAN] as number;
  const rootVariance = r[o + SQRT_VARIANCE] as number;
  const sd = sqrtSd(rootVariance, c);
  const z = (root - rootMean) / sd;
  const warm = n < c.minSamples;
  // The recent peak (a slowly decaying max of per-bucket counts) rises only with buckets that were not spikes.
  const peak = (r[o + PEAK] as number) * (1 - 1 / (20 * c.movingAverageWindow));
  // Growth is capped at 10 % a bucket, so page-load bursts are learned over time while a flood cannot lift it fast.
  const grown = warm ? count : count < 1.1 * peak ? count : 1.1 * peak;
  r[o + PEAK] = grown > peak ? grown : peak;
  // Winsorize once the baseline is established: one burst cannot drag the baseline up by more than z·σ per bucket.
  const rootLimit = rootMean + c.zScoreThreshold * sd;
  const xRoot = warm || root <= rootLimit ? root : rootLimit;
  const x = xRoot * xRoot;
  const ewma = (r[o + EWMA] as number) + c.emaDecay * (count - (r[o + EWMA] as number));
  r[o + EWMA] = ewma;
  const alpha = 1 / (n + 1 < c.movingAverageWindow ? n + 1 : c.movingAverageWindow);
  const d = x - mean;
  mean += alpha * d;
  r[o + VARIANCE] = (1 - alpha) * (variance + alpha * d * d);
  const dRoot = xRoot - rootMean;
  rootMean += alpha * dRoot;
  r[o + SQRT_VARIANCE] = (1 - alpha) * (rootVariance + alpha * dRoot * dRoot);
  let alarm = false;
  if (!warm) {
    // One-sided CUSUM of standardised residuals; one bucket adds at most z-threshold so a lone spike cannot alarm.
    // While it is above zero it also sums the counts, whose mean is the estimate of the new level (the change point
    // is where it last left zero).
    let cusum = (r[o + CUSUM] as number) + (z < c.zScoreThreshold ? z : c.zScoreThreshold) - c.cusumSlack;
    let runN = (r[o + CUSUM_N] as number) + 1;
    let runSum = (r[o + CUSUM_SUM] as number) + count;
    if (cusum <= 0) {
      cusum = 0;
      runN = 0;
      runSum = 0;
    } else if (cusum >= c.cusumThreshold) {
      alarm = true;
      // Adopt a moderate confirmed shift as the new baseline; restart the CUSUM either way.
      const level = runSum / runN;
      if (level > mean && level <= c.shiftAdoptionMaxRatio * mean) {
        rootMean += Math.sqrt(level) - Math.sqrt(mean);
        mean = level;
      }
      cusum = 0;
      runN = 0;
      runSum = 0;
    }
    r[o + CUSUM] = cusum;
    r[o + CUSUM_N] = runN;
    r[o + CUSUM_SUM] = runSum;
  }
  r[o + MEAN] = mean;
  r[o + SQRT_MEAN] = rootMean;
  return alarm;
}

/** One request against one record. `s.t`, `s.size`, `s.logSize`, `s.endpointBit` are inputs; the rest is output. */
function step(r: Float64Array, o: number, s: Step, c: Config): void {
  let t = s.t;
  if (r[o + VERSION] === 0) initRecord(r, o, t, c);
  const lastSeen = r[o + LAST_SEEN] as number;
  // Time never runs backwards inside a profile: a late request is counted at the latest time seen.
  if (t < lastSeen) t = lastSeen;
  else r[o + LAST_SEEN] = t;
  const newSession = t - lastSeen >= c.sessionGapMs;
  r[o + TOTAL] = (r[o + TOTAL] as number) + 1;

  const B = c.bucketMs;
  let bucketStart = r[o + BUCKET_START] as number;
  let trendAlarm = false;
  if (t >= bucketStart + B) {
    const count = r[o + BUCKET_COUNT] as number;
    if (count > 0) trendAlarm = completeBucket(r, o, count, bucketStart, c);
    const next = t - (t % B);
    const contiguous = next === bucketStart + B;
    r[o + PREV_COUNT] = contiguous ? count : 0;
    r[o + BUCKET_START] = next;
    r[o + BUCKET_COUNT] = 0;
    bucketStart = next;
    // An alarm from a bucket that ended long ago (the user paused) does not flag the new session.
    if (!contiguous) trendAlarm = false;
    if (trendAlarm) r[o + TREND_UNTIL] = next + B;
  }
  if (newSession) r[o + SESSION_START] = t;
  const bucketCount = (r[o + BUCKET_COUNT] as number) + 1;
  r[o + BUCKET_COUNT] = bucketCount;

  const samples = r[o + SAMPLES] as number;
  const established = samples >= c.minSamples;

  // Request size (log scale), judged against the history before this request.
  let sizeZ = 0;
  if (s.size >= 0) {
    const x = s.logSize;
    const n = r[o + SIZE_N] as number;
    const m = r[o + SIZE_MEAN] as number;
    const v = r[o + SIZE_VARIANCE] as number;
    if (n >= c.minSamples) sizeZ = (x - m) / Math.sqrt(v > 0.01 ? v : 0.01);
    const alpha = 1 / (n + 1 < c.movingAverageWindow ? n + 1 : c.movingAverageWindow);
    const d = x - m;
    r[o + SIZE_MEAN] = m + alpha * d;
    r[o + SIZE_VARIANCE] = (1 - alpha) * (v + alpha * d * d);
    r[o + SIZE_N] = n + 1;
  }
  // Endpoint sketch: 32 bits, one per hashed endpoint.
  let newEndpoint = false;
  if (s.endpointBit >= 0) {
    const bits = r[o + ENDPOINTS] as number;
    if (((bits >>> s.endpointBit) & 1) === 0) {
      // New only against an established profile that has sent endpoints before.
      newEndpoint = bits !== 0 && established;
      r[o + ENDPOINTS] = (bits | (1 << s.endpointBit)) >>> 0;
    }
  }

  // Rate now: this bucket plus the unexpired part of the previous one.
  const mean = r[o + MEAN] as number;
  const sd = sqrtSd(r[o + SQRT_VARIANCE] as number, c);
  const estimate = bucketCount + (r[o + PREV_COUNT] as number) * (1 - (t - bucketStart) / B);
  const z = samples > 0 ? (Math.sqrt(estimate) - (r[o + SQRT_MEAN] as number)) / sd : 0;
  const riskAt = r[o + RISK_AT] as number;
  const decayed = decay(r[o + RISK] as number, t - riskAt, c.riskHalfLifeMs);

  s.t = t;
  s.z = z;
  s.rate = (estimate * 60_000) / B;
  s.mean = mean;
  s.sd = sd;
  s.samples = samples;
  s.cusum = r[o + CUSUM] as number;
  s.sizeZ = sizeZ;
  s.signals = 0;
  s.typeCode = 0;
  s.confidence = 0;
  s.behavioral = 0;
  s.hourShare = 1;
  s.dayShare = 1;
  s.emitAnomaly = false;
  s.emitLimit = false;

  if (!established) {
    r[o + RISK] = decayed;
    r[o + RISK_AT] = t;
    s.risk = decayed;
    s.action = 0;
    return;
  }

  // Strong signals.
  let signals = 0;
  let miss = 1; // Π(1 − confidence) over strong signals
  let type = 0;
  const zt = c.zScoreThreshold;
  const minExcess = (c.spikeMinExcess * B) / 60_000;
  if (
    z >= zt &&
    estimate >= c.spikeMinRatio * mean &&
    estimate - mean >= minExcess &&
    estimate > (r[o + PEAK] as number)
  ) {
    const conf = normalCdf((z - zt) / zt);
    miss *= 1 - conf;
    // Sudden: far above the recent level (the fast EWMA) too, or the continuation of a spike flagged in this or the
    // previous bucket. A rate that climbed there step by step is a gradual increase.
    const continuing = r[o + LAST_ANOMALY_TYPE] === 1 && (r[o + LAST_ANOMALY_AT] as number) >= bucketStart - B;
    if (continuing || estimate >= c.spikeMinRatio * (r[o + EWMA] as number)) {
      signals |= SPIKE;
      type = 1;
    } else {
      signals |= TREND;
      type = 2;
    }
  }
  if (trendAlarm || t < (r[o + TREND_UNTIL] as number)) {
    if ((signals & TREND) === 0) {
      signals |= TREND;
      miss *= 1 - (0.6 + 0.3 * clamp01(z / zt));
    }
    if (type === 0) type = 2;
  }
  let hourShare = 1;
  const activeDays = r[o + ACTIVE_DAYS] as number;
  const hourTotal = r[o + HOUR_TOTAL] as number;
  if (activeDays >= c.minActiveDaysForTiming && hourTotal > 0) {
    const h = hourOf(t);
    hourShare =
      ((r[o + HOURS + h] as number) +
        0.5 * ((r[o + HOURS + ((h + 23) % 24)] as number) + (r[o + HOURS + ((h + 1) % 24)] as number))) /
      hourTotal;
    if (hourShare < c.hourShareThreshold) {
      signals |= HOUR;
      const conf = 0.5 + 0.2 * (1 - hourShare / c.hourShareThreshold) * clamp01(activeDays / 7);
      miss *= 1 - conf;
      if (type === 0) type = 3;
    } else if (hourShare < 5 * c.hourShareThreshold) signals |= W_HOUR;
  }
  let dayShare = 1;
  const dayTotal = hourTotal;
  const history = t - (r[o + FIRST_SEEN] as number);
  if (history >= c.minHistoryDaysForWeekly * MS_PER_DAY && activeDays >= 4 && dayTotal > 0) {
    dayShare = (r[o + DAYS + dayOf(r[o + SESSION_START] as number)] as number) / dayTotal;
    if (dayShare < c.dayShareThreshold) {
      signals |= DAY;
      const conf = 0.5 + 0.2 * (1 - dayShare / c.dayShareThreshold) * clamp01(history / (28 * MS_PER_DAY));
      miss *= 1 - conf;
      if (type === 0) type = 4;
    } else if (dayShare < 3 * c.dayShareThreshold) signals |= W_DAY;
  }
  s.hourShare = hourShare;
  s.dayShare = dayShare;

  let confidence = 1 - miss;
  if (type === 0) {
    // Weak signals, each in [0, 1], combined by noisy-or.
    let keep = 1;
    let count = 0;
    const half = zt / 2;
    // Rate and drift measure the same thing, so together they count as one family (the stronger of the two).
    const wRate = estimate > mean ? clamp01((z - half) / half) : 0;
    const wTrend = clamp01((s.cusum / c.cusumThreshold - 0.5) * 2);
    if (wRate > 0) signals |= W_RATE;
    if (wTrend > 0) signals |= W_TREND;
    const wVolume = wRate > wTrend ? wRate : wTrend;
    if (wVolume > 0) {
      keep *= 1 - wVolume;
      if (wVolume >= 0.25) count++;
    }
    if (signals & W_HOUR) {
      const w = clamp01(1 - (hourShare - c.hourShareThreshold) / (4 * c.hourShareThreshold));
      keep *= 1 - w;
      if (w >= 0.25) count++;
    }
    if (signals & W_DAY) {
      const w = clamp01(1 - (dayShare - c.dayShareThreshold) / (2 * c.dayShareThreshold));
      keep *= 1 - w;
      if (w >= 0.25) count++;
    }
    const wSize = clamp01((Math.abs(sizeZ) - 3) / 2);
    if (wSize > 0) {
      signals |= W_SIZE;
      keep *= 1 - wSize;
      if (wSize >= 0.25) count++;
    }
    if (newEndpoint) {
      signals |= W_ENDPOINT;
      keep *= 0.5;
      count++;
    }
    const behavioral = 1 - keep;
    s.behavioral = behavioral;
    if (count >= 2 && behavioral >= c.behavioralThreshold) {
      signals |= BEHAVIOR;
      type = 5;
      confidence = 0.5 + 0.4 * clamp01((behavioral - c.behavioralThreshold) / (1 - c.behavioralThreshold));
    } else confidence = 0;
  }

  let risk = decayed;
  let severity = decayed;
  if (type !== 0) {
    severity = 1 - (1 - confidence) * (1 - decayed);
    // Risk rises once per bucket (towards the bucket's strongest anomaly), not once per request, so a fast client is
    // not punished more than a slow one for the same minute.
    if ((r[o + LAST_ANOMALY_AT] as number) < bucketStart) r[o + RISK_BASE] = decayed;
    const target = 1 - (1 - (r[o + RISK_BASE] as number)) * (1 - c.riskGain * confidence);
    if (target > risk) risk = target;
    r[o + ANOMALY_COUNT] = (r[o + ANOMALY_COUNT] as number) + 1;
    r[o + LAST_ANOMALY_AT] = t;
    r[o + LAST_ANOMALY_TYPE] = type;
  }
  r[o + RISK] = risk;
  r[o + RISK_AT] = t;
  const cuts = c.actionThresholds;
  const action = severity >= cuts.block ? 3 : severity >= cuts.throttle ? 2 : severity >= cuts.challenge ? 1 : 0;

  s.signals = signals;
  s.typeCode = type;
  s.confidence = type === 0 ? 0 : confidence;
  s.risk = risk;
  s.action = action;
  if ((type !== 0 || action >= 2) && t - (r[o + LAST_EVENT_AT] as number) >= c.eventCooldownMs) {
    r[o + LAST_EVENT_AT] = t;
    s.emitAnomaly = type !== 0;
    s.emitLimit = action >= 2;
  }
}

const round = (x: number, digits = 1): string => x.toFixed(digits);

function reasonsOf(s: Step, c: Config): readonly string[] {
  if (s.signals === 0) return EMPTY_REASONS;
  const out: string[] = [];
  const rate = round(s.rate);
  const base = round((s.mean * 60_000) / c.bucketMs);
  if (s.signals & SPIKE)
    out.push(
      `sudden spike: ${rate} req/min is ${round(s.rate / ((s.mean * 60_000) / c.bucketMs))}× the baseline ${base} (z ${round(s.z)})`,
    );
  if (s.signals & TREND) out.push(`gradual increase: sustained drift above the baseline ${base} req/min (CUSUM alarm)`);
  if (s.signals & HOUR)
    out.push(
      `unusual timing: hour ${hourOf(s.t)}:00 UTC holds ${round(s.hourShare * 100, 2)}% of this user's activity`,
    );
  if (s.signals & DAY)
    out.push(
      `pattern deviation: ${DAY_NAMES[dayOf(s.t)]} holds ${round(s.dayShare * 100, 2)}% of this user's activity`,
    );
  if (s.signals & BEHAVIOR) out.push(`behavioral anomaly: weak signals combine to ${round(s.behavioral, 2)}`);
  if (s.signals & BEHAVIOR || (s.signals & (SPIKE | TREND | HOUR | DAY)) === 0) {
    if (s.signals & W_RATE) out.push(`elevated rate: ${rate} req/min (z ${round(s.z)})`);
    if (s.signals & W_TREND) out.push(`upward drift building (CUSUM ${round(s.cusum)})`);
    if (s.signals & W_HOUR) out.push(`rare hour: ${round(s.hourShare * 100, 2)}% of activity`);
    if (s.signals & W_DAY) out.push(`rare day: ${round(s.dayShare * 100, 2)}% of activity`);
    if (s.signals & W_SIZE) out.push(`unusual request size (z ${round(s.sizeZ)} on a log scale)`);
    if (s.signals & W_ENDPOINT) out.push("endpoint never used before by this user");
  }
  return out;
}

const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function resultOf(s: Step, c: Config): AnomalyResult {
  const type = TYPES[s.typeCode] ?? null;
  return {
    isAnomalous: type !== null,
    anomalyType: type,
    confidence: s.confidence,
    recommendedAction: ACTIONS[s.action] as RecommendedAction,
    zScore: s.z,
    currentRate: s.rate,
    riskScore: s.risk,
    reasons: type === null ? EMPTY_REASONS : reasonsOf(s, c),
    samples: s.samples,
  };
}

function emit(
  sink: SecurityEventSink,
  s: Step,
  result: AnomalyResult,
  userId: string,
  request: RequestInfo | undefined,
  c: Config,
): void {
  const base = (type: string, severity: SecuritySeverity): SecurityEvent => {
    const event: SecurityEvent = {
      type,
      source: c.eventSource,
      severity,
      timestamp: s.t,
      userId,
      data: {
        anomalyType: result.anomalyType,
        confidence: result.confidence,
        recommendedAction: result.recommendedAction,
        zScore: result.zScore,
        currentRate: result.currentRate,
        baselineRate: (s.mean * 60_000) / c.bucketMs,
        riskScore: result.riskScore,
        reasons: result.reasons,
        ...(request?.endpoint === undefined ? {} : { endpoint: request.endpoint }),
      },
    };
    if (request?.ipAddress !== undefined) event.ipAddress = request.ipAddress;
    if (request?.sessionId !== undefined) event.sessionId = request.sessionId;
    return event;
  };
  try {
    if (s.emitAnomaly) sink(base("ANOMALOUS_BEHAVIOR", SEVERITY_OF_ACTION[s.action] as SecuritySeverity));
    if (s.emitLimit) sink(base("RATE_LIMIT_EXCEEDED", s.action === 3 ? "critical" : "high"));
  } catch {
    // A broken sink must never break request analysis.
  }
}

function invalid(message: string): AnomalyError {
  return new AnomalyError("INVALID_REQUEST", message);
}

/** Validate a request; fills `s.t`, `s.size`, `s.logSize`, `s.endpointBit`. Throws before anything is recorded. */
function prepare(userId: unknown, request: RequestInfo | undefined, s: Step, c: Config, now: () => number): void {
  if (typeof userId !== "string" || userId.length === 0)
    throw invalid("userId must be a non-empty string; pass the authenticated user (or API key) id");
  if (userId.length > c.maxUserIdLength)
    throw invalid(
      `userId is ${userId.length} characters, over maxUserIdLength (${c.maxUserIdLength}); hash long ids first`,
    );
  if (request !== undefined && (typeof request !== "object" || request === null))
    throw invalid("request must be an object like { timestamp, requestSize, endpoint } or omitted");
  const current = now();
  let t = request?.timestamp;
  if (t === undefined) t = current;
  else if (typeof t !== "number" || !Number.isFinite(t) || t < 0)
    throw invalid(`timestamp must be a finite number of ms since the epoch (≥ 0), got ${String(t)}`);
  else if (t > current + c.maxFutureSkewMs)
    throw invalid(
      `timestamp ${t} is ${Math.round(t - current)} ms ahead of the clock (maxFutureSkewMs ${c.maxFutureSkewMs}); check the caller's clock`,
    );
  s.t = t;
  const size = request?.requestSize;
  if (size === undefined) s.size = Number.NaN;
  else if (typeof size !== "number" || !Number.isFinite(size) || size < 0)
    throw invalid(`requestSize must be a finite number of bytes ≥ 0, got ${String(size)}`);
  else {
    s.size = size;
    // Exactly Math.log1p(size): the memo is keyed by Object.is, so 0 and -0 stay apart.
    if (!Object.is(size, s.memoSize)) {
      s.memoSize = size;
      s.memoLogSize = Math.log1p(size);
    }
    s.logSize = s.memoLogSize;
  }
  const endpoint = request?.endpoint;
  if (endpoint === undefined) s.endpointBit = -1;
  else if (typeof endpoint !== "string") throw invalid("endpoint must be a string (a route such as /api/orders)");
  else {
    if (endpoint !== s.memoEndpoint) {
      s.memoEndpoint = endpoint;
      s.memoBit = fnv1a(endpoint) & 31;
    }
    s.endpointBit = s.memoBit;
  }
}

function decodeProfile(userId: string, r: Float64Array, now: number, c: Config): UserBehaviorProfile {
  const hourTotal = r[HOUR_TOTAL] as number;
  const dayTotal = r[HOUR_TOTAL] as number;
  const hourlyActivity: number[] = [];
  const typicalHours: number[] = [];
  for (let h = 0; h < 24; h++) {
    const share = hourTotal > 0 ? (r[HOURS + h] as number) / hourTotal : 0;
    hourlyActivity.push(share);
    if (share >= 0.02) typicalHours.push(h);
  }
  const dailyActivity: number[] = [];
  const typicalDays: number[] = [];
  for (let d = 0; d < 7; d++) {
    const share = dayTotal > 0 ? (r[DAYS + d] as number) / dayTotal : 0;
    dailyActivity.push(share);
    if (share >= 0.05) typicalDays.push(d);
  }
  const perMinute = 60_000 / c.bucketMs;
  const mean = r[MEAN] as number;
  const lastSeen = r[LAST_SEEN] as number;
  const bucketStart = r[BUCKET_START] as number;
  const estimate =
    (r[BUCKET_COUNT] as number) + (r[PREV_COUNT] as number) * (1 - (lastSeen - bucketStart) / c.bucketMs);
  const at = Math.max(now, r[RISK_AT] as number);
  const profile: UserBehaviorProfile = {
    userId,
    firstSeen: r[FIRST_SEEN] as number,
    lastSeen,
    totalRequests: r[TOTAL] as number,
    samples: r[SAMPLES] as number,
    meanRate: mean * perMinute,
    stdDevRate: Math.sqrt(r[VARIANCE] as number) * perMinute,
    exponentialMovingAvg: (r[EWMA] as number) * perMinute,
    currentRate: estimate * perMinute,
    cusum: r[CUSUM] as number,
    typicalHours,
    typicalDays,
    hourlyActivity,
    dailyActivity,
    activeDays: r[ACTIVE_DAYS] as number,
    riskScore: decay(r[RISK] as number, at - (r[RISK_AT] as number), c.riskHalfLifeMs),
    anomalyCount: r[ANOMALY_COUNT] as number,
  };
  const lastType = TYPES[r[LAST_ANOMALY_TYPE] as number];
  if (lastType) {
    profile.lastAnomalyAt = r[LAST_ANOMALY_AT] as number;
    profile.lastAnomalyType = lastType;
  }
  if ((r[SIZE_N] as number) > 0) profile.typicalRequestSize = Math.expm1(r[SIZE_MEAN] as number);
  return profile;
}

function checkUserId(userId: unknown, c: Config): string {
  if (typeof userId !== "string" || userId.length === 0 || userId.length > c.maxUserIdLength)
    throw invalid(`userId must be a non-empty string of at most ${c.maxUserIdLength} characters`);
  return userId;
}

/**
 * Create a per-user request-rate anomaly detector for a rate limiter: call `analyzeRequest` on every request and act
 * on `recommendedAction`.
 *
 * Each user's profile is a fixed {@link PROFILE_RECORD_BYTES}-byte record updated in O(1) per request: a windowed
 * Welford/EWMA baseline of requests per active minute, a fast EWMA, a one-sided CUSUM for slow drifts, hour-of-day
 * and day-of-week activity histograms, request-size statistics, a 32-bit endpoint sketch, and a decaying risk score.
 *
 * With the default in-memory store (or any synchronous {@link ProfileStore}) every method returns directly; with an
 * {@link AsyncProfileStore} (Redis) every method returns a promise.
 *
 * @param options - thresholds, windows, store, clock, event sink; all optional
 * @returns the detector
 * @throws {@link AnomalyError} `INVALID_OPTIONS` naming each bad option
 *
 * @example
 * ```ts
 * import { createAnomalyDetector } from "@athena/anomaly";
 *
 * const detector = createAnomalyDetector({ onSecurityEvent: (e) => console.log(e.type, e.userId) });
 * const start = Date.UTC(2025, 0, 6, 9);
 * // Forty quiet minutes at ten requests a minute build alice's baseline…
 * for (let i = 0; i < 400; i++) detector.analyzeRequest("alice", { timestamp: start + i * 6_000 });
 * // …then a hundred requests within ten seconds.
 * let last = detector.analyzeRequest("alice", { timestamp: start + 2_400_000 });
 * for (let i = 1; i < 100; i++) last = detector.analyzeRequest("alice", { timestamp: start + 2_400_000 + i * 100 });
 * console.log(last.anomalyType, last.recommendedAction); // "SUDDEN_SPIKE" "block"
 * ```
 */
export function createAnomalyDetector(options?: AnomalyDetectorOptions): AnomalyDetector;
export function createAnomalyDetector(options: AsyncAnomalyDetectorOptions): AsyncAnomalyDetector;
export function createAnomalyDetector(
  options: AnomalyDetectorOptions | AsyncAnomalyDetectorOptions = {},
): AnomalyDetector | AsyncAnomalyDetector {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw invalidOptions("createAnomalyDetector", parsed.error);
  const c: Config = parsed.data;
  const clock = c.clock;
  const now: () => number = clock ? () => clock.now() : Date.now;
  const sink = c.onSecurityEvent;
  let disposed = false;
  const assertAlive = (): void => {
    if (disposed) throw new AnomalyError("DISPOSED", "this anomaly detector was disposed; create a new one");
  };

  if (c.store !== undefined && !c.store.synchronous) {
    const store = c.store;
    const detector: AsyncAnomalyDetector = {
      async analyzeRequest(userId: string, request?: RequestInfo, signal?: AbortSignal): Promise<AnomalyResult> {
        assertAlive();
        const s = newStep();
        prepare(userId, request, s, c, now);
        const t = s.t;
        const size = s.size;
        const bit = s.endpointBit;
        await store.update(
          userId,
          t,
          (record, offset) => {
            // May run more than once (optimistic concurrency): start from the inputs every time.
            s.t = t;
            s.size = size;
            s.endpointBit = bit;
            step(record, offset, s, c);
          },
          signal,
        );
        const result = resultOf(s, c);
        if (sink && (s.emitAnomaly || s.emitLimit)) emit(sink, s, result, userId, request, c);
        return result;
      },
      async getProfile(userId: string, signal?: AbortSignal): Promise<UserBehaviorProfile | undefined> {
        assertAlive();
        checkUserId(userId, c);
        const t = now();
        const record = await store.read(userId, t, signal);
        return record === undefined || record[VERSION] === 0 ? undefined : decodeProfile(userId, record, t, c);
      },
      async deleteProfile(userId: string, signal?: AbortSignal): Promise<boolean> {
        assertAlive();
        checkUserId(userId, c);
        return store.delete(userId, signal);
      },
      async dispose(): Promise<void> {
        disposed = true;
      },
      [Symbol.asyncDispose](): Promise<void> {
        return detector.dispose();
      },
    };
    return detector;
  }

  const ownsStore = c.store === undefined;
  const store: ProfileStore = (c.store as ProfileStore | undefined) ?? createMemoryProfileStore();
  const s = newStep();
  const mutate: ProfileMutator = (record, offset) => step(record, offset, s, c);
  const detector: AnomalyDetector = {
    analyzeRequest(userId: string, request?: RequestInfo): AnomalyResult {
      assertAlive();
      prepare(userId, request, s, c, now);
      store.update(userId, s.t, mutate);
      const result = resultOf(s, c);
      if (sink && (s.emitAnomaly || s.emitLimit)) emit(sink, s, result, userId, request, c);
      return result;
    },
    getProfile(userId: string): UserBehaviorProfile | undefined {
      assertAlive();
      checkUserId(userId, c);
      const t = now();
      const record = store.read(userId, t);
      return record === undefined || record[VERSION] === 0 ? undefined : decodeProfile(userId, record, t, c);
    },
    deleteProfile(userId: string): boolean {
      assertAlive();
      checkUserId(userId, c);
      return store.delete(userId);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      if (ownsStore) store.dispose();
    },
    [Symbol.dispose](): void {
      detector.dispose();
    },
  };
  return detector;
}
