import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAnomalyDetector, isAnomalyError, type RequestInfo, type UserBehaviorProfile } from "../src/index.js";
import { EPOCH, MINUTE } from "./streams.js";

function setup() {
  let now = EPOCH;
  const detector = createAnomalyDetector({ clock: { now: () => now }, minSamples: 5 });
  return {
    detector,
    at(t: number) {
      now = t;
    },
  };
}

function expectInvalid(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
    expect.unreachable();
  } catch (error) {
    expect(isAnomalyError(error) && error.code).toBe("INVALID_REQUEST");
    expect((error as Error).message).toMatch(pattern);
  }
}

const finiteProfile = (p: UserBehaviorProfile | undefined): void => {
  expect(p).toBeDefined();
  for (const [key, value] of Object.entries(p ?? {}))
    if (typeof value === "number") expect(Number.isFinite(value), key).toBe(true);
  expect(p?.riskScore).toBeGreaterThanOrEqual(0);
  expect(p?.riskScore).toBeLessThanOrEqual(1);
};

describe("bad input gets a typed error and leaves the profile untouched", () => {
  it("rejects empty or over-long ids, non-finite, negative or future timestamps, negative sizes, odd endpoints", () => {
    const { detector, at } = setup();
    at(EPOCH + MINUTE);
    detector.analyzeRequest("u", { timestamp: EPOCH, requestSize: 10, endpoint: "/a" });
    const before = detector.getProfile("u");
    expectInvalid(() => detector.analyzeRequest(""), /non-empty string/);
    expectInvalid(() => detector.analyzeRequest("x".repeat(257)), /maxUserIdLength/);
    expectInvalid(() => detector.analyzeRequest(42 as unknown as string), /non-empty string/);
    for (const timestamp of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1])
      expectInvalid(() => detector.analyzeRequest("u", { timestamp }), /timestamp must be a finite/);
    expectInvalid(() => detector.analyzeRequest("u", { timestamp: EPOCH + 10 * MINUTE }), /ahead of the clock/);
    for (const requestSize of [-1, Number.NaN, Number.POSITIVE_INFINITY])
      expectInvalid(() => detector.analyzeRequest("u", { requestSize }), /requestSize/);
    expectInvalid(() => detector.analyzeRequest("u", { endpoint: 5 } as unknown as RequestInfo), /endpoint/);
    expectInvalid(() => detector.analyzeRequest("u", null as unknown as RequestInfo), /request must be an object/);
    expect(detector.getProfile("u")).toEqual(before);
    expectInvalid(() => detector.getProfile(""), /non-empty/);
  });

  it("counts late (out-of-order) and duplicate timestamps without moving time backwards", () => {
    const { detector, at } = setup();
    at(EPOCH + 10 * MINUTE);
    detector.analyzeRequest("u", { timestamp: EPOCH + 5 * MINUTE });
    detector.analyzeRequest("u", { timestamp: EPOCH + 5 * MINUTE }); // duplicate: a second request
    detector.analyzeRequest("u", { timestamp: EPOCH + 1 * MINUTE }); // late: counted at the latest time
    const profile = detector.getProfile("u");
    expect(profile?.totalRequests).toBe(3);
    expect(profile?.lastSeen).toBe(EPOCH + 5 * MINUTE);
    expect(profile?.firstSeen).toBe(EPOCH + 5 * MINUTE);
  });
});

describe("properties", () => {
  const request = fc.record(
    {
      dt: fc.oneof(
        fc.integer({ min: -120_000, max: 600_000 }),
        fc.constantFrom(0, Number.NaN, Number.POSITIVE_INFINITY),
      ),
      size: fc.oneof(fc.double({ min: -10, max: 1e9, noNaN: false }), fc.constant(undefined)),
      endpoint: fc.oneof(fc.string({ maxLength: 30 }), fc.constant(undefined)),
    },
    { requiredKeys: ["dt"] },
  );

  it("any request sequence keeps the profile finite and counts exactly the accepted requests", () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 300 }), (requests) => {
        const { detector, at } = setup();
        let t = EPOCH;
        let accepted = 0;
        for (const r of requests) {
          const timestamp = Number.isFinite(r.dt) ? t + r.dt : r.dt;
          if (Number.isFinite(r.dt)) t = Math.max(t, timestamp);
          at(t);
          const info: RequestInfo = { timestamp };
          if (r.size !== undefined) info.requestSize = r.size;
          if (r.endpoint !== undefined) info.endpoint = r.endpoint;
          try {
            const result = detector.analyzeRequest("p", info);
            accepted++;
            expect(Number.isFinite(result.zScore) && Number.isFinite(result.currentRate)).toBe(true);
            expect(result.confidence).toBeGreaterThanOrEqual(0);
            expect(result.confidence).toBeLessThanOrEqual(1);
          } catch (error) {
            expect(isAnomalyError(error) && error.code).toBe("INVALID_REQUEST");
          }
        }
        const profile = detector.getProfile("p");
        if (accepted === 0) expect(profile).toBeUndefined();
        else {
          finiteProfile(profile);
          expect(profile?.totalRequests).toBe(accepted);
        }
      }),
      { numRuns: 150 },
    );
  });
});
