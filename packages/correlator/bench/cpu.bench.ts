/**
 * Events per CPU-second: the same workloads as throughput.bench.ts, timed by process CPU time (user + system) instead
 * of wall time, so a machine shared with other work does not hide what one core does. Baseline and correlator
 * alternate, five rounds each; the table shows the median round.
 * Run: npm run bench -w @athena/correlator
 */
import { bench, describe } from "vitest";
import { type CorrelationPattern, createSecurityEventCorrelator, type SecurityEvent } from "../src/index.js";
import {
  defaultsStream,
  distinctKeysStream,
  hundredPatterns,
  hundredTypesStream,
  mapCountingBaseline,
  mixedStream,
} from "./workloads.js";

const registry = globalThis as { __athenaCorrelatorCpuBench?: boolean };

function cpuSeconds(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

interface Row {
  name: string;
  events: readonly SecurityEvent[];
  field: "userId" | "ipAddress";
  options: { patterns?: CorrelationPattern[]; maxTrackedKeys?: number };
}

function measure(row: Row): string {
  let changes = 0;
  const baseline: number[] = [];
  const correlator: number[] = [];
  for (let round = 0; round < 5; round++) {
    baseline.push(row.events.length / cpuSeconds(() => mapCountingBaseline(row.events, row.field)));
    correlator.push(
      row.events.length /
        cpuSeconds(() => {
          const c = createSecurityEventCorrelator(row.options);
          changes = 0;
          c.on("threat_detected", () => changes++);
          c.on("threat_updated", () => changes++);
          for (const e of row.events) c.addEvent(e);
        }),
    );
  }
  const b = median(baseline);
  const c = median(correlator);
  const share = ((100 * changes) / row.events.length).toFixed(2);
  return `| ${row.name} | ${(c / 1e6).toFixed(2)} M | ${(b / 1e6).toFixed(2)} M | ${(b / c).toFixed(1)}× | ${share}% |`;
}

describe("events per CPU-second", () => {
  bench(
    "median of 5 rounds, printed as a table",
    () => {
      if (registry.__athenaCorrelatorCpuBench === true) return;
      registry.__athenaCorrelatorCpuBench = true;
      const rows: Row[] = [
        {
          name: "default patterns, production-like mix (200,000 events)",
          events: mixedStream(200_000),
          field: "userId",
          options: {},
        },
        {
          name: "default patterns, threat storm: 10,000 users, 1,000 addresses (200,000 events)",
          events: defaultsStream(200_000, 1, 10_000, 1_000),
          field: "userId",
          options: {},
        },
        {
          name: "default patterns, every event relevant: 1,000,000 users, 100,000 addresses (200,000 events)",
          events: defaultsStream(200_000),
          field: "userId",
          options: {},
        },
        {
          name: "100 patterns (200,000 events)",
          events: hundredTypesStream(200_000),
          field: "userId",
          options: { patterns: hundredPatterns() },
        },
        {
          name: "1,000,000 distinct keys (1,000,000 events)",
          events: distinctKeysStream(1_000_000),
          field: "ipAddress",
          options: { maxTrackedKeys: 1_000_000 },
        },
      ];
      const lines = [
        "| workload | correlator events/CPU-s | Map-counting baseline | baseline ÷ correlator | events opening or updating a threat |",
        "| --- | --- | --- | --- | --- |",
        ...rows.map(measure),
      ];
      console.log(`\n${lines.join("\n")}`);
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );
});
