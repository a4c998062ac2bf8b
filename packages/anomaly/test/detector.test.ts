import { mean, standardDeviation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import {
  type AnomalyDetectorOptions,
  type AnomalyResult,
  createAnomalyDetector,
  isAnomalyError,
  type SecurityEvent,
} from "../src/index.js";
import { DAY, EPOCH, feed, HOUR, MINUTE, officeHistory, replayClock, rng } from "./streams.js";

function detectorWith(options: AnomalyDetectorOptions = {}) {
  const replay = replayClock();
  const events: SecurityEvent[] = [];
  const detector = createAnomalyDetector({
    clock: replay.clock,
    onSecurityEvent: (event) => events.push(event),
    ...options,
  });
  return { replay, detector, events };
}

const flagged = (r: AnomalyResult): boolean => r.isAnomalous && r.recommendedAction !== "allow";

describe("the five anomaly types, each from a realistic request stream", () => {
  it("SUDDEN_SPIKE: a 10× burst over a 10 req/min office baseline is flagged within seconds and throttled", () => {
    const { replay, detector, events } = detectorWith();
    const history = officeHistory(detector, replay, "alice", { days: 3, rate: 10, seed: 1 });
    const judged = history.filter((a) => a.result.samples >= 30);
    expect(judged.length).toBeGreaterThan(1000);
    expect(judged.filter((a) => a.result.anomalyType === "SUDDEN_SPIKE")).toHaveLength(0);

    const start = EPOCH + 3 * DAY + 10 * HOUR;
    feed(detector, replay, "alice", rng(2), { start, minutes: 30, rate: () => 10 });
    const spike = feed(detector, replay, "alice", rng(3), { start: start + 30 * MINUTE, minutes: 5, rate: () => 100 });
    const first = spike.find((a) => a.result.anomalyType === "SUDDEN_SPIKE");
    expect(first).toBeDefined();
    expect((first?.t ?? Number.POSITIVE_INFINITY) - (start + 30 * MINUTE)).toBeLessThan(30_000);
    expect(first?.result.reasons[0]).toMatch(/sudden spike/);
    const last = spike.at(-1)?.result;
    expect(last?.recommendedAction).toMatch(/throttle|block/);
    expect(last?.currentRate).toBeGreaterThan(50);
    expect(events.some((e) => e.type === "ANOMALOUS_BEHAVIOR" && e.data?.anomalyType === "SUDDEN_SPIKE")).toBe(true);
    expect(events.some((e) => e.type === "RATE_LIMIT_EXCEEDED")).toBe(true);
  });

  it("GRADUAL_INCREASE: a +5 %/min ramp is caught by the CUSUM while its z-score is still below the threshold", () => {
    const cusumMinutes: number[] = [];
    const plainMinutes: number[] = [];
    let quietAtAlarm = 0;
    for (const seed of [4, 5, 6, 7, 8, 9]) {
      const { replay, detector } = detectorWith();
      const history = officeHistory(detector, replay, "ramp", { days: 3, rate: 10, seed, noise: 0.3 });
      // A plain z-score of each minute's count, on the same square-root scale, against every past active minute.
      const perMinute = new Map<number, number>();
      for (const a of history)
        perMinute.set(Math.floor(a.t / MINUTE), (perMinute.get(Math.floor(a.t / MINUTE)) ?? 0) + 1);
      const roots = [...perMinute.values()].map(Math.sqrt);
      const plainMean = mean(roots);
      const plainSd = standardDeviation(roots);
      const ramp = feed(detector, replay, "ramp", rng(seed + 50), {
        start: EPOCH + 3 * DAY + 9 * HOUR,
        minutes: 40,
        rate: (m) => 10 * 1.05 ** m,
        noise: 0.3,
      });
      const rampCounts: number[] = [];
      for (const a of ramp) rampCounts[a.minute] = (rampCounts[a.minute] ?? 0) + 1;
      plainMinutes.push(rampCounts.findIndex((c) => (Math.sqrt(c) - plainMean) / plainSd >= 3));

      const first = ramp.find((a) => flagged(a.result));
      expect(first?.result.anomalyType, `seed ${seed}`).toBe("GRADUAL_INCREASE"); // not mistaken for a spike
      const alarm = ramp.find((a) => a.result.reasons.some((r) => r.includes("CUSUM alarm")));
      expect(alarm, `seed ${seed}`).toBeDefined();
      cusumMinutes.push(alarm?.minute ?? 99);
      if ((alarm?.result.zScore ?? 99) < 3) quietAtAlarm++;
    }
    // The CUSUM alarms while the rate's own z-score is below 3 in (nearly) every run, and no later than the plain
    // z-score in the typical run.
    expect(quietAtAlarm).toBeGreaterThanOrEqual(5);
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    expect(median(cusumMinutes)).toBeLessThanOrEqual(median(plainMinutes.map((m) => (m === -1 ? 99 : m))));
  });

  it("UNUSUAL_TIMING: activity at 03:00 from an office-hours user", () => {
    const { replay, detector } = detectorWith();
    const history = officeHistory(detector, replay, "bob", { days: 10, rate: 6, seed: 6 });
    expect(history.filter((a) => a.result.anomalyType === "UNUSUAL_TIMING")).toHaveLength(0);
    const night = feed(detector, replay, "bob", rng(7), {
      start: EPOCH + 10 * DAY + 3 * HOUR,
      minutes: 10,
      rate: () => 6,
    });
    const first = night.find((a) => flagged(a.result));
    expect(first?.result.anomalyType).toBe("UNUSUAL_TIMING");
    expect(first?.result.recommendedAction).toBe("challenge");
    expect(first?.result.reasons[0]).toMatch(/hour 3:00 UTC/);
    expect(detector.getProfile("bob")?.typicalHours).toEqual([9, 10, 11, 13, 14, 15, 16]);
  });

  it("PATTERN_DEVIATION: a weekday-only user shows up on a Sunday at the usual hour", () => {
    const { replay, detector } = detectorWith();
    const history = officeHistory(detector, replay, "carol", { days: 20, rate: 6, seed: 8 });
    expect(history.filter((a) => a.result.anomalyType === "PATTERN_DEVIATION")).toHaveLength(0);
    // Day 20 is a Saturday, 21 a Sunday.
    const sunday = feed(detector, replay, "carol", rng(9), {
      start: EPOCH + 20 * DAY + 10 * HOUR,
      minutes: 10,
      rate: () => 6,
    });
    const first = sunday.find((a) => flagged(a.result));
    expect(first?.result.anomalyType).toBe("PATTERN_DEVIATION");
    expect(first?.result.reasons[0]).toMatch(/Sunday/);
    expect(detector.getProfile("carol")?.typicalDays).toEqual([1, 2, 3, 4, 5]);
  });

  it("BEHAVIORAL_ANOMALY: a rare hour, a never-used endpoint and huge payloads together, none enough alone", () => {
    const { replay, detector } = detectorWith();
    const random = rng(10);
    // Dave worked late at 20:00 twice, so that hour is rare but not unknown.
    officeHistory(detector, replay, "dave", { days: 4, rate: 6, seed: 11 });
    feed(detector, replay, "dave", random, { start: EPOCH + 3 * DAY + 20 * HOUR, minutes: 40, rate: () => 6 });
    officeHistory(detector, replay, "dave", { days: 5, rate: 6, seed: 12, firstDay: 4 });
    feed(detector, replay, "dave", random, { start: EPOCH + 8 * DAY + 20 * HOUR, minutes: 40, rate: () => 6 });
    officeHistory(detector, replay, "dave", { days: 6, rate: 6, seed: 13, firstDay: 9 });
    const late = feed(detector, replay, "dave", random, {
      start: EPOCH + 15 * DAY + 20 * HOUR,
      minutes: 5,
      rate: () => 6,
    });
    expect(late.filter((a) => a.result.isAnomalous)).toHaveLength(0); // the rare hour alone is fine
    replay.now = EPOCH + 15 * DAY + 20 * HOUR + 6 * MINUTE;
    const odd = detector.analyzeRequest("dave", { endpoint: "/admin/export-all", requestSize: 5_000_000 });
    expect(odd.anomalyType).toBe("BEHAVIORAL_ANOMALY");
    expect(odd.recommendedAction).not.toBe("allow");
    expect(odd.reasons.join("\n")).toMatch(/rare hour[\s\S]*request size[\s\S]*endpoint never used/);
  });
});

describe("verdicts", () => {
  it("gives no verdict but allow before minSamples, however wild the traffic", () => {
    const { replay, detector } = detectorWith({ minSamples: 30 });
    const burst = feed(detector, replay, "new", rng(12), {
      start: EPOCH + 3 * HOUR,
      minutes: 29,
      rate: (m) => (m % 5 === 0 ? 500 : 2),
    });
    expect(burst.length).toBeGreaterThan(1000);
    for (const a of burst) {
      expect(a.result.recommendedAction).toBe("allow");
      expect(a.result.isAnomalous).toBe(false);
      expect(a.result.samples).toBeLessThan(30);
    }
  });

  it("risk decays with its half-life, so an attacked account is allowed again", () => {
    const { replay, detector } = detectorWith({ riskHalfLifeMs: 10 * MINUTE });
    officeHistory(detector, replay, "erin", { days: 2, rate: 10, seed: 13 });
    const start = EPOCH + 2 * DAY + 10 * HOUR;
    const attack = feed(detector, replay, "erin", rng(14), { start, minutes: 3, rate: () => 300 });
    const peak = attack.at(-1)?.result.riskScore ?? 0;
    expect(peak).toBeGreaterThan(0.8); // three anomalous minutes: 1 − 0.5³
    replay.now = start + 3 * MINUTE + 10 * MINUTE;
    expect(detector.getProfile("erin")?.riskScore).toBeCloseTo(peak / 2, 2);
    replay.now = start + 3 * MINUTE + 60 * MINUTE;
    const later = feed(detector, replay, "erin", rng(15), { start: replay.now, minutes: 5, rate: () => 10 });
    expect(later.at(-1)?.result.recommendedAction).toBe("allow");
    expect(later.at(-1)?.result.riskScore).toBeLessThan(0.05);
  });

  it("a user whose normal rate doubles for good is, after 90 active minutes, treated like one who always had it", () => {
    const flaggedMinutes = (stream: { t: number; result: AnomalyResult }[]): number[] => {
      const active = [...new Set(stream.map((a) => Math.floor(a.t / MINUTE)))];
      const flaggedSet = new Set(
        stream.filter((a) => a.result.recommendedAction !== "allow").map((a) => Math.floor(a.t / MINUTE)),
      );
      return active.flatMap((minute, index) => (flaggedSet.has(minute) ? [index] : []));
    };
    for (const seed of [16, 17, 18, 19, 20]) {
      const doubled = detectorWith();
      officeHistory(doubled.detector, doubled.replay, "frank", { days: 3, rate: 10, seed });
      const after = officeHistory(doubled.detector, doubled.replay, "frank", {
        days: 5,
        rate: 20,
        seed: seed + 100,
        firstDay: 3,
      });
      // The control always had the doubled rate and sees exactly the same requests afterwards.
      const control = detectorWith();
      officeHistory(control.detector, control.replay, "frank", { days: 3, rate: 20, seed });
      const same = officeHistory(control.detector, control.replay, "frank", {
        days: 5,
        rate: 20,
        seed: seed + 100,
        firstDay: 3,
      });
      const doubledFlags = flaggedMinutes(after);
      const controlFlags = new Set(flaggedMinutes(same));
      expect(doubledFlags.length, `seed ${seed}: the change is noticed`).toBeGreaterThan(0);
      expect(doubledFlags[0], `seed ${seed}: at once`).toBeLessThan(10);
      const late = doubledFlags.filter((index) => index >= 90);
      expect(
        late.filter((index) => !controlFlags.has(index)),
        `seed ${seed}`,
      ).toEqual([]);
      expect(doubled.detector.getProfile("frank")?.meanRate).toBeGreaterThan(15);
    }
  });

  it("maps confidence and risk to actions by configurable cut points", () => {
    const run = (actionThresholds: AnomalyDetectorOptions["actionThresholds"]) => {
      const { replay, detector } = detectorWith(actionThresholds ? { actionThresholds } : {});
      officeHistory(detector, replay, "gail", { days: 10, rate: 6, seed: 21 });
      return feed(detector, replay, "gail", rng(22), {
        start: EPOCH + 10 * DAY + 3 * HOUR,
        minutes: 1,
        rate: () => 6,
      })[0]?.result;
    };
    const lenient = run(undefined);
    const strict = run({ challenge: 0.1, throttle: 0.2, block: 0.3 });
    const blind = run({ challenge: 1, throttle: 1, block: 1 });
    expect(lenient?.anomalyType).toBe("UNUSUAL_TIMING");
    expect(lenient?.recommendedAction).toBe("challenge");
    expect(strict?.recommendedAction).toBe("block");
    expect(blind?.recommendedAction).toBe("allow");
    expect(blind?.isAnomalous).toBe(true);
    expect(() => createAnomalyDetector({ actionThresholds: { challenge: 0.9, throttle: 0.5 } })).toThrow(
      /challenge ≤ throttle ≤ block/,
    );
  });
});

describe("security events", () => {
  it("emits both event types in the correlator's shape, at most once per cooldown, and survives a throwing sink", () => {
    const { replay, detector, events } = detectorWith({ eventCooldownMs: 10_000 });
    officeHistory(detector, replay, "hank", { days: 2, rate: 10, seed: 23 });
    const start = EPOCH + 2 * DAY + 10 * HOUR;
    feed(detector, replay, "hank", rng(24), {
      start,
      minutes: 1,
      rate: () => 600,
      request: { ipAddress: "203.0.113.9", sessionId: "s-1" },
    });
    const anomalies = events.filter((e) => e.type === "ANOMALOUS_BEHAVIOR");
    const limits = events.filter((e) => e.type === "RATE_LIMIT_EXCEEDED");
    expect(anomalies.length).toBeGreaterThanOrEqual(1);
    expect(anomalies.length).toBeLessThanOrEqual(7); // 60 s / 10 s cooldown
    expect(limits.length).toBeGreaterThanOrEqual(1);
    const event = limits[0] as SecurityEvent;
    expect(event).toMatchObject({
      source: "@athena/anomaly",
      userId: "hank",
      ipAddress: "203.0.113.9",
      sessionId: "s-1",
    });
    expect(["high", "critical"]).toContain(event.severity);
    expect(event.timestamp).toBeGreaterThanOrEqual(start);
    expect(event.data).toMatchObject({ anomalyType: "SUDDEN_SPIKE" });

    const throwing = createAnomalyDetector({
      clock: replay.clock,
      onSecurityEvent: () => {
        throw new Error("sink down");
      },
    });
    officeHistory(throwing, replay, "hank", { days: 2, rate: 10, seed: 23 });
    const results = feed(throwing, replay, "hank", rng(24), { start, minutes: 1, rate: () => 600 });
    expect(results.at(-1)?.result.isAnomalous).toBe(true);
  });
});

describe("getProfile", () => {
  it("reports the documented fields for a known user and undefined for an unknown one", () => {
    const { replay, detector } = detectorWith();
    officeHistory(detector, replay, "ivy", { days: 5, rate: 8, seed: 25 });
    const profile = detector.getProfile("ivy");
    expect(profile).toMatchObject({ userId: "ivy", activeDays: 5, anomalyCount: 0 });
    expect(profile?.meanRate).toBeGreaterThan(6);
    expect(profile?.meanRate).toBeLessThan(10);
    expect(profile?.stdDevRate).toBeGreaterThan(1);
    expect(profile?.exponentialMovingAvg).toBeGreaterThan(4);
    expect(profile?.hourlyActivity.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(profile?.dailyActivity.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(profile?.typicalRequestSize).toBeGreaterThan(500);
    expect(detector.getProfile("nobody")).toBeUndefined();
    expect(detector.deleteProfile("ivy")).toBe(true);
    expect(detector.getProfile("ivy")).toBeUndefined();
  });

  it("disposes idempotently and throws DISPOSED after", () => {
    const detector = createAnomalyDetector();
    detector.analyzeRequest("a");
    detector.dispose();
    detector[Symbol.dispose]();
    try {
      detector.analyzeRequest("a");
      expect.unreachable();
    } catch (error) {
      expect(isAnomalyError(error) && error.code).toBe("DISPOSED");
    }
  });

  it("rejects bad options with INVALID_OPTIONS naming the option", () => {
    for (const bad of [
      { zScoreThreshold: -1 },
      { minSamples: 0 },
      { emaDecay: 2 },
      { bucketMs: 5 },
      { clock: {} },
      { store: { update() {} } },
      { typo: 1 },
    ]) {
      try {
        createAnomalyDetector(bad as AnomalyDetectorOptions);
        expect.unreachable();
      } catch (error) {
        expect(isAnomalyError(error) && error.code).toBe("INVALID_OPTIONS");
        expect((error as Error).message).toContain(Object.keys(bad)[0]);
      }
    }
  });
});
