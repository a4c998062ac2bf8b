/**
 * The seven failure types, each against a real node:http server on 127.0.0.1 called by a real client (fetch)
 * through a wrapped function.
 */
import { connect } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ConsecutiveBreaker, circuitBreaker, handleAll, isBrokenCircuitError } from "cockatiel";
import CircuitBreaker from "opossum";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type ChaosEngine,
  cockatielBreaker,
  createChaosEngine,
  isInjectedFault,
  opossumBreaker,
} from "../src/index.js";
import { getJson, startServer, type TestServer } from "./helpers/http.js";

let server: TestServer;
let engine: ChaosEngine;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await engine?.dispose();
});

function setup(seed = 7): (path: string, signal?: AbortSignal) => Promise<Record<string, unknown>> {
  engine = createChaosEngine({ seed });
  return engine.wrap("users-api", (path: string, signal?: AbortSignal) => getJson(`${server.url}${path}`, signal));
}

async function timed<T>(call: () => Promise<T>): Promise<{ ms: number; ok: boolean; value?: T; error?: unknown }> {
  const t0 = performance.now();
  try {
    const value = await call();
    return { ms: performance.now() - t0, ok: true, value };
  } catch (error) {
    return { ms: performance.now() - t0, ok: false, error };
  }
}

describe("LATENCY_INJECTION", () => {
  it("adds a fixed delay to every call and nothing once disarmed", async () => {
    const get = setup();
    const fault = engine.inject({
      target: "users-api",
      failureType: "LATENCY_INJECTION",
      parameters: { latencyMs: 40 },
    });
    for (let i = 0; i < 5; i++) {
      const r = await timed(() => get("/user/1"));
      expect(r.ok).toBe(true);
      // Timers never fire early by more than their 1 ms granularity; upper bounds depend on the machine's load.
      expect(r.ms).toBeGreaterThanOrEqual(39);
    }
    expect(fault.injected).toBe(5);
    fault.disarm();
    await expect(get("/user/1")).resolves.toMatchObject({ id: "1" });
    expect(fault.injected).toBe(5);
    expect(fault.calls).toBe(5);
  });

  it("varies the delay within ±jitterMs", async () => {
    const get = setup();
    engine.inject({
      target: "users-api",
      failureType: "LATENCY_INJECTION",
      parameters: { latencyMs: 60, jitterMs: 40 },
    });
    const results = await Promise.all(Array.from({ length: 20 }, () => timed(() => get("/user/2"))));
    const ms = results.map((r) => r.ms);
    expect(results.every((r) => r.ok)).toBe(true);
    for (const m of ms) expect(m).toBeGreaterThanOrEqual(19);
    expect(Math.max(...ms) - Math.min(...ms)).toBeGreaterThan(15);
  });

  it("delays only the share of calls given by latencyProbability", async () => {
    const get = setup();
    const fault = engine.inject({
      target: "users-api",
      failureType: "LATENCY_INJECTION",
      parameters: { latencyMs: 150, latencyProbability: 0.5 },
    });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => timed(() => get(`/user/${i}`))));
    const slow = results.filter((r) => r.ms >= 149).length;
    expect(fault.injected).toBeGreaterThan(8);
    expect(fault.injected).toBeLessThan(32);
    expect(slow).toBeGreaterThanOrEqual(fault.injected);
    expect(fault.calls).toBe(40);
  });

  it("releases delayed calls at once when disarmed", async () => {
    const get = setup();
    const fault = engine.inject({
      target: "users-api",
      failureType: "LATENCY_INJECTION",
      parameters: { latencyMs: 60_000 },
    });
    const pending = get("/user/3");
    await new Promise((resolve) => setTimeout(resolve, 20));
    fault.disarm();
    await expect(pending).resolves.toMatchObject({ id: "3" });
  });
});

describe("ERROR_INJECTION", () => {
  it("fails the share of calls given by errorRate; failed calls never reach the server", async () => {
    const get = setup();
    const before = server.requests;
    const fault = engine.inject({
      target: "users-api",
      failureType: "ERROR_INJECTION",
      parameters: { errorRate: 0.3, error: "backend exploded" },
    });
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => get(`/user/${i}`)));
    const failures = results.filter((r) => r.status === "rejected");
    expect(failures.length).toBe(fault.injected);
    expect(failures.length).toBeGreaterThan(30);
    expect(failures.length).toBeLessThan(90);
    expect(server.requests - before).toBe(200 - failures.length);
    const reason = (failures[0] as PromiseRejectedResult).reason as Error;
    expect(reason.message).toBe("backend exploded");
    expect(isInjectedFault(reason)).toBe(true);
  });

  it("rejects with an HTTP status the way HTTP clients do, or with a value of the caller's choosing", async () => {
    const get = setup();
    const fault = engine.inject({ target: "users-api", failureType: "ERROR_INJECTION", parameters: { error: 503 } });
    const error = (await get("/user/1").catch((e: unknown) => e)) as {
      status: number;
      statusCode: number;
      message: string;
    };
    expect(error.status).toBe(503);
    expect(error.statusCode).toBe(503);
    expect(error.message).toBe("HTTP 503 Service Unavailable");
    fault.disarm();
    const custom = engine.inject({
      target: "users-api",
      failureType: "ERROR_INJECTION",
      parameters: { error: () => new RangeError("quota") },
    });
    const thrown = await get("/user/1").catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(RangeError);
    expect(isInjectedFault(thrown)).toBe(true);
    custom.disarm();
    await expect(get("/user/1")).resolves.toMatchObject({ id: "1" });
  });
});

