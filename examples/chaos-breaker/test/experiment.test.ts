import { describe, expect, it } from "vitest";
import { runBreakerExperiment } from "../src/experiment.js";

describe("chaos-breaker example", () => {
  it("the breaker opens, and the error rate recovers after rollback", async () => {
    const { result, serviceRequests, storefrontCalls } = await runBreakerExperiment({ failuresToOpen: 5 });
    expect(result.status).toBe("completed");
    expect(result.success).toBe(true);
    expect(result.hypotheses.during[0]).toMatchObject({ name: "the breaker opens", passed: true });
    expect(result.hypotheses.after[0]).toMatchObject({ passed: true });
    // Calls already in flight when the fault was armed may still succeed; everything after fails.
    expect(result.metrics.during.errorRate).toBeGreaterThan(0.75);
    expect(result.rollbacks).toEqual([expect.objectContaining({ status: "succeeded" })]);
    // The breaker really shielded the service: far fewer requests reached it than the storefront made.
    expect(serviceRequests).toBeLessThan(storefrontCalls);
    expect(result.lessonsLearned.join("\n")).toMatch(/The storefront breaker opened after 5 failures/);
    // What users saw above the breaker is measured too, and recovered after the rollback.
    expect(result.metricsByTarget.storefront?.after.errorRate).toBeLessThan(0.05);
    expect(result.lessonsLearned.join("\n")).toMatch(
      /Error rate of storefront rose from 0 % to [\d.]+ % during the fault/,
    );
  }, 30_000);
});
