import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createChaosEngine } from "@athena/chaos";
import type { Scene } from "../scene.js";

/**
 * @athena/chaos in a few seconds: a real HTTP service on 127.0.0.1, a client call wrapped as an injection point,
 * and a latency experiment whose hypothesis ("p95 stays under 150 ms") must hold while 40 ms are injected.
 */
export const scene: Scene = {
  name: "@athena/chaos",
  async run() {
    const server = createServer((_req, res) => res.end(JSON.stringify({ ok: true })));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const engine = createChaosEngine({ seed: 1 });
    const call = engine.wrap("api", async () => (await fetch(url)).json());
    let running = true;
    const traffic = (async () => {
      while (running) {
        await call().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      const result = await engine.startExperiment({
        name: "40 ms of extra latency on the API",
        target: "api",
        failureType: "LATENCY_INJECTION",
        parameters: { latencyMs: 40, jitterMs: 10 },
        durationMs: 800,
        steadyStateMs: 400,
        hypotheses: [{ name: "p95 stays under 150 ms", metric: "latency_p95", condition: "less_than", value: 150 }],
        rollbackActions: [{ name: "nothing to undo", execute: () => undefined }],
      });
      const p95 = result.metrics.during.latencyP95 ?? 0;
      const ok = result.success && result.faults.injected > 0 && p95 >= 29;
      return {
        ok,
        lines: [
          `experiment "${result.name}": ${result.status}, hypotheses held: ${result.success}`,
          `${result.faults.injected} calls delayed; ${result.hypotheses.during[0]?.checks ?? 0} checks while armed`,
          ...result.lessonsLearned.slice(0, 3),
        ],
      };
    } finally {
      running = false;
      await traffic;
      await engine.dispose();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  },
};
