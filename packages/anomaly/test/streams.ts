/**
 * Realistic request streams for one user: Poisson arrivals with minute-to-minute variation, in sessions at given
 * hours (UTC) on given days. Deterministic for a seed.
 */
import type { AnomalyDetector, AnomalyResult, RequestInfo } from "../src/index.js";
import { DAY, EPOCH, gaussian, HOUR, MINUTE, poisson, rng } from "./workload.js";

export { DAY, EPOCH, HOUR, MINUTE };

/** A detector driven by event time: `clock.now()` is the timestamp of the request being analysed. */
export interface Replay {
  now: number;
  clock: { now(): number };
}

export function replayClock(start: number = EPOCH): Replay {
  const replay: Replay = {
    now: start,
    clock: { now: () => replay.now },
  };
  return replay;
}

export interface SegmentOptions {
  /** Requests per minute at minute `m` of the segment. */
  rate: (minute: number) => number;
  minutes: number;
  start: number;
  /** Minute-to-minute log-normal variation (σ). */
  noise?: number;
  endpoint?: string;
  size?: number;
  request?: Partial<RequestInfo>;
}

export interface Analysed {
  t: number;
  minute: number;
  result: AnomalyResult;
}

/** Feed one segment of traffic to the detector and return every verdict. */
export function feed(
  detector: AnomalyDetector,
  replay: Replay,
  userId: string,
  random: () => number,
  options: SegmentOptions,
): Analysed[] {
  const out: Analysed[] = [];
  const times: number[] = [];
  for (let m = 0; m < options.minutes; m++) {
    times.length = 0;
    const factor = Math.exp((options.noise ?? 0.15) * gaussian(random));
    const from = options.start + m * MINUTE;
    poisson(random, from, from + MINUTE, options.rate(m) * factor, times);
    for (const t of times) {
      replay.now = t;
      const result = detector.analyzeRequest(userId, {
        timestamp: t,
        endpoint: options.endpoint ?? "/api/orders",
        requestSize: options.size ?? Math.round(800 * Math.exp(0.3 * gaussian(random))),
        ...options.request,
      });
      out.push({ t, minute: m, result });
    }
  }
  return out;
}

/** Office-hours history: weekdays (or every day) with sessions 09:00–12:00 and 13:00–17:00 UTC at `rate`. */
export function officeHistory(
  detector: AnomalyDetector,
  replay: Replay,
  userId: string,
  options: { days: number; rate: number; seed: number; weekends?: boolean; noise?: number; firstDay?: number },
): Analysed[] {
  const random = rng(options.seed);
  const out: Analysed[] = [];
  for (let day = options.firstDay ?? 0; day < (options.firstDay ?? 0) + options.days; day++) {
    const weekday = day % 7; // day 0 is a Monday
    if (!options.weekends && weekday >= 5) continue;
    for (const [from, to] of [
      [9, 12],
      [13, 17],
    ] as const) {
      out.push(
        ...feed(detector, replay, userId, random, {
          start: EPOCH + day * DAY + from * HOUR,
          minutes: (to - from) * 60,
          rate: () => options.rate,
          noise: options.noise ?? 0.15,
        }),
      );
    }
  }
  return out;
}

export { rng };
