/**
 * `@athena/anomaly/redis`: a profile store in Redis, shared by every process of a service, updated atomically.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { z } from "zod";
import { AnomalyError } from "./errors.js";
import { invalidOptions } from "./options.js";
import { PROFILE_LAYOUT_VERSION, PROFILE_RECORD_BYTES, PROFILE_RECORD_LENGTH } from "./profile-record.js";
import type { AsyncProfileStore, ProfileMutator } from "./store.js";

/**
 * The few commands the Redis store needs, shaped like ioredis' `Redis` and `Cluster` (any client with these methods
 * works). Values are strings: records travel base64-encoded, so no binary-safe mode is needed.
 *
 * @example
 * ```ts
 * import type { RedisClientLike } from "@athena/anomaly/redis";
 * import { Redis } from "ioredis";
 *
 * const client: RedisClientLike = new Redis({ lazyConnect: true });
 * ```
 */
export interface RedisClientLike {
  /** `GET key`. */
  get(key: string): Promise<string | null>;
  /** `EVALSHA sha numKeys ...keysAndArgs`. */
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  /** `EVAL script numKeys ...keysAndArgs` (used when the script is not cached yet: `NOSCRIPT`). */
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  /** `DEL key`. */
  del(key: string): Promise<number>;
}

/**
 * Options of {@link createRedisProfileStore}.
 *
 * @example
 * ```ts
 * import type { RedisProfileStoreOptions } from "@athena/anomaly/redis";
 * import { Redis } from "ioredis";
 *
 * const options: RedisProfileStoreOptions = { client: new Redis({ lazyConnect: true }), keyPrefix: "rl:profile:" };
 * ```
 */
export interface RedisProfileStoreOptions {
  /** The client; the store never connects, closes or configures it. */
  client: RedisClientLike;
  /**
   * Prefix of every key; the user id follows it verbatim.
   *
   * @defaultValue "athena:anomaly:"
   */
  keyPrefix?: string;
  /**
   * Keys expire this long after their last update (`PX`), so idle profiles do not accumulate.
   *
   * @defaultValue 2_592_000_000 (30 days)
   */
  idleTtlMs?: number;
  /**
   * Compare-and-set attempts per update before giving up with `STORE_CONFLICT` (only reached under extreme
   * contention on one user; nothing is written then).
   *
   * @defaultValue 100
   */
  maxRetries?: number;
}

/**
 * A Redis-backed {@link AsyncProfileStore}.
 *
 * @example
 * ```ts
 * import { createRedisProfileStore } from "@athena/anomaly/redis";
 * import { Redis } from "ioredis";
 *
 * const store = createRedisProfileStore({ client: new Redis({ lazyConnect: true }) });
 * console.log(store.keyPrefix);
 * ```
 */
