import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChaosError, createChaosEngine, FAILURE_TYPES, isChaosError } from "../src/index.js";

describe("createChaosEngine", () => {
  it("rejects malformed options with INVALID_OPTIONS naming each problem", () => {
    const attempt = () => createChaosEngine({ maxConcurrentExperiments: 0, seed: 1.5 });
    expect(attempt).toThrow(ChaosError);
    try {
      attempt();
    } catch (error) {
      expect(isChaosError(error) && error.code).toBe("INVALID_OPTIONS");
      expect((error as Error).message).toMatch(/maxConcurrentExperiments/);
      expect((error as Error).message).toMatch(/seed/);
    }
    expect(() => createChaosEngine({ clock: { now: 5 } as never })).toThrow(/clock/);
    expect(() => createChaosEngine({ unknown: true } as never)).toThrow(/unknown/i);
  });

  it("never throws anything but a ChaosError for any options object", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything()), (options) => {
        try {
          createChaosEngine(options as never);
        } catch (error) {
          expect(isChaosError(error)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("rejects any malformed experiment definition with INVALID_EXPERIMENT, never another error", async () => {
    const engine = createChaosEngine();
    engine.wrap("svc", async () => 1);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything(),
          fc.record({
            name: fc.oneof(fc.string(), fc.integer()),
            target: fc.constantFrom("svc", "", 5),
            failureType: fc.constantFrom("ERROR_INJECTION", "LATENCY_INJECTION", "bogus"),
            durationMs: fc.oneof(fc.integer({ min: -10, max: -1 }), fc.double(), fc.constant(Number.NaN)),
            hypotheses: fc.array(fc.record({ name: fc.string(), metric: fc.string(), condition: fc.string() })),
          }),
        ),
        async (definition) => {
          const error = await engine.startExperiment(definition as never).then(
            () => null,
            (e: unknown) => e,
          );
          expect(isChaosError(error) && error.code).toBe("INVALID_EXPERIMENT");
        },
      ),
      { numRuns: 100 },
    );
    await engine.dispose();
  }, 30_000);

  it("lists the seven failure types", () => {
    expect(FAILURE_TYPES).toHaveLength(7);
    expect(new Set(FAILURE_TYPES).size).toBe(7);
  });
});

describe("wrap", () => {
  it("behaves exactly like the wrapped function: this, arguments, result, rejection, name and length", async () => {
    const engine = createChaosEngine();
    const target = {
      factor: 3,
      async scale(this: { factor: number }, a: number, b: number) {
        return this.factor * (a + b);
      },
    };
    const wrapped = engine.wrap("math", target.scale);
    expect(await wrapped.call(target, 1, 2)).toBe(9);
    expect(wrapped.name).toBe("scale");
    expect(wrapped.length).toBe(2);
    const failing = engine.wrap("math", async () => {
      throw new TypeError("nope");
    });
    await expect(failing()).rejects.toThrow(TypeError);
  });

  it("returns the wrapped function's promise itself while idle (no extra await)", () => {
    const engine = createChaosEngine();
    const promise = Promise.resolve(1);
    const wrapped = engine.wrap("p", () => promise);
    expect(wrapped()).toBe(promise);
  });

  it("rejects a bad target name or a non-function", () => {
    const engine = createChaosEngine();
    expect(() => engine.wrap("", async () => 1)).toThrow(/target/);
    expect(() => engine.wrap(".x", async () => 1)).toThrow(/target/);
    expect(() => engine.wrap("x", 5 as never)).toThrow(/function/);
  });

  it("goes back to the original function's own promise after a fault is disarmed", async () => {
    const engine = createChaosEngine();
    const promise = Promise.resolve(1);
    const wrapped = engine.wrap("p", () => promise);
    const fault = engine.inject({ target: "p", failureType: "ERROR_INJECTION" });
    await expect(wrapped()).rejects.toThrow("Injected error");
    fault.disarm();
    expect(wrapped()).toBe(promise);
  });
});

describe("wrapObject", () => {
  class Client {
    #secret = 41;
    base = 1;
    async answer(): Promise<number> {
      return this.#secret + this.base;
    }
    async echo(value: string): Promise<string> {
      return value;
    }
  }

  it("wraps every method as target.method, keeping the original as `this` (private fields work)", async () => {
    const engine = createChaosEngine();
    const client = new Client();
    const wrapped = engine.wrapObject("client", client);
    expect(await wrapped.answer()).toBe(42);
    expect(wrapped.base).toBe(1);
    expect(wrapped).toBeInstanceOf(Client);
    expect(engine.targets().sort()).toEqual(["client.answer", "client.echo"]);
    const fault = engine.inject({ target: "client", failureType: "ERROR_INJECTION" });
    await expect(wrapped.answer()).rejects.toThrow("Injected error");
    await expect(wrapped.echo("x")).rejects.toThrow("Injected error");
    expect(fault.injected).toBe(2);
    fault.disarm();
    const one = engine.inject({ target: "client.echo", failureType: "ERROR_INJECTION" });
    expect(await wrapped.answer()).toBe(42);
    await expect(wrapped.echo("x")).rejects.toThrow();
    one.disarm();
  });

  it("wraps only the listed methods and refuses names that are not methods", async () => {
    const engine = createChaosEngine();
    const wrapped = engine.wrapObject("c", new Client(), { methods: ["echo"] });
    expect(engine.targets()).toEqual(["c.echo"]);
    expect(await wrapped.answer()).toBe(42);
    expect(() => engine.wrapObject("d", new Client(), { methods: ["base"] })).toThrow(/not a method/);
    expect(() => engine.wrapObject("e", null as never)).toThrow(/object/);
  });
});

