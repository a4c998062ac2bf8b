import { z } from "zod";
import { AnomalyError } from "./errors.js";
import { clamp01, normalCdf } from "./math.js";
import { clockSchema, invalidOptions } from "./options.js";
import type { Clock } from "./seams.js";

/**
 * Options of {@link createStreamingDetector}.
 *
 * @example
 * ```ts
 * import type { StreamingDetectorOptions } from "@athena/anomaly";
 *
 * const options: StreamingDetectorOptions = { zScoreThreshold: 4, direction: "up" };
 * ```
 */
export interface StreamingDetectorOptions {
  /** |z| at which a value is anomalous. @defaultValue 3 */
  zScoreThreshold?: number;
  /** Memory of the baseline in samples (exact Welford up to it, exponentially weighted after). @defaultValue 100 */
  movingAverageWindow?: number;
  /** Samples before any value can be anomalous. @defaultValue 30 */
  minSamples?: number;
  /** Weight of the newest value in the fast EWMA. @defaultValue 0.1 */
  emaDecay?: number;
  /** CUSUM slack in standard deviations. @defaultValue 0.5 */
  cusumSlack?: number;
  /** CUSUM alarm level in standard deviations. @defaultValue 5 */
  cusumThreshold?: number;
  /** Which deviations count: `"up"` (e.g. latency), `"down"` (e.g. throughput) or `"both"`. @defaultValue "both" */
  direction?: "up" | "down" | "both";
  /** Floor of the standard deviation, so a constant series does not make every change infinite. @defaultValue 1e-9 */
  minStdDev?: number;
  /** Time source for `update(value)` without a timestamp. @defaultValue `Date.now` */
  clock?: Clock;
}

/**
 * The verdict on one value of a {@link StreamingDetector}.
 *
 * @example
 * ```ts
 * import { createStreamingDetector } from "@athena/anomaly";
 *
 * const verdict = createStreamingDetector().update(42);
 * console.log(verdict.score, verdict.isAnomalous);
 * ```
 */
export interface StreamingResult {
  /** Anomaly score in [0, 1]: 0.5 at the threshold, near 0 for ordinary values. */
  score: number;
  /** Standard deviations of this value from the baseline mean (before it was added). */
  zScore: number;
  /** True when the value crossed the z threshold or the CUSUM alarmed, after `minSamples`. */
  isAnomalous: boolean;
  /** `"spike"` (one value far out), `"drift"` (CUSUM alarm), or `null`. */
  kind: "spike" | "drift" | null;
}

/**
 * The baseline a {@link StreamingDetector} keeps (a handful of numbers, whatever the length of the series).
 *
 * @example
 * ```ts
 * import { createStreamingDetector } from "@athena/anomaly";
 *
 * const detector = createStreamingDetector();
 * detector.update(1);
 * console.log(detector.state().samples); // 1
 * ```
 */
export interface StreamingState {
  /** Values seen. */
  samples: number;
  /** Windowed mean. */
  mean: number;
  /** Windowed standard deviation. */
  stdDev: number;
  /** Fast exponential moving average. */
  ewma: number;
  /** Upward CUSUM statistic. */
  cusumUp: number;
  /** Downward CUSUM statistic. */
  cusumDown: number;
  /** Latest timestamp seen. */
  lastTimestamp: number;
}

/**
 * Streaming anomaly detection on one numeric series: the detector's statistics for any metric a host watches
 * (latency, error count, queue depth).
 *
 * @example
 * ```ts
 * import { createStreamingDetector } from "@athena/anomaly";
 *
 * const latency = createStreamingDetector({ direction: "up" });
 * for (let i = 0; i < 50; i++) latency.update(100 + (i % 5), i * 1_000);
 * console.log(latency.update(400, 50_000).isAnomalous); // true
 * ```
 */
export interface StreamingDetector {
  /**
   * Add one value and judge it against the baseline before it.
   *
   * @param value - a finite number
   * @param timestamp - ms since the epoch, default `clock.now()`; an earlier timestamp than the latest is accepted
   *   (values are judged in call order) and does not move `lastTimestamp` back
   * @throws {@link AnomalyError} `INVALID_REQUEST` for a non-finite value or timestamp; nothing is recorded
   */
  update(value: number, timestamp?: number): StreamingResult;
  /** The current baseline. */
  state(): StreamingState;
  /** Forget everything. */
  reset(): void;
}

const finite = (name: string) => z.number({ error: `${name} must be a number` }).finite();