describe("RESOURCE_EXHAUSTION", () => {
  it("holds resident memory within the bound while armed and releases it afterwards", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const get = setup();
    gc();
    const base = process.memoryUsage().arrayBuffers;
    const fault = engine.inject({
      target: "users-api",
      failureType: "RESOURCE_EXHAUSTION",
      parameters: { memoryMb: 64 },
    });
    const held = process.memoryUsage().arrayBuffers - base;
    expect(held).toBeGreaterThanOrEqual(60 * 1024 * 1024); // 64 MiB, less whatever the GC freed meanwhile
    expect(held).toBeLessThan(80 * 1024 * 1024);
    await expect(get("/user/1")).resolves.toMatchObject({ id: "1" });
    fault.disarm();
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
    expect(process.memoryUsage().arrayBuffers - base).toBeLessThan(16 * 1024 * 1024);
  });

  it("refuses memory above the engine's maxMemoryMb", () => {
    setup();
    expect(() =>
      engine.inject({ target: "users-api", failureType: "RESOURCE_EXHAUSTION", parameters: { memoryMb: 100_000 } }),
    ).toThrow(/maxMemoryMb/);
  });

  it("keeps the main thread busy for the given share while armed, and stops afterwards", async () => {
    const get = setup();
    const fault = engine.inject({
      target: "users-api",
      failureType: "RESOURCE_EXHAUSTION",
      parameters: { cpuLoad: 0.6 },
    });
    const elu0 = performance.eventLoopUtilization();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const armed = performance.eventLoopUtilization(elu0).utilization;
    await expect(get("/user/1")).resolves.toMatchObject({ id: "1" });
    fault.disarm();
    const elu1 = performance.eventLoopUtilization();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const released = performance.eventLoopUtilization(elu1).utilization;
    expect(armed).toBeGreaterThan(0.4);
    expect(armed).toBeLessThan(0.95);
    expect(released).toBeLessThan(armed - 0.2);
  });
});

describe("NETWORK_PARTITION", () => {
  it("fails calls exactly as a refused connection does, without touching the server", async () => {
    const get = setup();
    // What a real refused connection looks like on this machine: connect to a port nobody listens on.
    const closed = await startServer();
    const closedPort = closed.port;
    await closed.close();
    const real = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const socket = connect(closedPort, "127.0.0.1");
      socket.on("error", resolve);
    });
    expect(real.code).toBe("ECONNREFUSED");

    const before = server.requests;
    const fault = engine.inject({
      target: "users-api",
      failureType: "NETWORK_PARTITION",
      parameters: { address: `127.0.0.1:${server.port}` },
    });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => get("/user/1")));
    expect(server.requests).toBe(before);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      const error = (r as PromiseRejectedResult).reason as NodeJS.ErrnoException & { address: string; port: number };
      expect(error.code).toBe(real.code);
      expect(error.errno).toBe(real.errno);
      expect(error.syscall).toBe(real.syscall);
      expect(error.message).toBe(`connect ECONNREFUSED 127.0.0.1:${server.port}`);
      expect(error.address).toBe("127.0.0.1");
      expect(error.port).toBe(server.port);
    }
    fault.disarm();
    await expect(get("/user/1")).resolves.toMatchObject({ id: "1" });
    expect(server.requests).toBe(before + 1);
  });

  it("partitions only the share given by partitionProbability", async () => {
    const get = setup();
    const fault = engine.inject({
      target: "users-api",
      failureType: "NETWORK_PARTITION",
      parameters: { partitionProbability: 0.25 },
    });
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => get(`/user/${i}`)));
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused.length).toBe(fault.injected);
    expect(refused.length).toBeGreaterThan(10);
    expect(refused.length).toBeLessThan(45);
  });
});

