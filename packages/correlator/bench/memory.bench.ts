/**
 * Memory: bytes per active key, and the heap bound under a 10,000,000-event cardinality attack. Printed as a table;
 * each measurement runs once (heap sizes after a full GC are what matter, not time).
 * Run: npm run bench -w @athena/correlator
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { bench, describe } from "vitest";
import { createSecurityEventCorrelator, type SecurityEvent } from "../src/index.js";
import { prng, START } from "./workloads.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const once = { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 };
// tinybench calls a function more than once even with iterations: 1 (warm-up, and the module may be evaluated again):
// measure only the first call of the process.
const registry = globalThis as { __athenaCorrelatorMemoryBench?: Set<string> };
if (registry.__athenaCorrelatorMemoryBench === undefined) registry.__athenaCorrelatorMemoryBench = new Set<string>();
const done: Set<string> = registry.__athenaCorrelatorMemoryBench;
const first = (name: string): boolean => {
  if (done.has(name)) return false;
  done.add(name);
  return true;
};
const MB = 1024 * 1024;

function ipOf(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * Each event a new address failing as one of 1,000 users: every event makes one new active key. 100 events per
 * millisecond, so all of them stay inside the default patterns' windows (no key expires while measuring).
 */
function failure(i: number): SecurityEvent {
  return {
    type: "AUTHENTICATION_FAILURE",
    source: "sshd",
    severity: "medium",
    timestamp: START + Math.floor(i / 100),
    ipAddress: ipOf(0x0a000000 + i),
    userId: `user-${i % 1_000}`,
  };
}

describe("memory", () => {
  bench(
    "bytes per active key (1,000,000 keys)",
    () => {
      if (!first("bytes")) return;
      const keys = 1_000_000;
      // Baseline in the same run: a Map from the same address strings to a count.
      const base0 = heap();
      const counts = new Map<string, number>();
      for (let i = 0; i < keys; i++) {
        const e = failure(i);
        counts.set(e.ipAddress as string, (counts.get(e.ipAddress as string) ?? 0) + 1);
      }
      const baseline = (heap() - base0) / counts.size;
      counts.clear();

      const before = heap();
      const correlator = createSecurityEventCorrelator({ maxTrackedKeys: keys });
      for (let i = 0; i < keys; i++) correlator.addEvent(failure(i));
      const tracked = correlator.stats().keysTracked;
      const perKey = (heap() - before) / tracked;
      console.log(
        `\nbytes per active key: correlator ${perKey.toFixed(0)} B (${tracked.toLocaleString("en")} keys, the retained event included), ` +
          `Map-counting baseline ${baseline.toFixed(0)} B, ratio ${(perKey / baseline).toFixed(2)}`,
      );
      correlator.dispose();
    },
    once,
  );

  bench(
    "heap under a 10,000,000-event cardinality attack (defaults)",
    () => {
      if (!first("attack")) return;
      const total = 10_000_000;
      const random = prng(99);
      const before = heap();
      const correlator = createSecurityEventCorrelator();
      let peak = 0;
      const start = performance.now();
      for (let i = 0; i < total; i++) {
        const ip = Math.floor(random() * 2 ** 32);
        correlator.addEvent({
          type: i % 4 === 0 ? "PROMPT_INJECTION_ATTEMPT" : "AUTHENTICATION_FAILURE",
          source: "edge",
          severity: "medium",
          timestamp: START + i,
          ipAddress: ipOf(ip),
          userId: `user-${Math.floor(random() * 100_000_000)}`,
        });
        if ((i + 1) % 1_000_000 === 0) peak = Math.max(peak, heap() - before);
      }
      const seconds = (performance.now() - start) / 1_000;
      const stats = correlator.stats();
      console.log(
        `\n10,000,000 random-address events: heap growth peak ${(peak / MB).toFixed(1)} MB (bound 64 MB), ` +
          `${stats.keysTracked.toLocaleString("en")} keys tracked, ${stats.keysEvicted.toLocaleString("en")} evicted, ` +
          `${(total / seconds / 1e6).toFixed(2)} M events/s including generation and GC checks`,
      );
      if (peak > 64 * MB) throw new Error(`heap grew by ${(peak / MB).toFixed(1)} MB, above the 64 MB bound`);
      correlator.dispose();
    },
    once,
  );
});
