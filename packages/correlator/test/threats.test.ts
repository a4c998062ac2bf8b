import { describe, expect, it } from "vitest";
import {
  type CorrelatedThreat,
  type CorrelationPattern,
  isCorrelatorError,
  type SecuritySeverity,
  THREAT_TRANSITIONS,
} from "../src/index.js";
import { ev, harness, T0 } from "./helpers.js";

const pattern = (extra: Partial<CorrelationPattern> = {}): CorrelationPattern =>
  ({
    id: "burst",
    kind: "threshold",
    groupBy: "userId",
    filter: { type: "F" },
    threshold: 3,
    windowMs: 10_000,
    ...extra,
  }) as CorrelationPattern;

function detect(
  spacingMs: number,
  severity: SecuritySeverity,
  extra: Partial<CorrelationPattern> = {},
): CorrelatedThreat {
  const h = harness({ patterns: [pattern(extra)] });
  for (let i = 0; i < 3; i++) h.correlator.addEvent(ev("F", i * spacingMs, { userId: "u", severity }));
  const threat = h.detected[0];
  if (threat === undefined) throw new Error("no threat");
  return threat;
}

describe("confidence", () => {
  it("is computed from the evidence: faster and more severe evidence gives more confidence", () => {
    const slowLow = detect(4_000, "low");
    const fastLow = detect(10, "low");
    const fastCritical = detect(10, "critical");
    expect(fastLow.confidence).toBeGreaterThan(slowLow.confidence);
    expect(fastCritical.confidence).toBeGreaterThan(fastLow.confidence);
    expect(new Set([slowLow.confidence, fastLow.confidence, fastCritical.confidence]).size).toBe(3);
  });

  it("is the documented weighted sum of its factors, within [0.01, 0.99]", () => {
    for (const threat of [detect(4_000, "low"), detect(0, "critical"), detect(1_000, "medium")]) {
      const f = threat.confidenceFactors;
      for (const v of Object.values(f)) expect(v).toBeGreaterThanOrEqual(0);
      for (const v of Object.values(f)) expect(v).toBeLessThanOrEqual(1);
      expect(threat.confidence).toBeCloseTo(0.3 * f.volume + 0.3 * f.tempo + 0.3 * f.severity + 0.1 * f.recurrence, 2);
      expect(threat.confidence).toBeGreaterThanOrEqual(0.01);
      expect(threat.confidence).toBeLessThanOrEqual(0.99);
    }
    const slow = detect(4_000, "low").confidenceFactors;
    expect(slow.tempo).toBeCloseTo(1 - 8_000 / 10_000, 3);
    expect(slow.severity).toBe(0.25);
    expect(slow.volume).toBe(0.5);
  });

  it("grows as repeated matches are merged into the threat", () => {
    const h = harness({ patterns: [pattern({ threshold: 2 })] });
    for (let i = 0; i < 8; i++) h.correlator.addEvent(ev("F", i * 100, { userId: "u" }));
    const confidences = [h.detected[0], ...h.updated].map((t) => t?.confidence ?? 0);
    expect(confidences).toHaveLength(4);
    for (let i = 1; i < confidences.length; i++) expect(confidences[i]).toBeGreaterThan(confidences[i - 1] as number);
    expect(h.updated.at(-1)?.confidenceFactors.recurrence).toBeGreaterThan(0);
  });
});

