import { describe, expect, it } from "vitest";
import { createFilterPipeline, createTokenVault } from "../src/index.js";

/**
 * Adversarial input must cost time proportional to its size. Each pattern is filtered at 0.5 MB and at 5 MB; linear
 * work grows 10×, quadratic work 100×. Times are process CPU time (not wall clock, so other processes matter less),
 * the best of a few runs (noise only ever adds time), compared with each other only: nothing is held to a time limit.
 * The bound (35×) leaves room for a loaded machine while failing any super-linear scan, and a pattern over it is
 * measured again (up to three times in all, keeping its best ratio), so a burst of load during one measurement cannot
 * fail the test while a quadratic scan fails every time.
 */
const PATTERNS: Record<string, string> = {
  "near-miss card numbers": "4111 1111 1111 1112 ",
  "near-miss digits with mixed separators": "123-45-678 1.2.3 +1 (55) 555-55 ",
  "one long run of digits": "1234567890",
  "digits separated by single spaces": "1 ",
  "near-miss IBAN": "DE89 3704 0044 0532 0130 01 ",
  "token characters without a break": "aB3-_.",
  "unterminated private keys": "-----BEGIN RSA PRIVATE KEY-----\nMIIE ",
  "e-mail-like runs": "a.b.c.d@e",
  "assignments with placeholder values": "password=$x ",
  "unclosed quoted assignments": 'password: "abc ',
  "colons (IPv6 and key candidates)": "1:a:",
  "URL-like runs": "https://a:b@",
  "placeholder-shaped text": "[EMAIL_1",
};

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function bestOf(runs: number, fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = cpuMs();
    fn();
    best = Math.min(best, cpuMs() - start);
  }
  return best;
}

describe("linear time on adversarial input", () => {
  const pipeline = createFilterPipeline({ vault: createTokenVault(), maxBytes: 64 * 1024 * 1024 });
  const BOUND = 35;
  for (const [name, unit] of Object.entries(PATTERNS)) {
    it(`stays linear: ${name}`, () => {
      const small = unit.repeat(Math.ceil(500_000 / unit.length));
      const large = unit.repeat(Math.ceil(5_000_000 / unit.length));
      pipeline.apply(small); // warm up
      const measure = () => {
        const smallMs = bestOf(3, () => pipeline.apply(small));
        const largeMs = bestOf(2, () => pipeline.apply(large));
        // Guard against timer resolution on very fast patterns.
        return { smallMs, largeMs, ratio: largeMs / Math.max(smallMs, 1) };
      };
      let best = measure();
      for (let attempt = 1; attempt < 3 && best.ratio >= BOUND; attempt++) {
        const again = measure();
        if (again.ratio < best.ratio) best = again;
      }
      const detail = `${name}: ${best.smallMs.toFixed(1)} ms for 0.5 MB, ${best.largeMs.toFixed(1)} ms for 5 MB`;
      expect(best.ratio, detail).toBeLessThan(BOUND);
    }, 120_000);
  }

  it("handles 10 MB of near-miss digits in one string", () => {
    const text = "4111 1111 1111 1112 9999-99-9999 ".repeat(Math.ceil(10_000_000 / 33));
    const result = pipeline.apply({ log: text });
    expect(result.truncated).toBe(false);
    expect(result.findings.filter((f) => f.type === "credit_card")).toHaveLength(0);
  }, 60_000);
});
