/**
 * Events per CPU-second: the same workloads as throughput.bench.ts, timed by process CPU time (user + system) instead
 * of wall time, so a machine shared with other work does not hide what one core does. Each row first runs one
 * warm-up round of each (not counted: the first round also pays for compiling the code and growing the heap), then
 * baseline and correlator alternate, seven rounds each; the table shows the median round and the correlator's range.
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
  /** Generated when the row is measured: only one row's events are alive at a time, so garbage collections during
   * a row do not also trace every other row's events (which would bill the GC of unrelated data to the row). */
  events: () => readonly SecurityEvent[];
  field: "userId" | "ipAddress";
  options: { patterns?: CorrelationPattern[]; maxTrackedKeys?: number };
}

const ROUNDS = 7;

function measure(row: Row): string {
  let changes = 0;
  const baseline: number[] = [];
  const correlator: number[] = [];
  const events = row.events();
  for (let round = 0; round <= ROUNDS; round++) {
    const b = events.length / cpuSeconds(() => mapCountingBaseline(events, row.field));
    const c =
      events.length /
      cpuSeconds(() => {
        const correlator = createSecurityEventCorrelator(row.options);
        changes = 0;
        correlator.on("threat_detected", () => changes++);
        correlator.on("threat_updated", () => changes++);
        for (let i = 0; i < events.length; i++) correlator.addEvent(events[i] as SecurityEvent);
      });
    if (round === 0) continue; // warm-up
    baseline.push(b);
    correlator.push(c);
  }
  const b = median(baseline);
  const c = median(correlator);
  const share = ((100 * changes) / events.length).toFixed(2);
  const range = `${(Math.min(...correlator) / 1e6).toFixed(2)}–${(Math.max(...correlator) / 1e6).toFixed(2)} M`;
  return `| ${row.name} | ${(c / 1e6).toFixed(2)} M (${range}) | ${(b / 1e6).toFixed(2)} M | ${(b / c).toFixed(1)}× | ${share}% |`;
}

describe("events per CPU-second", () => {
  bench(
    "median of 7 rounds after a warm-up round, printed as a table",
    () => {
      if (registry.__athenaCorrelatorCpuBench === true) return;
      registry.__athenaCorrelatorCpuBench = true;
      const rows: Row[] = [
        {
          name: "default patterns, production-like mix (200,000 events)",
          events: () => mixedStream(200_000),
          field: "userId",
          options: {},
        },
        {
          name: "default patterns, threat storm: 10,000 users, 1,000 addresses (200,000 events)",
          events: () => defaultsStream(200_000, 1, 10_000, 1_000),
          field: "userId",
          options: {},
        },
        {
          name: "default patterns, every event relevant: 1,000,000 users, 100,000 addresses (200,000 events)",
          events: () => defaultsStream(200_000),
          field: "userId",
          options: {},
        },
        {
          name: "100 patterns (200,000 events)",
          events: () => hundredTypesStream(200_000),
          field: "userId",
          options: { patterns: hundredPatterns() },
        },
        {
          name: "1,000,000 distinct keys (1,000,000 events)",
          events: () => distinctKeysStream(1_000_000),
          field: "ipAddress",
          options: { maxTrackedKeys: 1_000_000 },
        },
      ];
      const lines = [
        "| workload | correlator events/CPU-s, median (range) | Map-counting baseline | baseline ÷ correlator | events opening or updating a threat |",
        "| --- | --- | --- | --- | --- |",
        ...rows.map(measure),
      ];
      console.log(`\n${lines.join("\n")}`);
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );
});
