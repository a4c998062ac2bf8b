/** Shared set-up of the benchmarks: detectors over the memory store, hot and spread over 1,000,000 users. */
import {
  type AnomalyDetector,
  type AnomalyDetectorOptions,
  createAnomalyDetector,
  createMemoryProfileStore,
  type MemoryProfileStoreOptions,
  type ProfileStore,
  type RequestInfo,
} from "../src/index.js";
import { createAnomalyDetector as createBefore } from "../test/reference/detector-before.js";
import { createMemoryProfileStore as createStoreBefore } from "../test/reference/memory-store-before.js";

/** Which implementation: the current one, or the one from before the performance pass (`test/reference/`). */
export type Implementation = "current" | "before";

function make(which: Implementation, options: AnomalyDetectorOptions): AnomalyDetector {
  return which === "current" ? createAnomalyDetector(options) : (createBefore(options) as unknown as AnomalyDetector);
}

function makeStore(which: Implementation, options: MemoryProfileStoreOptions): ProfileStore {
  return which === "current" ? createMemoryProfileStore(options) : createStoreBefore(options);
}

export const USERS = 1_000_000;
export const START: number = Date.UTC(2025, 0, 6, 9);

export interface Bench {
  detector: AnomalyDetector;
  request: RequestInfo;
  advance(): void;
}

/** A detector whose clock advances 100 ms per request (a 600 req/min user, warmed past minSamples). */
export function hotBench(which: Implementation = "current"): Bench {
  let now = START;
  const detector = make(which, { clock: { now: () => now } });
  const request: RequestInfo = { timestamp: now, endpoint: "/api/orders", requestSize: 900 };
  const bench: Bench = {
    detector,
    request,
    advance() {
      now += 100;
      request.timestamp = now;
    },
  };
  for (let i = 0; i < 60_000; i++) {
    bench.advance();
    detector.analyzeRequest("hot-user", request);
  }
  return bench;
}

/** A detector holding `USERS` profiles (one request each), for requests spread over all of them. */
export function spreadBench(which: Implementation = "current"): {
  detector: AnomalyDetector;
  ids: string[];
  request: RequestInfo;
  advance(): void;
} {
  let now = START;
  const store = makeStore(which, { maxProfiles: USERS });
  const detector = make(which, { store, clock: { now: () => now } });
  const ids = Array.from({ length: USERS }, (_, i) => `user-${i}`);
  const request: RequestInfo = { timestamp: now, endpoint: "/api/orders", requestSize: 900 };
  for (const id of ids) detector.analyzeRequest(id, request);
  // Visit users in a scattered order so consecutive requests touch unrelated memory.
  for (let i = ids.length - 1; i > 0; i--) {
    const j = (i * 2_654_435_761) % (i + 1);
    [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
  }
  return {
    detector,
    ids,
    request,
    advance() {
      now += 1;
      request.timestamp = now;
    },
  };
}

/** The baseline: one bare EWMA update on a Float64Array slot, the least work a rate tracker can do. */
export function ewmaBench(): { update(x: number): number } {
  const state = new Float64Array(64);
  return {
    update(x: number): number {
      state[10] = (state[10] as number) + 0.1 * (x - (state[10] as number));
      return state[10] as number;
    },
  };
}
