import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Hook } from "../src/point.js";
import { percentile, Recorder, windowStats } from "../src/recorder.js";

/** What a wrapped function does with a call: ask `pass()`, then call directly or let the hook handle it. */
function through(hook: Hook, fn: (...args: unknown[]) => unknown): unknown {
  return hook.pass() ? fn() : hook.invoke(fn, undefined, []);
}

describe("percentile", () => {
  it("is the nearest-rank percentile of the samples", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (values, p) => {
          const sorted = Float64Array.from(values).sort();
          const rank = Math.ceil(p * values.length);
          expect(percentile(sorted, p)).toBe(sorted[rank - 1]);
        },
      ),
    );
    expect(percentile(new Float64Array(0), 0.5)).toBeNull();
  });
});

describe("Recorder", () => {
  it("samples every call at low rates and counts outcomes", async () => {
    const recorder = new Recorder(1000);
    const hook = new Hook([], recorder);
    const ok = async () => 1;
    const bad = async () => {
      throw new Error("x");
    };
    const from = recorder.snapshot();
    for (let i = 0; i < 10; i++) await (through(hook, i % 5 === 0 ? bad : ok) as Promise<unknown>).catch(() => 0);
    const stats = windowStats([recorder], [from], [recorder.snapshot()], 1000);
    expect(stats).toMatchObject({ calls: 10, sampled: 10, errors: 2, errorRate: 0.2, throughput: 10 });
    expect(stats.latencyP50).not.toBeNull();
  });

  it("samples at most about maxSamplesPerSecond when calls come faster, yet counts every call", async () => {
    const recorder = new Recorder(10);
    const hook = new Hook([], recorder);
    const ok = async () => 1;
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < 300) {
      for (let i = 0; i < 100; i++) await (through(hook, ok) as Promise<unknown>);
      n += 100;
    }
    expect(recorder.calls).toBe(n);
    expect(recorder.sampled).toBeLessThan(n / 10);
    expect(recorder.every).toBeGreaterThan(1);
    // A quiet period brings sampling back to every call (the engine adapts at every check tick).
    recorder.adapt(performance.now());
    await new Promise((resolve) => setTimeout(resolve, 150));
    recorder.adapt(performance.now());
    expect(recorder.every).toBe(1);
  });

  it("records a synchronous throw as a failure and rethrows it", () => {
    const recorder = new Recorder(1000);
    const hook = new Hook([], recorder);
    expect(() =>
      through(hook, () => {
        throw new Error("sync");
      }),
    ).toThrow("sync");
    expect(recorder.errors).toBe(1);
  });
});
