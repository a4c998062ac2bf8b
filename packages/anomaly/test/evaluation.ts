/**
 * Runs the detector over the labelled synthetic workload and measures detection rate, false-positive rate and time
 * to detect. Used by `evaluation.test.ts` (which enforces the targets) and by `scripts/evaluate.ts` (which prints
 * the README table).
 */
import { quantile } from "simple-statistics";
import {
  type AnomalyDetectorOptions,
  type AnomalyType,
  createAnomalyDetector,
  createMemoryProfileStore,
} from "../src/index.js";
import { DAY, type EpisodeKind, generateUser, type WorkloadOptions } from "./workload.js";

export interface KindReport {
  kind: EpisodeKind;
  episodes: number;
  detected: number;
  detectionRate: number;
  /** Median and 90th percentile of the time from episode start to the first non-allow verdict, in seconds. */
  medianSecondsToDetect: number;
  p90SecondsToDetect: number;
  /** Which anomaly type flagged each detected episode first. */
  firstTypes: Partial<Record<AnomalyType, number>>;
}

export interface EvaluationReport {
  users: number;
  days: number;
  requests: number;
  episodes: number;
  detectionRate: number;
  medianSecondsToDetect: number;
  /** Normal requests judged after warm-up (a verdict was possible). */
  normalJudged: number;
  /** Normal requests that got anything but `allow` (excluding the recovery window after an episode). */
  falsePositives: number;
  falsePositiveRate: number;
  /** Normal requests within `recoveryMs` after an episode ended (the account was just attacked) and how many were not allowed. */
  recoveryJudged: number;
  recoveryNotAllowed: number;
  /** Normal user-days (with judged requests) on which at least one normal request was not allowed. */
  userDays: number;
  userDaysFlagged: number;
  byKind: KindReport[];
  analyzeSeconds: number;
}

export const DEFAULT_WORKLOAD: WorkloadOptions = {
  seed: 20_250_106,
  users: 2_000,
  days: 21,
  firstEpisodeDay: 14,
  anomalousShare: 0.4,
};

const RECOVERY_MS: number = 30 * 60_000;

export function evaluate(
  workload: WorkloadOptions = DEFAULT_WORKLOAD,
  detectorOptions: Omit<AnomalyDetectorOptions, "clock" | "store"> = {},
): EvaluationReport {
  let now = 0;
  const detector = createAnomalyDetector({
    ...detectorOptions,
    clock: { now: () => now },
    store: createMemoryProfileStore({ maxProfiles: workload.users }),
  });
  let requests = 0;
  let normalJudged = 0;
  let falsePositives = 0;
  let recoveryJudged = 0;
  let recoveryNotAllowed = 0;
  let userDays = 0;
  let userDaysFlagged = 0;
  const kinds = new Map<
    EpisodeKind,
    { episodes: number; detected: number; ttd: number[]; types: Partial<Record<AnomalyType, number>> }
  >();
  const allTtd: number[] = [];
  const started = performance.now();
  for (let u = 0; u < workload.users; u++) {
    const user = generateUser(workload, u);
    const firstFlag = user.episodes.map(() => Number.NaN);
    const firstType: (AnomalyType | null)[] = user.episodes.map(() => null);
    const dayJudged = new Set<number>();
    const dayFlagged = new Set<number>();
    for (const request of user.requests) {
      now = request.t;
      const result = detector.analyzeRequest(user.id, {
        timestamp: request.t,
        endpoint: request.endpoint,
        requestSize: request.size,
      });
      requests++;
      const flagged = result.recommendedAction !== "allow";
      if (request.episode >= 0) {
        if (flagged && result.isAnomalous && Number.isNaN(firstFlag[request.episode] as number)) {
          firstFlag[request.episode] = request.t;
          firstType[request.episode] = result.anomalyType;
        }
        continue;
      }
      if (result.samples < (detectorOptions.minSamples ?? 30)) continue;
      const recovering = user.episodes.some((e) => request.t >= e.end && request.t < e.end + RECOVERY_MS);
      if (recovering) {
        recoveryJudged++;
        if (flagged) recoveryNotAllowed++;
        continue;
      }
      normalJudged++;
      const day = Math.floor(request.t / DAY);
      dayJudged.add(day);
      if (flagged) {
        falsePositives++;
        dayFlagged.add(day);
      }
    }
    userDays += dayJudged.size;
    userDaysFlagged += dayFlagged.size;
    user.episodes.forEach((episode, i) => {
      let entry = kinds.get(episode.kind);
      if (!entry) {
        entry = { episodes: 0, detected: 0, ttd: [], types: {} };
        kinds.set(episode.kind, entry);
      }
      entry.episodes++;
      const at = firstFlag[i] as number;
      if (!Number.isNaN(at)) {
        entry.detected++;
        entry.ttd.push((at - episode.start) / 1000);
        allTtd.push((at - episode.start) / 1000);
        const type = firstType[i];
        if (type) entry.types[type] = (entry.types[type] ?? 0) + 1;
      }
    });
    detector.deleteProfile(user.id);
  }
  const analyzeSeconds = (performance.now() - started) / 1000;
  detector.dispose();
  const byKind: KindReport[] = [...kinds.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, e]) => ({
      kind,
      episodes: e.episodes,
      detected: e.detected,
      detectionRate: e.detected / e.episodes,
      medianSecondsToDetect: e.ttd.length ? quantile(e.ttd, 0.5) : Number.NaN,
      p90SecondsToDetect: e.ttd.length ? quantile(e.ttd, 0.9) : Number.NaN,
      firstTypes: e.types,
    }));
  const episodes = byKind.reduce((sum, k) => sum + k.episodes, 0);
  const detected = byKind.reduce((sum, k) => sum + k.detected, 0);
  return {
    users: workload.users,
    days: workload.days,
    requests,
    episodes,
    detectionRate: detected / episodes,
    medianSecondsToDetect: allTtd.length ? quantile(allTtd, 0.5) : Number.NaN,
    normalJudged,
    falsePositives,
    falsePositiveRate: falsePositives / normalJudged,
    recoveryJudged,
    recoveryNotAllowed,
    userDays,
    userDaysFlagged,
    byKind,
    analyzeSeconds,
  };
}
