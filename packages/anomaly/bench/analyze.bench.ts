import { bench, describe } from "vitest";
import { ewmaBench, hotBench, spreadBench } from "./setup.js";

const ewma = ewmaBench();
const hot = hotBench();
const spread = spreadBench();
let x = 0;
let cursor = 0;

describe("analyzeRequest vs a bare EWMA update (same run)", () => {
  bench("baseline: bare EWMA update", () => {
    x = (x + 1) & 15;
    ewma.update(x);
  });
  bench("analyzeRequest, hot (one user)", () => {
    hot.advance();
    hot.detector.analyzeRequest("hot-user", hot.request);
  });
  bench("analyzeRequest, spread over 1,000,000 users", () => {
    spread.advance();
    cursor = cursor + 1 === spread.ids.length ? 0 : cursor + 1;
    spread.detector.analyzeRequest(spread.ids[cursor] as string, spread.request);
  });
});
