import { afterAll, beforeAll, bench, describe } from "vitest";
import {
  CALLS,
  oursAwaitOnly,
  oursAwaitOnlyObject,
  oursTools,
  oursToolsObject,
  rawTools,
  rawToolsObject,
  type Subjects,
  setup,
} from "./workloads.js";

let s: Subjects;
beforeAll(async () => {
  s = await setup();
});
afterAll(() => s.sandbox.dispose());

describe(`${CALLS} sequential awaited tool calls in one execution`, () => {
  bench("@athena/sandbox-wasm bridge (one raw host function, host-made promises)", async () => oursTools(s), {
    time: 3000,
  });
  bench("same loop awaiting Promise.resolve (no tool: subtract for overhead)", async () => oursAwaitOnly(s), {
    time: 3000,
  });
  bench("raw quickjs-emscripten newFunction + newPromise", async () => rawTools(s), { time: 3000 });
});

describe(`${CALLS} sequential awaited tool calls with a small object in and out`, () => {
  bench("@athena/sandbox-wasm bridge", async () => oursToolsObject(s), { time: 3000 });
  bench(
    "same loop awaiting Promise.resolve({ ... }) (no tool: subtract for overhead)",
    async () => oursAwaitOnlyObject(s),
    {
      time: 3000,
    },
  );
  bench("raw quickjs-emscripten newFunction + newPromise (dump / newObject)", async () => rawToolsObject(s), {
    time: 3000,
  });
});
