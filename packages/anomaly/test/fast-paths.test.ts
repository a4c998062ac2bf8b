/**
 * The performance pass must not change a single decision: the detector and the memory store of `src/` are compared,
 * request by request, with the implementation from before the pass (kept in `test/reference/`), on random request
 * streams (fast-check) and on part of the labelled evaluation workload. Every field of every result, every profile,
 * the store's size and evictions must be identical.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AnomalyDetector,
  type AnomalyDetectorOptions,
  type AnomalyResult,
  createAnomalyDetector,
  createMemoryProfileStore,
  type MemoryProfileStore,
  PROFILE_RECORD_LENGTH,
  type RequestInfo,
} from "../src/index.js";
import { DEFAULT_WORKLOAD } from "./evaluation.js";
import { createAnomalyDetector as createBefore } from "./reference/detector-before.js";
import { createMemoryProfileStore as createStoreBefore } from "./reference/memory-store-before.js";
import { DAY, EPOCH, generateUser, HOUR, MINUTE } from "./workload.js";

type Outcome = { ok: AnomalyResult } | { error: string };

function attempt(run: () => AnomalyResult): Outcome {
  try {
    return { ok: run() };
  } catch (error) {
    return { error: `${(error as { code?: string }).code}: ${(error as Error).message}` };
  }
}

/** Field-by-field identity (Object.is, so 0 and -0 or two NaNs are told apart as they would be by a caller). */
function sameResult(a: Outcome, b: Outcome): boolean {
  if ("error" in a || "error" in b) return "error" in a && "error" in b && a.error === b.error;
  const x = a.ok;
  const y = b.ok;
  return (
    x.isAnomalous === y.isAnomalous &&
    x.anomalyType === y.anomalyType &&
    Object.is(x.confidence, y.confidence) &&
    x.recommendedAction === y.recommendedAction &&
    Object.is(x.zScore, y.zScore) &&
    Object.is(x.currentRate, y.currentRate) &&
    Object.is(x.riskScore, y.riskScore) &&
    x.samples === y.samples &&
    x.reasons.join("\n") === y.reasons.join("\n")
  );
}

interface Pair {
  now: number;
  fast: AnomalyDetector;
  before: AnomalyDetector;
  fastStore: MemoryProfileStore;
  beforeStore: ReturnType<typeof createStoreBefore>;
}

function pair(
  options: Omit<AnomalyDetectorOptions, "store" | "clock">,
  store: { maxProfiles: number; idleTtlMs?: number },
): Pair {
  const p = { now: EPOCH } as Pair;
  const clock = { now: () => p.now };
  p.fastStore = createMemoryProfileStore(store);
  p.beforeStore = createStoreBefore(store);
  p.fast = createAnomalyDetector({ ...options, clock, store: p.fastStore });
  p.before = createBefore({ ...options, clock, store: p.beforeStore }) as unknown as AnomalyDetector;
  return p;
}

function expectSameProfiles(p: Pair, users: readonly string[]): void {
  for (const id of users) expect(p.fast.getProfile(id), id).toEqual(p.before.getProfile(id));
  expect(p.fastStore.size).toBe(p.beforeStore.size);
  expect(p.fastStore.evictions).toBe(p.beforeStore.evictions);
}

const USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace"];
const SIZES = [undefined, 0, 120, 900, 900, 4_096, 250_000];
const ENDPOINTS = [undefined, "/login", "/api/orders", "/api/orders", "/api/search", "/admin"];

/** One step of a random stream: a request (often a burst, sometimes late, a duplicate or invalid), a read or a delete. */
const op = fc.record({
  kind: fc.constantFrom("request", "request", "request", "request", "request", "request", "profile", "delete"),
  user: fc.nat({ max: USERS.length - 1 }),
  // Mostly small steps (bursts and steady traffic), sometimes pauses of hours or days, sometimes backwards (late).
  dt: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 3_000 }) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 3 * MINUTE }) },
    { weight: 1, arbitrary: fc.integer({ min: HOUR, max: 3 * DAY }) },
    { weight: 1, arbitrary: fc.integer({ min: -5 * MINUTE, max: -1 }) },
  ),
  repeat: fc.oneof(
    { weight: 4, arbitrary: fc.constant(1) },
    { weight: 1, arbitrary: fc.integer({ min: 2, max: 120 }) },
  ),
  size: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...SIZES) },
    { weight: 1, arbitrary: fc.double({ min: -10, max: 1e7, noNaN: false }) },
  ),
  endpoint: fc.constantFrom(...ENDPOINTS),
  stamp: fc.constantFrom("given", "given", "given", "clock", "future", "nan"),
});

