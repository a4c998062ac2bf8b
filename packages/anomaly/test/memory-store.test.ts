import { describe, expect, it } from "vitest";
import {
  createAnomalyDetector,
  createMemoryProfileStore,
  isAnomalyError,
  PROFILE_LAYOUT_VERSION,
  PROFILE_RECORD_BYTES,
} from "../src/index.js";
import { profileStoreConformance } from "./store-conformance.js";

const DAY = 86_400_000;
const set = (record: Float64Array, offset: number): void => {
  record[offset] = 1;
};

describe("memory store: conformance", () => {
  profileStoreConformance(() => createMemoryProfileStore({ maxProfiles: 100 }));
});

describe("memory store: bounds", () => {
  it("documents 512 bytes per profile", () => {
    expect(PROFILE_RECORD_BYTES).toBe(512);
    expect(PROFILE_LAYOUT_VERSION).toBe(1);
  });

  it("evicts the least recently used profile at the cap", () => {
    const store = createMemoryProfileStore({ maxProfiles: 3 });
    for (const id of ["a", "b", "c"]) store.update(id, 1, set);
    store.update("a", 2, set); // a is now the most recent; b the least
    store.update("d", 3, set);
    expect(store.size).toBe(3);
    expect(store.read("b", 3)).toBeUndefined();
    expect(store.read("a", 3)).toBeDefined();
    expect(store.evictions).toBe(1);
  });

  it("drops idle profiles: on read, one per update, and all at once with evictIdle", () => {
    const store = createMemoryProfileStore({ maxProfiles: 100, idleTtlMs: DAY });
    for (let i = 0; i < 10; i++) store.update(`u${i}`, 0, set);
    expect(store.read("u0", 2 * DAY)).toBeUndefined();
    store.update("fresh", 2 * DAY, set); // reclaims one idle profile from the cold end
    expect(store.size).toBe(10);
    expect(store.evictIdle(2 * DAY)).toBe(9);
    expect(store.size).toBe(1);
  });

  it("keeps memory bounded: 50,000 users in a 10,000 cap allocate 10,000 records", () => {
    const store = createMemoryProfileStore({ maxProfiles: 10_000 });
    const detector = createAnomalyDetector({ store, clock: { now: () => 1e12 } });
    for (let i = 0; i < 50_000; i++) detector.analyzeRequest(`user-${i}`, { timestamp: 1e12 });
    expect(store.size).toBe(10_000);
    expect(store.allocatedBytes).toBeLessThanOrEqual(Math.ceil(10_000 / 4096) * 4096 * PROFILE_RECORD_BYTES);
    expect(store.evictions).toBe(40_000);
    expect(detector.getProfile("user-49999")?.totalRequests).toBe(1);
    expect(detector.getProfile("user-0")).toBeUndefined();
  });

  it("grows block by block past many allocation boundaries", () => {
    const store = createMemoryProfileStore({ maxProfiles: 40_000 });
    for (let i = 0; i < 40_000; i++)
      store.update(`u${i}`, 1, (record, offset) => {
        record[offset] = 1;
        record[offset + 1] = i;
      });
    for (const i of [0, 4_095, 4_096, 12_288, 12_289, 39_999]) expect(store.read(`u${i}`, 1)?.[1]).toBe(i);
    expect(store.allocatedBytes).toBe(10 * 4096 * PROFILE_RECORD_BYTES);
  });

  it("validates its options", () => {
    try {
      createMemoryProfileStore({ maxProfiles: 0 });
      expect.unreachable();
    } catch (error) {
      expect(isAnomalyError(error) && error.code).toBe("INVALID_OPTIONS");
      expect((error as Error).message).toMatch(/maxProfiles/);
    }
  });
});
