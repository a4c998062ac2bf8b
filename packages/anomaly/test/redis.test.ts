import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnomalyDetector, isAnomalyError, PROFILE_RECORD_LENGTH } from "../src/index.js";
import { createRedisProfileStore, type RedisClientLike } from "../src/redis.js";
import { HOW_TO_INSTALL, type RunningRedis, redisServerAvailable, startRedis } from "./helpers/redis-server.js";
import { profileStoreConformance } from "./store-conformance.js";
import { EPOCH, HOUR, MINUTE, rng } from "./streams.js";

const available = redisServerAvailable();
if (!available && process.env.CI) {
  describe("@athena/anomaly/redis", () => {
    it("needs redis-server in CI", () => {
      throw new Error(`${HOW_TO_INSTALL} (CI is set, so this is a failure, not a skip)`);
    });
  });
} else if (!available) {
  console.warn(HOW_TO_INSTALL);
}

describe.runIf(available)("@athena/anomaly/redis against a real redis-server", () => {
  let redis: RunningRedis;
  let prefixCounter = 0;
  const prefix = () => `test${prefixCounter++}:`;

  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  describe("conformance", () => {
    profileStoreConformance(() => createRedisProfileStore({ client: redis.client(), keyPrefix: prefix() }));
  });

  it("drives the detector: a spike over a Redis-held profile is flagged like in memory", async () => {
    let now = EPOCH;
    const detector = createAnomalyDetector({
      store: createRedisProfileStore({ client: redis.client(), keyPrefix: prefix() }),
      clock: { now: () => now },
      minSamples: 10,
    });
    const random = rng(1);
    const times: number[] = [];
    for (let m = 0; m < 30; m++)
      for (let i = 0; i < 6; i++) times.push(EPOCH + 9 * HOUR + m * MINUTE + i * 10_000 + Math.floor(random() * 5_000));
    for (const t of times) {
      now = t;
      await detector.analyzeRequest("alice", { timestamp: t });
    }
    let last: Awaited<ReturnType<typeof detector.analyzeRequest>> | undefined;
    for (let i = 0; i < 200; i++) {
      now = EPOCH + 9 * HOUR + 30 * MINUTE + i * 200;
      last = await detector.analyzeRequest("alice", { timestamp: now });
    }
    expect(last?.anomalyType).toBe("SUDDEN_SPIKE");
    const profile = await detector.getProfile("alice");
    expect(profile?.totalRequests).toBe(times.length + 200);
    expect(await detector.deleteProfile("alice")).toBe(true);
    expect(await detector.getProfile("alice")).toBeUndefined();
    await detector.dispose();
    await expect(detector.analyzeRequest("alice")).rejects.toMatchObject({ code: "DISPOSED" });
  });

  it("two processes hammering one user lose no update", async () => {
    const keyPrefix = prefix();
    const fixture = join(import.meta.dirname, "fixtures/hammer.ts");
    const perProcess = 400;
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            "--conditions=@athena/source",
            "--import",
            "tsx",
            fixture,
            String(redis.port),
            "shared",
            String(perProcess),
            keyPrefix,
          ],
          { cwd: join(import.meta.dirname, ".."), stdio: ["ignore", "pipe", "pipe"] },
        );
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (err += d));
        child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`hammer exited ${code}: ${err}`))));
      });
    const outputs = await Promise.all([run(), run()]);
    for (const out of outputs) expect(out).toContain(`done ${perProcess}`);
    const detector = createAnomalyDetector({
      store: createRedisProfileStore({ client: redis.client(), keyPrefix }),
      clock: { now: () => Date.UTC(2025, 0, 6, 10) },
    });
    const profile = await detector.getProfile("shared");
    expect(profile?.totalRequests).toBe(2 * perProcess);
  }, 120_000);

  it("refuses a key that is not a profile (STORE_CORRUPT) and leaves it untouched", async () => {
    const client = redis.client();
    const keyPrefix = prefix();
    await client.set(`${keyPrefix}mallory`, "not a profile");
    const store = createRedisProfileStore({ client, keyPrefix });
    await expect(store.update("mallory", 0, () => {})).rejects.toMatchObject({ code: "STORE_CORRUPT" });
    await expect(store.read("mallory", 0)).rejects.toMatchObject({ code: "STORE_CORRUPT" });
    expect(await client.get(`${keyPrefix}mallory`)).toBe("not a profile");
    const wrongVersion = new Float64Array(PROFILE_RECORD_LENGTH);
    wrongVersion[0] = 99;
    await client.set(`${keyPrefix}future`, Buffer.from(wrongVersion.buffer).toString("base64"));
    await expect(store.read("future", 0)).rejects.toThrow(/layout version 99/);
  });

  it("falls back to EVAL when the script cache was flushed (NOSCRIPT) and sets an expiry", async () => {
    const client = redis.client();
    const keyPrefix = prefix();
    const store = createRedisProfileStore({ client, keyPrefix, idleTtlMs: 60_000 });
    await client.script("FLUSH");
    await store.update("u", 0, (record, offset) => {
      record[offset] = 1;
    });
    const ttl = await client.pttl(`${keyPrefix}u`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("wraps client failures as STORE_FAILED with the cause, and honours an aborted signal", async () => {
    const broken: RedisClientLike = {
      get: async () => {
        throw new Error("ECONNREFUSED");
      },
      evalsha: async () => 1,
      eval: async () => 1,
      del: async () => 0,
    };
    const store = createRedisProfileStore({ client: broken });
    try {
      await store.update("u", 0, () => {});
      expect.unreachable();
    } catch (error) {
      expect(isAnomalyError(error) && error.code).toBe("STORE_FAILED");
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
    const controller = new AbortController();
    controller.abort(new Error("gave up"));
    await expect(
      createRedisProfileStore({ client: redis.client() }).update("u", 0, () => {}, controller.signal),
    ).rejects.toThrow("gave up");
    expect(() => createRedisProfileStore({ client: {} as RedisClientLike })).toThrow(/ioredis-like client/);
  });
});
