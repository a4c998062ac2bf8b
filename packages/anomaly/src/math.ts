import { cumulativeStdNormalProbability } from "simple-statistics";

/** Standard normal CDF Φ(z) (simple-statistics' table, 2-decimal resolution, O(1)). */
export function normalCdf(z: number): number {
  return cumulativeStdNormalProbability(z);
}

/** Clamp to [0, 1]. */
export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
