import { afterAll, beforeAll, bench, describe } from "vitest";
import { CALLS, oursAwaitOnly, oursTools, rawTools, type Subjects, setup } from "./workloads.js";

let s: Subjects;
beforeAll(async () => {
  s = await setup();
});
afterAll(() => s.sandbox.dispose());

describe(`${CALLS} sequential awaited tool calls in one execution`, () => {
  bench("@athena/sandbox-wasm bridge (outbox + one settle function)", async () => oursTools(s), { time: 3000 });
  bench("same loop awaiting Promise.resolve (no tool: subtract for overhead)", async () => oursAwaitOnly(s), {
    time: 3000,
  });
  bench("raw quickjs-emscripten newFunction + newPromise", async () => rawTools(s), { time: 3000 });
});