const optionsSchema = z.strictObject({
  zScoreThreshold: finite("zScoreThreshold").positive().default(3),
  movingAverageWindow: z.int().min(2).max(1_000_000).default(100),
  minSamples: z.int().min(1).max(1_000_000).default(30),
  emaDecay: finite("emaDecay").gt(0).lte(1).default(0.1),
  cusumSlack: finite("cusumSlack").min(0).default(0.5),
  cusumThreshold: finite("cusumThreshold").positive().default(5),
  direction: z.enum(["up", "down", "both"]).default("both"),
  minStdDev: finite("minStdDev").positive().default(1e-9),
  clock: clockSchema.optional(),
});

/**
 * Create a {@link StreamingDetector}: windowed Welford mean/variance, a fast EWMA and two-sided CUSUM over one series,
 * O(1) time and memory per value.
 *
 * @param options - thresholds and windows; all optional
 * @returns the detector
 * @throws {@link AnomalyError} `INVALID_OPTIONS` naming each bad option
 *
 * @example
 * ```ts
 * import { createStreamingDetector } from "@athena/anomaly";
 *
 * const errors = createStreamingDetector({ direction: "up", minSamples: 10 });
 * for (let minute = 0; minute < 30; minute++) errors.update(minute % 3, minute * 60_000);
 * const verdict = errors.update(40, 30 * 60_000);
 * console.log(verdict.kind, verdict.score.toFixed(2)); // "spike" "1.00"
 * ```
 */
export function createStreamingDetector(options: StreamingDetectorOptions = {}): StreamingDetector {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw invalidOptions("createStreamingDetector", parsed.error);
  const c = parsed.data;
  const clock = c.clock;
  let n = 0;
  let mean = 0;
  let variance = 0;
  let ewma = 0;
  let up = 0;
  let down = 0;
  let last = Number.NEGATIVE_INFINITY;
  const floor = c.minStdDev * c.minStdDev;
  const zt = c.zScoreThreshold;
  const h = c.cusumThreshold;

  return {
    update(value: number, timestamp?: number): StreamingResult {
      if (typeof value !== "number" || !Number.isFinite(value))
        throw new AnomalyError("INVALID_REQUEST", `value must be a finite number, got ${String(value)}`);
      const t = timestamp ?? (clock ? clock.now() : Date.now());
      if (typeof t !== "number" || !Number.isFinite(t))
        throw new AnomalyError("INVALID_REQUEST", `timestamp must be a finite number of ms, got ${String(t)}`);
      if (t > last) last = t;
      if (n === 0) {
        n = 1;
        mean = value;
        ewma = value;
        return { score: 0, zScore: 0, isAnomalous: false, kind: null };
      }
      const sd = Math.sqrt(variance > floor ? variance : floor);
      const z = (value - mean) / sd;
      const established = n >= c.minSamples;
      const capped = z > zt ? zt : z < -zt ? -zt : z;
      let drift = false;
      if (established) {
        if (c.direction !== "down") {
          up = Math.max(0, up + capped - c.cusumSlack);
          if (up >= h) drift = true;
        }
        if (c.direction !== "up") {
          down = Math.max(0, down - capped - c.cusumSlack);
          if (down >= h) drift = true;
        }
      }
      const directed = c.direction === "up" ? z : c.direction === "down" ? -z : Math.abs(z);
      const spike = established && directed >= zt;
      const cusumPeak = Math.max(up, down);
      const spikeScore = established ? normalCdf(directed - zt) : 0;
      const driftScore = established ? (drift ? 0.5 + 0.5 * clamp01((cusumPeak - h) / h) : 0.5 * (cusumPeak / h)) : 0;
      if (drift) {
        up = 0;
        down = 0;
      }
      // Winsorize established baselines so one outlier cannot drag them far.
      const x = established ? mean + capped * sd : value;
      const alpha = 1 / (n + 1 < c.movingAverageWindow ? n + 1 : c.movingAverageWindow);
      const d = x - mean;
      mean += alpha * d;
      variance = (1 - alpha) * (variance + alpha * d * d);
      ewma += c.emaDecay * (value - ewma);
      n++;
      const isAnomalous = spike || drift;
      return {
        score: Math.max(spikeScore, driftScore),
        zScore: z,
        isAnomalous,
        kind: spike ? "spike" : drift ? "drift" : null,
      };
    },
    state(): StreamingState {
      return {
        samples: n,
        mean,
        stdDev: Math.sqrt(variance),
        ewma,
        cusumUp: up,
        cusumDown: down,
        lastTimestamp: last,
      };
    },
    reset(): void {
      n = 0;
      mean = 0;
      variance = 0;
      ewma = 0;
      up = 0;
      down = 0;
      last = Number.NEGATIVE_INFINITY;
    },
  };
}
