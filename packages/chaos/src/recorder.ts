/**
 * Observation of calls through injection points while an experiment watches them. The hot path is a counter and a
 * countdown; only every `every`-th call is timed and has its outcome recorded, and `every` adapts so that at most
 * `maxSamplesPerSecond` calls are sampled (below that rate every call is sampled).
 */
import type { Hook } from "./point.js";
import type { PhaseMetrics } from "./types.js";

const ADAPT_INTERVAL_MS = 100;

/** Cumulative counters of a recorder at one moment; windows are differences of two snapshots. */
export interface RecorderSnapshot {
  calls: number;
  sampled: number;
  errors: number;
}

/** Latency and outcome samples of one injection point, in a ring buffer. */
export class Recorder {
  /** Calls seen (sampled or not). */
  calls = 0;
  /** Sampled calls completed (also the ring's write index). */
  sampled = 0;
  /** Sampled calls that failed. */
  errors = 0;
  /** Sample one call in `every`. */
  every = 1;
  /** Calls left until the next sample. */
  countdown = 1;
  private readonly latencies: Float64Array;
  private readonly mask: number;
  private readonly maxSamplesPerSecond: number;
  /** Samples allowed per adaptation interval. */
  private readonly budget: number;
  private rateAt: number;
  private rateCalls = 0;

  constructor(maxSamplesPerSecond: number, capacityPow2 = 14) {
    this.maxSamplesPerSecond = maxSamplesPerSecond;
    this.budget = Math.max(1, Math.floor((maxSamplesPerSecond * ADAPT_INTERVAL_MS) / 1000));
    this.latencies = new Float64Array(1 << capacityPow2);
    this.mask = (1 << capacityPow2) - 1;
    this.rateAt = performance.now();
  }

  /** Ring capacity in samples. */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Runs one sampled call through `hook` and records its latency and outcome. */
  observe(hook: Hook, fn: (...args: unknown[]) => unknown, thisArg: unknown, args: unknown[]): unknown {
    const start = performance.now();
    this.countdown = this.every;
    // Adapt every 100 ms, or sooner once this interval's sampling budget is spent (a burst right after arming).
    if (start - this.rateAt >= ADAPT_INTERVAL_MS || this.calls - this.rateCalls >= this.budget * this.every)
      this.adapt(start);
    let result: unknown;
    try {
      result = hook.run(fn, thisArg, args);
    } catch (error) {
      this.record(start, 0);
      throw error;
    }
    if (isThenable(result)) {
      result.then(
        () => this.record(start, 1),
        () => this.record(start, 0),
      );
    } else {
      this.record(start, 1);
    }
    return result;
  }

  /** Recomputes the sampling interval from the call rate since the last adaptation. */
  adapt(now: number): void {
    const elapsed = now - this.rateAt;
    if (elapsed <= 0) return;
    const rate = ((this.calls - this.rateCalls) * 1000) / elapsed;
    this.every = Math.max(1, Math.ceil(rate / this.maxSamplesPerSecond));
    if (this.countdown > this.every) this.countdown = this.every;
    this.rateAt = now;
    this.rateCalls = this.calls;
  }

  snapshot(): RecorderSnapshot {
    return { calls: this.calls, sampled: this.sampled, errors: this.errors };
  }

  /** Copies the latencies of samples `[from, to)` still in the ring into `out` from `offset`; returns the new offset. */
  copyLatencies(from: number, to: number, out: Float64Array, offset: number): number {
    const start = Math.max(from, to - this.capacity);
    let o = offset;
    for (let i = start; i < to && o < out.length; i++) out[o++] = this.latencies[i & this.mask] ?? 0;
    return o;
  }

  private record(start: number, ok: 0 | 1): void {
    const i = this.sampled & this.mask;
    this.latencies[i] = performance.now() - start;
    this.sampled++;
    if (ok === 0) this.errors++;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** Statistics of a window: counters and latency percentiles over the samples in it. */
export type WindowStats = Omit<PhaseMetrics, "durationMs">;

const MAX_PERCENTILE_SAMPLES = 1 << 15;

/**
 * Stats of the calls between two snapshots of each recorder. `durationMs` (by the engine's clock) turns counts
 * into throughput; null when the window has no length.
 */
export function windowStats(
  recorders: readonly Recorder[],
  from: readonly RecorderSnapshot[],
  to: readonly RecorderSnapshot[],
  durationMs: number,
): WindowStats {
  let calls = 0;
  let sampled = 0;
  let errors = 0;
  let total = 0;
  for (let r = 0; r < recorders.length; r++) {
    const a = from[r];
    const b = to[r];
    if (a === undefined || b === undefined) continue;
    calls += b.calls - a.calls;
    sampled += b.sampled - a.sampled;
    errors += b.errors - a.errors;
    total += Math.min(b.sampled - a.sampled, recorders[r]?.capacity ?? 0);
  }
  const buffer = new Float64Array(Math.min(total, MAX_PERCENTILE_SAMPLES));
  let n = 0;
  for (let r = 0; r < recorders.length; r++) {
    const a = from[r];
    const b = to[r];
    const recorder = recorders[r];
    if (a === undefined || b === undefined || recorder === undefined) continue;
    n = recorder.copyLatencies(a.sampled, b.sampled, buffer, n);
  }
  const sorted = buffer.subarray(0, n).sort();
  return {
    calls,
    sampled,
    errors,
    errorRate: sampled > 0 ? errors / sampled : null,
    latencyP50: percentile(sorted, 0.5),
    latencyP95: percentile(sorted, 0.95),
    latencyP99: percentile(sorted, 0.99),
    throughput: durationMs > 0 ? (calls * 1000) / durationMs : null,
  };
}

/** Nearest-rank percentile of sorted samples; null when there are none. */
export function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] ?? null;
}