describe("DEPENDENCY_FAILURE", () => {
  it("fails calls at once in fail mode", async () => {
    const get = setup();
    const before = server.requests;
    engine.inject({ target: "users-api", failureType: "DEPENDENCY_FAILURE", parameters: { dependencyMode: "fail" } });
    const error = (await get("/user/1").catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(error.code).toBe("EDEPENDENCY");
    expect(server.requests).toBe(before);
  });

  it("hangs calls until hangMs, then times them out", async () => {
    const get = setup();
    engine.inject({
      target: "users-api",
      failureType: "DEPENDENCY_FAILURE",
      parameters: { dependencyMode: "hang", hangMs: 150 },
    });
    const r = await timed(() => get("/user/1"));
    expect(r.ok).toBe(false);
    expect((r.error as NodeJS.ErrnoException).code).toBe("ETIMEDOUT");
    expect(r.ms).toBeGreaterThanOrEqual(149);
  });

  it("hangs until the caller's own timeout; disarming lets the held call through to the server", async () => {
    const get = setup();
    const fault = engine.inject({
      target: "users-api",
      failureType: "DEPENDENCY_FAILURE",
      parameters: { dependencyMode: "hang" },
    });
    const before = server.requests;
    const held = get("/user/9");
    const raced = await Promise.race([
      held.then(() => "answered"),
      new Promise((resolve) => setTimeout(() => resolve("caller timed out"), 100)),
    ]);
    expect(raced).toBe("caller timed out");
    expect(server.requests).toBe(before);
    fault.disarm();
    await expect(held).resolves.toMatchObject({ id: "9" });
    expect(server.requests).toBe(before + 1);
  });
});

describe("STATE_CORRUPTION", () => {
  const cases = [
    ["null", (v: unknown) => expect(v).toBeNull()],
    [
      "drop_field",
      (v: unknown) => {
        const keys = Object.keys(v as object);
        expect(keys).toHaveLength(3);
        expect(["id", "name", "balance", "tags"].filter((k) => !keys.includes(k))).toHaveLength(1);
      },
    ],
    ["truncate", (v: unknown) => expect(v).toMatchObject({ id: "", name: "use", tags: ["a", "b"], balance: 101 })],
    ["negate_numbers", (v: unknown) => expect(v).toMatchObject({ id: "4", balance: -101 })],
  ] as const;

  it.each(cases)("applies the documented %s rule to the server's real response", async (rule, check) => {
    const get = setup();
    engine.inject({ target: "users-api", failureType: "STATE_CORRUPTION", parameters: { corrupt: rule } });
    check(await get("/user/4"));
  });

  it("stale returns the previous response instead of the current one", async () => {
    const get = setup();
    engine.inject({ target: "users-api", failureType: "STATE_CORRUPTION", parameters: { corrupt: "stale" } });
    expect(await get("/user/1")).toMatchObject({ id: "1" });
    expect(await get("/user/2")).toMatchObject({ id: "1" });
    expect(await get("/user/3")).toMatchObject({ id: "2" });
  });

  it("hands a custom function a copy, never the target's own object", async () => {
    engine = createChaosEngine();
    const shared = { count: 1, nested: { items: [1, 2, 3] } };
    const read = engine.wrap("store", async () => shared);
    engine.inject({
      target: "store",
      failureType: "STATE_CORRUPTION",
      parameters: {
        corrupt: (value) => {
          (value as typeof shared).nested.items.push(99);
          return value;
        },
      },
    });
    const result = (await read()) as typeof shared;
    expect(result.nested.items).toEqual([1, 2, 3, 99]);
    expect(shared.nested.items).toEqual([1, 2, 3]);
  });
});

describe("CIRCUIT_BREAKER_TRIP", () => {
  it("forces a cockatiel breaker open through the adapter and closes it on disarm", async () => {
    const get = setup();
    const policy = circuitBreaker(handleAll, { halfOpenAfter: 50, breaker: new ConsecutiveBreaker(3) });
    const guarded = (path: string) => policy.execute(() => get(path));
    const breaker = cockatielBreaker(policy);
    await expect(guarded("/user/1")).resolves.toMatchObject({ id: "1" });
    const before = server.requests;
    const fault = engine.inject({ target: "users-api", failureType: "CIRCUIT_BREAKER_TRIP", parameters: { breaker } });
    expect(breaker.state()).toBe("open");
    await new Promise((resolve) => setTimeout(resolve, 120)); // longer than halfOpenAfter: still held open
    const error = await guarded("/user/1").catch((e: unknown) => e);
    expect(isBrokenCircuitError(error)).toBe(true);
    expect(server.requests).toBe(before);
    fault.disarm();
    expect(breaker.state()).toBe("closed");
    await expect(guarded("/user/1")).resolves.toMatchObject({ id: "1" });
  });

  it("forces an opossum breaker open, keeps it open past its reset timeout, closes it on disarm", async () => {
    const get = setup();
    const opossum = new CircuitBreaker((path: string) => get(path), { resetTimeout: 50 });
    const breaker = opossumBreaker(opossum);
    await expect(opossum.fire("/user/1")).resolves.toMatchObject({ id: "1" });
    const before = server.requests;
    const fault = engine.inject({ target: "users-api", failureType: "CIRCUIT_BREAKER_TRIP", parameters: { breaker } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(breaker.state()).toBe("open");
    const error = (await opossum.fire("/user/1").catch((e: unknown) => e)) as { code: string };
    expect(error.code).toBe("EOPENBREAKER");
    expect(server.requests).toBe(before);
    fault.disarm();
    expect(breaker.state()).toBe("closed");
    await expect(opossum.fire("/user/1")).resolves.toMatchObject({ id: "1" });
    opossum.shutdown();
  });
});
