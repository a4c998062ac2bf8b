/** Human-readable numbers for lessons and details. */

/** `0.42 ms`, `12 ms`, `1.9 s`, `2.5 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const abs = Math.abs(ms);
  if (abs < 1) return `${ms.toFixed(2)} ms`;
  if (abs < 10) return `${ms.toFixed(1)} ms`;
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** `0 %`, `12.5 %`. */
export function formatRate(rate: number): string {
  const pct = rate * 100;
  return `${Number.isInteger(pct) ? pct.toFixed(0) : pct.toFixed(1)} %`;
}

/** `120 calls/s`, `0.5 calls/s`. */
export function formatThroughput(perSecond: number): string {
  return `${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)} calls/s`;
}

/** A metric value in the unit of its metric. */
export function formatMetric(metric: string, value: unknown): string {
  if (typeof value !== "number") return JSON.stringify(value) ?? String(value);
  if (metric === "error_rate") return formatRate(value);
  if (metric.startsWith("latency_")) return formatDuration(value);
  if (metric === "throughput") return formatThroughput(value);
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}
