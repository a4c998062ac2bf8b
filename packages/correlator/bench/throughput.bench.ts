/**
 * Events per second on one core, next to a plain Map-counting baseline over the same events in the same run.
 * Run: npm run bench -w @athena/correlator  (events/s = hz × events per iteration; ratio = baseline hz / hz)
 */
import { bench, describe } from "vitest";
import { createSecurityEventCorrelator, type SecurityEvent } from "../src/index.js";
import {
  defaultsStream,
  distinctKeysStream,
  hundredPatterns,
  hundredTypesStream,
  mapCountingBaseline,
  mixedStream,
} from "./workloads.js";

const N = 200_000;
const options = { time: 3_000, warmupTime: 500 };

function run(events: readonly SecurityEvent[], make: () => ReturnType<typeof createSecurityEventCorrelator>): number {
  const correlator = make();
  let threats = 0;
  correlator.on("threat_detected", () => threats++);
  correlator.on("threat_updated", () => threats++);
  for (let i = 0; i < events.length; i++) correlator.addEvent(events[i] as SecurityEvent);
  return threats;
}

describe(`default patterns, production-like mix, ${N.toLocaleString("en")} events`, () => {
  const events = mixedStream(N);
  bench(
    "baseline: Map counting per user",
    () => {
      mapCountingBaseline(events, "userId");
    },
    options,
  );
  bench(
    "correlator: default patterns",
    () => {
      run(events, () => createSecurityEventCorrelator());
    },
    options,
  );
});

describe(`default patterns, threat storm (10,000 users, 1,000 addresses), ${N.toLocaleString("en")} events`, () => {
  const events = defaultsStream(N, 1, 10_000, 1_000);
  bench(
    "baseline: Map counting per user",
    () => {
      mapCountingBaseline(events, "userId");
    },
    options,
  );
  bench(
    "correlator: default patterns",
    () => {
      run(events, () => createSecurityEventCorrelator());
    },
    options,
  );
});

describe(`default patterns, 1,000,000 users and 100,000 addresses, ${N.toLocaleString("en")} events`, () => {
  const events = defaultsStream(N);
  bench(
    "baseline: Map counting per user",
    () => {
      mapCountingBaseline(events, "userId");
    },
    options,
  );
  bench(
    "correlator: default patterns",
    () => {
      run(events, () => createSecurityEventCorrelator());
    },
    options,
  );
});

describe(`100 patterns, ${N.toLocaleString("en")} events`, () => {
  const events = hundredTypesStream(N);
  const patterns = hundredPatterns();
  bench(
    "baseline: Map counting per user",
    () => {
      mapCountingBaseline(events, "userId");
    },
    options,
  );
  bench(
    "correlator: 100 patterns indexed by type",
    () => {
      run(events, () => createSecurityEventCorrelator({ patterns }));
    },
    options,
  );
});

const KEYS = 1_000_000;
describe(`${KEYS.toLocaleString("en")} distinct keys, ${KEYS.toLocaleString("en")} events`, () => {
  const events = distinctKeysStream(KEYS);
  bench(
    "baseline: Map counting per address",
    () => {
      mapCountingBaseline(events, "ipAddress");
    },
    { time: 5_000, warmupIterations: 1 },
  );
  bench(
    "correlator: default patterns, maxTrackedKeys 1,000,000",
    () => {
      run(events, () => createSecurityEventCorrelator({ maxTrackedKeys: KEYS }));
    },
    { time: 5_000, warmupIterations: 1 },
  );
});
