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

/**
 * The events of one group, generated on the group's first call (a warm-up call, not timed) and kept until another
 * group asks: only one group's events are alive at a time, so garbage collections during a group do not also trace
 * every other group's events.
 */
let current: { title: string; events: readonly SecurityEvent[] } | undefined;
function eventsOf(title: string, make: () => readonly SecurityEvent[]): readonly SecurityEvent[] {
  if (current?.title !== title) {
    current = undefined;
    current = { title, events: make() };
  }
  return current.events;
}

/** One benchmark group: the Map-counting baseline and the correlator over the same events. */
function group(
  title: string,
  make: () => readonly SecurityEvent[],
  field: "userId" | "ipAddress",
  name: string,
  create: () => ReturnType<typeof createSecurityEventCorrelator>,
  timing: Parameters<typeof bench>[2] = options,
): void {
  describe(title, () => {
    bench(
      `baseline: Map counting per ${field === "userId" ? "user" : "address"}`,
      () => {
        mapCountingBaseline(eventsOf(title, make), field);
      },
      timing,
    );
    bench(
      `correlator: ${name}`,
      () => {
        run(eventsOf(title, make), create);
      },
      timing,
    );
  });
}

const n = N.toLocaleString("en");
group(
  `default patterns, production-like mix, ${n} events`,
  () => mixedStream(N),
  "userId",
  "default patterns",
  () => createSecurityEventCorrelator(),
);
group(
  `default patterns, threat storm (10,000 users, 1,000 addresses), ${n} events`,
  () => defaultsStream(N, 1, 10_000, 1_000),
  "userId",
  "default patterns",
  () => createSecurityEventCorrelator(),
);
group(
  `default patterns, 1,000,000 users and 100,000 addresses, ${n} events`,
  () => defaultsStream(N),
  "userId",
  "default patterns",
  () => createSecurityEventCorrelator(),
);
const patterns = hundredPatterns();
group(
  `100 patterns, ${n} events`,
  () => hundredTypesStream(N),
  "userId",
  "100 patterns indexed by type",
  () => createSecurityEventCorrelator({ patterns }),
);
const KEYS = 1_000_000;
group(
  `${KEYS.toLocaleString("en")} distinct keys, ${KEYS.toLocaleString("en")} events`,
  () => distinctKeysStream(KEYS),
  "ipAddress",
  "default patterns, maxTrackedKeys 1,000,000",
  () => createSecurityEventCorrelator({ maxTrackedKeys: KEYS }),
  { time: 5_000, warmupIterations: 1 },
);
