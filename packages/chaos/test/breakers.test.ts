import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll } from "cockatiel";
import CircuitBreaker from "opossum";
import { describe, expect, it } from "vitest";
import { cockatielBreaker, opossumBreaker } from "../src/index.js";

const fail = async (): Promise<never> => {
  throw new Error("down");
};

describe("cockatielBreaker", () => {
  it("reads the real policy's state and reports its transitions", async () => {
    const policy = circuitBreaker(handleAll, { halfOpenAfter: 30, breaker: new ConsecutiveBreaker(2) });
    const adapter = cockatielBreaker(policy, "api");
    const seen: string[] = [];
    const unsubscribe = adapter.onStateChange?.((state) => seen.push(state));
    expect(adapter.name).toBe("api");
    expect(adapter.state()).toBe("closed");
    for (let i = 0; i < 2; i++) await policy.execute(fail).catch(() => undefined);
    expect(adapter.state()).toBe("open");
    await new Promise((resolve) => setTimeout(resolve, 60));
    await policy.execute(async () => "ok");
    expect(adapter.state()).toBe("closed");
    expect(seen).toEqual(["open", "half_open", "closed"]);
    unsubscribe?.();
    const release = adapter.forceOpen();
    expect(policy.state).toBe(CircuitState.Isolated);
    expect(seen).toHaveLength(3);
    release();
    release();
    expect(policy.state).toBe(CircuitState.Closed);
  });
});

describe("opossumBreaker", () => {
  it("reads the real breaker's state, reports transitions and stops re-opening once released", async () => {
    const breaker = new CircuitBreaker(async (ok: boolean) => (ok ? "ok" : fail()), {
      resetTimeout: 40,
      errorThresholdPercentage: 1,
      volumeThreshold: 1,
    });
    const adapter = opossumBreaker(breaker, "db");
    const seen: string[] = [];
    const unsubscribe = adapter.onStateChange?.((state) => seen.push(state));
    expect(adapter.state()).toBe("closed");
    await breaker.fire(false).catch(() => undefined);
    expect(adapter.state()).toBe("open");
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(adapter.state()).toBe("half_open");
    await breaker.fire(true);
    expect(adapter.state()).toBe("closed");
    expect(seen).toEqual(["open", "half_open", "closed"]);
    unsubscribe?.();

    const release = adapter.forceOpen();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(adapter.state()).toBe("open");
    release();
    release();
    expect(adapter.state()).toBe("closed");
    // Released: a real trip now goes half-open after resetTimeout as usual.
    await breaker.fire(false).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(adapter.state()).toBe("half_open");
    breaker.shutdown();
  });
});
