/**
 * Events per CPU-second of another version of the correlator next to this one, round by round in one process (the
 * same method as cpu.bench.ts: one warm-up round, then seven alternating rounds, median and range). Use it to measure
 * a change against the commit before it on a machine whose speed varies:
 *
 *   mkdir -p packages/correlator/node_modules/.before
 *   git archive <commit>:packages/correlator src | tar -x -C packages/correlator/node_modules/.before
 *   npx tsx packages/correlator/bench/compare.ts packages/correlator/node_modules/.before/src/index.ts
 *
 * (The other version must sit inside the repository, so that it finds zod and yaml in node_modules.)
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { CorrelationPattern, SecurityEvent } from "../src/index.js";
import * as current from "../src/index.js";
import {
  defaultsStream,
  distinctKeysStream,
  hundredPatterns,
  hundredTypesStream,
  mapCountingBaseline,
  mixedStream,
} from "./workloads.js";

type Factory = typeof current.createSecurityEventCorrelator;

interface Row {
  name: string;
  events: () => readonly SecurityEvent[];
  field: "userId" | "ipAddress";
  options: { patterns?: CorrelationPattern[]; maxTrackedKeys?: number };
}

const ROWS: Row[] = [
  { name: "production-like mix", events: () => mixedStream(200_000), field: "userId", options: {} },
  { name: "every event relevant", events: () => defaultsStream(200_000), field: "userId", options: {} },
  { name: "threat storm", events: () => defaultsStream(200_000, 1, 10_000, 1_000), field: "userId", options: {} },
  {
    name: "100 patterns",
    events: () => hundredTypesStream(200_000),
    field: "userId",
    options: { patterns: hundredPatterns() },
  },
  {
    name: "1,000,000 distinct keys",
    events: () => distinctKeysStream(1_000_000),
    field: "ipAddress",
    options: { maxTrackedKeys: 1_000_000 },
  },
];

function cpuSeconds(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function feed(create: Factory, row: Row, events: readonly SecurityEvent[]): number {
  return (
    events.length /
    cpuSeconds(() => {
      const correlator = create(row.options);
      correlator.on("threat_detected", () => {});
      correlator.on("threat_updated", () => {});
      for (let i = 0; i < events.length; i++) correlator.addEvent(events[i] as SecurityEvent);
    })
  );
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const m = (rate: number): string => `${(rate / 1e6).toFixed(2)} M`;
const range = (values: number[]): string => `${m(Math.min(...values))}–${m(Math.max(...values))}`;

async function main(): Promise<void> {
  const path = process.argv[2];
  if (path === undefined) throw new Error("give the path of the other version's src/index.ts");
  const other = (await import(pathToFileURL(resolve(path)).href)) as typeof current;
  const only = process.argv[3];
  console.log("| workload | other version, median (range) | this version, median (range) | this ÷ other | baseline |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const row of ROWS) {
    if (only !== undefined && !row.name.includes(only)) continue;
    const events = row.events();
    const before: number[] = [];
    const after: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round <= 7; round++) {
      const b = events.length / cpuSeconds(() => mapCountingBaseline(events, row.field));
      // alternate which version goes first
      const [x, y] =
        round % 2 === 0
          ? [
              feed(other.createSecurityEventCorrelator, row, events),
              feed(current.createSecurityEventCorrelator, row, events),
            ]
          : (() => {
              const y0 = feed(current.createSecurityEventCorrelator, row, events);
              return [feed(other.createSecurityEventCorrelator, row, events), y0];
            })();
      if (round === 0) continue; // warm-up
      baseline.push(b);
      before.push(x);
      after.push(y);
    }
    const ratio = median(after.map((a, i) => a / (before[i] as number)));
    console.log(
      `| ${row.name} | ${m(median(before))} (${range(before)}) | ${m(median(after))} (${range(after)}) | ${ratio.toFixed(2)}× | ${m(median(baseline))} |`,
    );
  }
}

await main();