describe("fast paths equal the implementation before the performance pass", () => {
  it("random request streams: identical results, profiles, store size and evictions", () => {
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 300 }),
        fc.record({
          minSamples: fc.integer({ min: 1, max: 12 }),
          riskHalfLifeMs: fc.constantFrom(600_000, 30_000),
          maxProfiles: fc.integer({ min: 1, max: 8 }),
          idleTtlMs: fc.constantFrom(30 * DAY, 2 * HOUR, 5 * MINUTE),
          bucketMs: fc.constantFrom(60_000, 10_000),
        }),
        (ops, o) => {
          const p = pair(
            {
              minSamples: o.minSamples,
              riskHalfLifeMs: o.riskHalfLifeMs,
              bucketMs: o.bucketMs,
              minActiveDaysForTiming: 1,
              minHistoryDaysForWeekly: 1,
            },
            { maxProfiles: o.maxProfiles, idleTtlMs: o.idleTtlMs },
          );
          let t = EPOCH;
          for (const step of ops) {
            const id = USERS[step.user] as string;
            if (step.kind === "profile") {
              expect(p.fast.getProfile(id)).toEqual(p.before.getProfile(id));
              continue;
            }
            if (step.kind === "delete") {
              expect(p.fast.deleteProfile(id)).toBe(p.before.deleteProfile(id));
              continue;
            }
            for (let k = 0; k < step.repeat; k++) {
              t += k === 0 ? step.dt : Math.abs(step.dt) % 500;
              if (t > p.now) p.now = t;
              const request: RequestInfo = {};
              if (step.stamp === "given") request.timestamp = Math.max(0, t);
              else if (step.stamp === "future") request.timestamp = p.now + 10 * MINUTE;
              else if (step.stamp === "nan") request.timestamp = Number.NaN;
              if (step.size !== undefined) request.requestSize = step.size;
              if (step.endpoint !== undefined) request.endpoint = step.endpoint;
              const a = attempt(() => p.fast.analyzeRequest(id, request));
              const b = attempt(() => p.before.analyzeRequest(id, request));
              if (!sameResult(a, b)) expect(a).toEqual(b);
            }
          }
          expectSameProfiles(p, USERS);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("part of the labelled workload: identical results for every request, every anomaly type produced", () => {
    // 60 users of the evaluation workload merged in time order (3 weeks, about 400,000 requests); eviction is covered
    // by the random streams above (a smaller cap here would wipe the histories the timing checks need).
    const users = Array.from({ length: 60 }, (_, u) => generateUser(DEFAULT_WORKLOAD, u));
    const requests = users.flatMap((user) => user.requests.map((r) => ({ id: user.id, r })));
    requests.sort((a, b) => a.r.t - b.r.t);
    const p = pair({}, { maxProfiles: 60 });
    const types = new Set<string>();
    let mismatches = 0;
    for (const { id, r } of requests) {
      p.now = r.t;
      const request = { timestamp: r.t, endpoint: r.endpoint, requestSize: r.size };
      const a = attempt(() => p.fast.analyzeRequest(id, request));
      const b = attempt(() => p.before.analyzeRequest(id, request));
      if (!sameResult(a, b)) mismatches++;
      if ("ok" in a && a.ok.anomalyType) types.add(a.ok.anomalyType);
    }
    expect(mismatches).toBe(0);
    expect([...types].sort()).toEqual([
      "BEHAVIORAL_ANOMALY",
      "GRADUAL_INCREASE",
      "PATTERN_DEVIATION",
      "SUDDEN_SPIKE",
      "UNUSUAL_TIMING",
    ]);
    expectSameProfiles(
      p,
      users.map((u) => u.id),
    );
  }, 60_000);
});

describe("the memory store's key table and LRU equal the Map-based store it replaced", () => {
  const command = fc.record({
    kind: fc.constantFrom("update", "update", "update", "update", "read", "delete", "evictIdle", "clear"),
    // Many short ids from a small alphabet: probe chains, table growth and backward-shift deletions get exercised.
    id: fc.string({ unit: fc.constantFrom("a", "b", "c", "é", "😀"), minLength: 1, maxLength: 4 }),
    dt: fc.integer({ min: 0, max: 40 }),
    value: fc.double({ noNaN: true }),
  });

  it("random operation sequences: same records seen and kept, same reads, sizes and evictions", () => {
    fc.assert(
      fc.property(
        fc.array(command, { maxLength: 600 }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 1, max: 200 }),
        (commands, maxProfiles, idleTtlMs) => {
          const fast = createMemoryProfileStore({ maxProfiles, idleTtlMs });
          const before = createStoreBefore({ maxProfiles, idleTtlMs });
          let now = 0;
          for (const c of commands) {
            now += c.dt;
            if (c.kind === "update") {
              const seen: number[][] = [];
              for (const store of [fast, before])
                store.update(c.id, now, (record, offset) => {
                  seen.push(Array.from(record.subarray(offset, offset + PROFILE_RECORD_LENGTH)));
                  record[offset] = 1;
                  record[offset + 1] = (record[offset + 1] as number) + 1;
                  record[offset + PROFILE_RECORD_LENGTH - 1] = c.value;
                });
              expect(seen[0]).toEqual(seen[1]);
            } else if (c.kind === "read") expect(fast.read(c.id, now)).toEqual(before.read(c.id, now));
            else if (c.kind === "delete") expect(fast.delete(c.id)).toBe(before.delete(c.id));
            else if (c.kind === "evictIdle") expect(fast.evictIdle(now)).toBe(before.evictIdle(now));
            else {
              fast.clear();
              before.clear();
            }
            expect(fast.size).toBe(before.size);
            expect(fast.evictions).toBe(before.evictions);
          }
          // Every id ever used reads the same at the end (present ones and absent ones).
          for (const c of commands) expect(fast.read(c.id, now)).toEqual(before.read(c.id, now));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("holds 20,000 profiles through growth, churn at the cap and deletes, finding each one", () => {
    const fast = createMemoryProfileStore({ maxProfiles: 20_000 });
    const before = createStoreBefore({ maxProfiles: 20_000 });
    const write = (i: number) => (record: Float64Array, offset: number) => {
      record[offset] = 1;
      record[offset + 2] = i;
    };
    for (let i = 0; i < 50_000; i++) {
      fast.update(`id-${i}`, i, write(i));
      before.update(`id-${i}`, i, write(i));
      if (i % 7 === 0) expect(fast.delete(`id-${i - 3}`)).toBe(before.delete(`id-${i - 3}`));
    }
    expect(fast.size).toBe(before.size);
    for (let i = 0; i < 50_000; i += 13) expect(fast.read(`id-${i}`, 50_000)).toEqual(before.read(`id-${i}`, 50_000));
  });
});