describe("threat contents", () => {
  it("raises severity to the most severe evidence event", () => {
    expect(detect(10, "low", { severity: "medium" }).severity).toBe("medium");
    expect(detect(10, "critical", { severity: "medium" }).severity).toBe("critical");
  });

  it("lists affected users and services, IoCs, a timeline and the pattern's actions", () => {
    const h = harness({
      patterns: [
        pattern({
          groupBy: "sessionId",
          iocFields: ["data.url"],
          recommendedActions: ["Revoke the session"],
          description: "Too many failures in one session",
        }),
      ],
    });
    h.correlator.addEvent(ev("F", 0, { sessionId: "s1", userId: "ann", source: "gateway", ipAddress: "192.0.2.1" }));
    h.correlator.addEvent(
      ev("F", 5, {
        sessionId: "s1",
        userId: "bob",
        source: "mcp",
        ipAddress: "192.0.2.1",
        data: { url: "http://x.test" },
      }),
    );
    h.correlator.addEvent(ev("F", 9, { sessionId: "s1", userId: "ann", source: "gateway", ipAddress: "192.0.2.2" }));
    const [threat] = h.detected;
    expect(threat?.affectedUsers).toEqual(["ann", "bob"]);
    expect(threat?.affectedServices).toEqual(["gateway", "mcp"]);
    expect(threat?.recommendedActions).toEqual(["Revoke the session"]);
    expect(threat?.description).toBe("Too many failures in one session");
    expect(threat?.ioCs.map((i) => [i.type, i.value, i.count])).toEqual([
      ["user", "ann", 2],
      ["user", "bob", 1],
      ["ip", "192.0.2.1", 2],
      ["ip", "192.0.2.2", 1],
      ["session", "s1", 3],
      ["data.url", "http://x.test", 1],
    ]);
    expect(threat?.timeline.map((e) => [e.timestamp - T0, e.kind])).toEqual([
      [0, "event"],
      [5, "event"],
      [9, "event"],
      [9, "detected"],
    ]);
    expect(threat?.firstSeen).toBe(T0);
    expect(threat?.lastSeen).toBe(T0 + 9);
    expect(threat?.status).toBe("open");
    expect(threat?.id).toBe("threat-1");
  });

  it("gives every kind default recommended actions", () => {
    for (const kind of ["threshold", "distinct", "sequence"] as const) {
      const p =
        kind === "sequence"
          ? { id: "x", kind, groupBy: "userId", steps: [{ filter: { type: "F" } }] }
          : kind === "distinct"
            ? { id: "x", kind, groupBy: "userId", filter: { type: "F" }, field: "source", threshold: 1 }
            : { id: "x", kind, groupBy: "userId", filter: { type: "F" }, threshold: 1 };
      const h = harness({ patterns: [p as CorrelationPattern] });
      h.correlator.addEvent(ev("F", 0, { userId: "u" }));
      expect(h.detected[0]?.recommendedActions.length).toBeGreaterThan(0);
    }
  });

  it("hands out copies: changing one changes nothing inside", () => {
    const h = harness({ patterns: [pattern()] });
    for (let i = 0; i < 3; i++) h.correlator.addEvent(ev("F", i, { userId: "u" }));
    const copy = h.detected[0] as CorrelatedThreat;
    (copy.events as unknown[]).length = 0;
    (copy.affectedUsers as string[]).push("intruder");
    copy.status = "resolved";
    const fresh = h.correlator.getThreat(copy.id);
    expect(fresh?.events).toHaveLength(3);
    expect(fresh?.affectedUsers).toEqual(["u"]);
    expect(fresh?.status).toBe("open");
  });

  it("forgets the oldest threats beyond maxThreats", () => {
    const h = harness({ maxThreats: 2, patterns: [pattern({ threshold: 1 })] });
    for (const user of ["a", "b", "c"]) h.correlator.addEvent(ev("F", 0, { userId: user }));
    expect(h.correlator.getThreats().map((t) => t.groupKey)).toEqual(["b", "c"]);
    expect(h.correlator.getThreat("threat-1")).toBeUndefined();
    expect(h.correlator.stats().threatsEvicted).toBe(1);
  });
});

describe("status lifecycle", () => {
  const withThreat = (): { h: ReturnType<typeof harness>; id: string } => {
    const h = harness({ patterns: [pattern({ threshold: 1 })], clock: { now: () => T0 + 99_000 } });
    h.correlator.addEvent(ev("F", 0, { userId: "u" }));
    return { h, id: h.detected[0]?.id as string };
  };

  it("moves open → investigating → mitigated → resolved, announcing each change", () => {
    const { h, id } = withThreat();
    const changes: string[] = [];
    h.correlator.on("threat_updated", (t, change) => changes.push(`${change.previousStatus}→${t.status}`));
    h.correlator.updateThreatStatus(id, "investigating", "on-call looking");
    h.correlator.updateThreatStatus(id, "mitigated");
    const final = h.correlator.updateThreatStatus(id, "resolved");
    expect(changes).toEqual(["open→investigating", "investigating→mitigated", "mitigated→resolved"]);
    expect(final.status).toBe("resolved");
    expect(final.updatedAt).toBe(T0 + 99_000);
    const statusEntries = final.timeline.filter((e) => e.kind === "status");
    expect(statusEntries.map((e) => e.status)).toEqual(["investigating", "mitigated", "resolved"]);
    expect(statusEntries[0]?.description).toBe("status open → investigating: on-call looking");
    expect(h.correlator.getThreats({ status: "resolved" }).map((t) => t.id)).toEqual([id]);
    expect(h.correlator.getThreats({ status: ["open", "investigating"] })).toEqual([]);
  });

  it("allows false_positive from open and reopening for investigation", () => {
    const { h, id } = withThreat();
    h.correlator.updateThreatStatus(id, "false_positive");
    expect(h.correlator.updateThreatStatus(id, "investigating").status).toBe("investigating");
  });

  it("refuses transitions the lifecycle does not allow, and unknown threats or statuses", () => {
    const { h, id } = withThreat();
    h.correlator.updateThreatStatus(id, "resolved");
    const attempt = (status: string, which = id): string | undefined => {
      try {
        h.correlator.updateThreatStatus(which, status as "open");
      } catch (error) {
        return isCorrelatorError(error) ? error.code : "other";
      }
      return undefined;
    };
    expect(attempt("mitigated")).toBe("INVALID_TRANSITION");
    expect(attempt("open")).toBe("INVALID_TRANSITION");
    expect(attempt("resolved")).toBe("INVALID_TRANSITION");
    expect(attempt("closed")).toBe("INVALID_TRANSITION");
    expect(attempt("investigating", "threat-404")).toBe("THREAT_NOT_FOUND");
    expect(h.correlator.getThreat(id)?.status).toBe("resolved");
  });

  it("documents every allowed transition", () => {
    expect(THREAT_TRANSITIONS.open).toContain("investigating");
    expect(THREAT_TRANSITIONS.investigating).toEqual(
      expect.arrayContaining(["mitigated", "resolved", "false_positive"]),
    );
    expect(THREAT_TRANSITIONS.resolved).toEqual(["investigating"]);
  });
});
