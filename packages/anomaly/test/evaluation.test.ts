import { describe, expect, it } from "vitest";
import { DEFAULT_WORKLOAD, evaluate } from "./evaluation.js";

describe("evaluation on the labelled synthetic workload (the README's numbers)", () => {
  it("detects at least 90 % of anomalous episodes with at most 3 % false positives", () => {
    const report = evaluate(DEFAULT_WORKLOAD);
    expect(report.users).toBeGreaterThanOrEqual(2_000);
    expect(report.episodes).toBeGreaterThan(500);
    expect(report.byKind.map((k) => k.kind).sort()).toEqual([
      "bot",
      "credential-stuffing",
      "off-day",
      "off-hours",
      "slow-ramp",
    ]);
    expect(report.detectionRate).toBeGreaterThanOrEqual(0.9);
    expect(report.falsePositiveRate).toBeLessThanOrEqual(0.03);
    // The stricter per-user-day view stays within the same bound.
    expect(report.userDaysFlagged / report.userDays).toBeLessThanOrEqual(0.03);
    for (const kind of report.byKind) expect(kind.detectionRate, kind.kind).toBeGreaterThanOrEqual(0.85);
  }, 240_000);
});
