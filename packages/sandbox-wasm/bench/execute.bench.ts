import { afterAll, beforeAll, bench, describe } from "vitest";
import { oursTiny, peerTiny, rawTiny, rawTinyWithLimits, type Subjects, setup, vmTiny } from "./workloads.js";

let s: Subjects;
beforeAll(async () => {
  s = await setup();
});
afterAll(() => s.sandbox.dispose());

describe("create + execute + dispose a tiny program", () => {
  bench("@athena/sandbox-wasm execute()", async () => oursTiny(s), { time: 2000 });
  bench("raw quickjs-emscripten (runtime+context+eval+dispose)", () => rawTiny(s), { time: 2000 });
  bench("raw quickjs-emscripten with the same limits", () => rawTinyWithLimits(s), { time: 2000 });
  bench("node:vm (new context per run)", () => vmTiny(), { time: 2000 });
  bench("@sebastianwessel/quickjs runSandboxed", async () => peerTiny(s), { time: 2000 });
});