export interface RedisProfileStore extends AsyncProfileStore {
  /** The key prefix in use. */
  readonly keyPrefix: string;
  /** Compare-and-set attempts that lost to a concurrent writer and were retried (since creation). */
  readonly conflicts: number;
  /** Same as `dispose()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

// Compare-and-set: write ARGV[2] (or delete when empty) only if the key still holds ARGV[1] ('' = absent).
// Returns 1 on success, otherwise the current value ('' when absent) so the caller can retry without another GET.
const CAS_SCRIPT = `local current = redis.call('GET', KEYS[1])
if current == false then current = '' end
if current == ARGV[1] then
  if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
  return 1
end
return current`;

const optionsSchema = z.strictObject({
  client: z.custom<RedisClientLike>(
    (v) =>
      typeof v === "object" &&
      v !== null &&
      ["get", "evalsha", "eval", "del"].every((m) => typeof (v as Record<string, unknown>)[m] === "function"),
    { message: "expected an ioredis-like client with get, evalsha, eval and del" },
  ),
  keyPrefix: z.string().default("athena:anomaly:"),
  idleTtlMs: z
    .int()
    .positive()
    .default(30 * 24 * 3_600_000),
  maxRetries: z.int().min(1).max(100_000).default(100),
});

function encode(record: Float64Array): string {
  return Buffer.from(record.buffer, record.byteOffset, PROFILE_RECORD_BYTES).toString("base64");
}

function decode(key: string, value: string | null): Float64Array {
  const record = new Float64Array(PROFILE_RECORD_LENGTH);
  if (value === null || value === "") return record;
  const bytes = Buffer.from(value, "base64");
  if (bytes.length !== PROFILE_RECORD_BYTES)
    throw new AnomalyError(
      "STORE_CORRUPT",
      `Redis key "${key}" holds ${bytes.length} bytes, not a ${PROFILE_RECORD_BYTES}-byte profile; it was left untouched. Delete it or use another keyPrefix`,
    );
  new Uint8Array(record.buffer).set(bytes);
  const version = record[0];
  if (version !== 0 && version !== PROFILE_LAYOUT_VERSION)
    throw new AnomalyError(
      "STORE_CORRUPT",
      `Redis key "${key}" holds a profile of layout version ${String(version)}, this package writes ${PROFILE_LAYOUT_VERSION}; it was left untouched. Delete it or use another keyPrefix`,
    );
  return record;
}

function failed(operation: string, cause: unknown): AnomalyError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new AnomalyError(
    "STORE_FAILED",
    `Redis ${operation} failed: ${message}. Check the client's connection; nothing was recorded`,
    { cause },
  );
}

/**
 * Create a profile store in Redis that any number of processes share. Each update reads the profile, applies the
 * detector's change locally, and writes it back with a Lua compare-and-set (`EVALSHA`, falling back to `EVAL` on
 * `NOSCRIPT`); when another process wrote first, the change is re-applied to the fresher profile the script returned.
 * No update is lost, whatever the concurrency. Keys expire after `idleTtlMs` without updates.
 *
 * @param options - the client (ioredis or alike), key prefix, idle time, retry cap
 * @returns the store, for `createAnomalyDetector({ store })`
 * @throws {@link AnomalyError} `INVALID_OPTIONS`; its methods reject with `STORE_FAILED` (client error), `STORE_CONFLICT`
 *   (retries exhausted), `STORE_CORRUPT` (a key that is not a profile), `DISPOSED`, or the signal's reason when aborted
 *
 * @example
 * ```ts
 * import { createAnomalyDetector } from "@athena/anomaly";
 * import { createRedisProfileStore } from "@athena/anomaly/redis";
 * import { Redis } from "ioredis";
 *
 * const client = new Redis(6379, "127.0.0.1");
 * const detector = createAnomalyDetector({ store: createRedisProfileStore({ client }) });
 * const verdict = await detector.analyzeRequest("alice", { endpoint: "/login" });
 * console.log(verdict.recommendedAction);
 * await client.quit();
 * ```
 */
export function createRedisProfileStore(options: RedisProfileStoreOptions): RedisProfileStore {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw invalidOptions("createRedisProfileStore", parsed.error);
  const { client, keyPrefix, idleTtlMs, maxRetries } = parsed.data;
  const sha = createHash("sha1").update(CAS_SCRIPT).digest("hex");
  let conflicts = 0;
  let disposed = false;

  const assertAlive = (): void => {
    if (disposed) throw new AnomalyError("DISPOSED", "this Redis profile store was disposed; create a new one");
  };

  async function compareAndSet(key: string, expected: string, next: string): Promise<unknown> {
    try {
      return await client.evalsha(sha, 1, key, expected, next, idleTtlMs);
    } catch (error) {
      if (!(error instanceof Error && error.message.includes("NOSCRIPT"))) throw failed("EVALSHA", error);
    }
    try {
      return await client.eval(CAS_SCRIPT, 1, key, expected, next, idleTtlMs);
    } catch (error) {
      throw failed("EVAL", error);
    }
  }

  async function get(key: string): Promise<string | null> {
    try {
      return await client.get(key);
    } catch (error) {
      throw failed("GET", error);
    }
  }

  const store: RedisProfileStore = {
    synchronous: false,
    keyPrefix,
    get conflicts() {
      return conflicts;
    },
    async update(userId: string, _now: number, mutate: ProfileMutator, signal?: AbortSignal): Promise<void> {
      assertAlive();
      signal?.throwIfAborted();
      const key = keyPrefix + userId;
      let current = await get(key);
      for (let attempt = 0; attempt < maxRetries; attempt++) {
        signal?.throwIfAborted();
        const record = decode(key, current);
        mutate(record, 0);
        const reply = await compareAndSet(key, current ?? "", encode(record));
        if (reply === 1) return;
        if (typeof reply !== "string")
          throw failed("compare-and-set", new Error(`unexpected reply ${JSON.stringify(reply)}`));
        conflicts++;
        current = reply === "" ? null : reply;
      }
      throw new AnomalyError(
        "STORE_CONFLICT",
        `the profile of "${userId}" changed under ${maxRetries} consecutive update attempts; nothing was written. Retry the request or raise maxRetries`,
      );
    },
    async read(userId: string, _now: number, signal?: AbortSignal): Promise<Float64Array | undefined> {
      assertAlive();
      signal?.throwIfAborted();
      const key = keyPrefix + userId;
      const value = await get(key);
      if (value === null) return undefined;
      const record = decode(key, value);
      return record[0] === 0 ? undefined : record;
    },
    async delete(userId: string, signal?: AbortSignal): Promise<boolean> {
      assertAlive();
      signal?.throwIfAborted();
      try {
        return (await client.del(keyPrefix + userId)) > 0;
      } catch (error) {
        throw failed("DEL", error);
      }
    },
    async dispose(): Promise<void> {
      disposed = true;
    },
    [Symbol.asyncDispose](): Promise<void> {
      return store.dispose();
    },
  };
  return store;
}