describe("inject", () => {
  it("refuses unknown targets and overlapping faults unless both allow sharing", () => {
    const engine = createChaosEngine();
    engine.wrapObject("db", { async query() {}, async exec() {} });
    expect(() => engine.inject({ target: "dbx", failureType: "ERROR_INJECTION" })).toThrow(
      expect.objectContaining({ code: "UNKNOWN_TARGET" }),
    );
    const a = engine.inject({ target: "db.query", failureType: "ERROR_INJECTION" });
    expect(() =>
      engine.inject({ target: "db", failureType: "LATENCY_INJECTION", parameters: { latencyMs: 1 } }),
    ).toThrow(expect.objectContaining({ code: "TARGET_BUSY" }));
    expect(() => engine.inject({ target: "db.exec", failureType: "ERROR_INJECTION" })).not.toThrow();
    a.disarm();
    const shared1 = engine.inject({ target: "db.query", failureType: "ERROR_INJECTION", allowSharedTarget: true });
    const shared2 = engine.inject({
      target: "db.query",
      failureType: "LATENCY_INJECTION",
      parameters: { latencyMs: 1 },
      allowSharedTarget: true,
    });
    expect(shared1.active && shared2.active).toBe(true);
  });

  it("validates parameters per failure type", () => {
    const engine = createChaosEngine();
    engine.wrap("t", async () => 1);
    expect(() => engine.inject({ target: "t", failureType: "LATENCY_INJECTION" })).toThrow(/latencyMs/);
    expect(() => engine.inject({ target: "t", failureType: "RESOURCE_EXHAUSTION" })).toThrow(/memoryMb > 0 or cpuLoad/);
    expect(() => engine.inject({ target: "t", failureType: "CIRCUIT_BREAKER_TRIP" })).toThrow(/breaker/);
    expect(() => engine.inject({ target: "t", failureType: "ERROR_INJECTION", parameters: { errorRate: 2 } })).toThrow(
      /errorRate/,
    );
    expect(() => engine.inject({ target: "t", failureType: "NOPE" as never })).toThrow(/failureType/);
  });

  it("applies several shared faults in order and disarms through Symbol.dispose", async () => {
    const engine = createChaosEngine();
    const read = engine.wrap("t", async () => ({ n: 5 }));
    const corrupt = engine.inject({
      target: "t",
      failureType: "STATE_CORRUPTION",
      parameters: { corrupt: "negate_numbers" },
      allowSharedTarget: true,
    });
    const slow = engine.inject({
      target: "t",
      failureType: "LATENCY_INJECTION",
      parameters: { latencyMs: 5 },
      allowSharedTarget: true,
    });
    expect(await read()).toEqual({ n: -5 });
    expect(corrupt.injected + slow.injected).toBe(2);
    corrupt[Symbol.dispose]();
    slow[Symbol.dispose]();
    expect(corrupt.active || slow.active).toBe(false);
    expect(await read()).toEqual({ n: 5 });
  });
});

describe("abortAll and dispose", () => {
  it("abortAll disarms every injected fault synchronously", async () => {
    const engine = createChaosEngine();
    const call = engine.wrap("t", async () => "ok");
    const fault = engine.inject({ target: "t", failureType: "ERROR_INJECTION" });
    const held = engine.wrap("h", async () => "held");
    engine.inject({ target: "h", failureType: "LATENCY_INJECTION", parameters: { latencyMs: 60_000 } });
    const pending = held();
    expect(engine.abortAll()).toBe(2);
    // The very next call, in the same tick, is untouched.
    await expect(call()).resolves.toBe("ok");
    await expect(pending).resolves.toBe("held");
    expect(fault.active).toBe(false);
  });

  it("dispose is idempotent, keeps wrapped functions working and makes the engine refuse new work", async () => {
    const engine = createChaosEngine();
    const call = engine.wrap("t", async () => "ok");
    engine.inject({ target: "t", failureType: "ERROR_INJECTION" });
    const first = engine.dispose();
    expect(engine.dispose()).toBe(first);
    await first;
    expect(engine.disposed).toBe(true);
    await expect(call()).resolves.toBe("ok");
    expect(() => engine.wrap("u", async () => 1)).toThrow(expect.objectContaining({ code: "DISPOSED" }));
    expect(() => engine.inject({ target: "t", failureType: "ERROR_INJECTION" })).toThrow(
      expect.objectContaining({ code: "DISPOSED" }),
    );
    await expect(
      engine.startExperiment({ name: "x", target: "t", failureType: "ERROR_INJECTION", durationMs: 1 }),
    ).rejects.toMatchObject({ code: "DISPOSED" });
    await engine[Symbol.asyncDispose]();
  });
});
