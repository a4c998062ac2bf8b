import { describe, expect, it } from "vitest";
import {
  type CorrelationPattern,
  type CorrelatorOptions,
  createDefaultPatterns,
  createSecurityEventCorrelator,
  isCorrelatorError,
} from "../src/index.js";
import { canonicalJson, threatTypeOf } from "../src/patterns.js";
import { ev, harness } from "./helpers.js";

function optionsError(options: unknown): string {
  try {
    createSecurityEventCorrelator(options as CorrelatorOptions);
  } catch (error) {
    if (isCorrelatorError(error) && error.code === "INVALID_OPTIONS") return error.message;
    throw error;
  }
  throw new Error("expected INVALID_OPTIONS");
}

describe("default patterns", () => {
  it("are Credential Stuffing, Multi-Stage Intrusion and Prompt Injection Campaign", () => {
    const patterns = createDefaultPatterns();
    expect(patterns.map((p) => [p.name, p.kind])).toEqual([
      ["Credential Stuffing", "distinct"],
      ["Multi-Stage Intrusion", "sequence"],
      ["Prompt Injection Campaign", "threshold"],
    ]);
    expect(
      createSecurityEventCorrelator()
        .patterns()
        .map((p) => p.id),
    ).toEqual(patterns.map((p) => p.id));
  });

  it("take timeWindowMs and minEventsForThreat from the options", () => {
    const summary = createSecurityEventCorrelator({ timeWindowMs: 60_000, minEventsForThreat: 3 }).patterns();
    expect(summary.find((p) => p.id === "prompt-injection-campaign")?.windowMs).toBe(60_000);
    const h = harness({ timeWindowMs: 60_000, minEventsForThreat: 3 });
    for (let i = 0; i < 3; i++) h.correlator.addEvent(ev("PROMPT_INJECTION_ATTEMPT", i * 10_000, { userId: "m" }));
    expect(h.detected.map((t) => t.type)).toEqual(["PROMPT_INJECTION_CAMPAIGN"]);
  });

  it("credential stuffing: one IP failing as 20 distinct users in 10 minutes, not 19", () => {
    const h = harness();
    for (let i = 0; i < 19; i++)
      h.correlator.addEvent(ev("AUTHENTICATION_FAILURE", i * 30_000, { ipAddress: "203.0.113.7", userId: `u${i}` }));
    // the same user again does not count twice
    h.correlator.addEvent(ev("AUTHENTICATION_FAILURE", 19 * 30_000, { ipAddress: "203.0.113.7", userId: "u3" }));
    expect(h.detected).toHaveLength(0);
    h.correlator.addEvent(ev("AUTHENTICATION_FAILURE", 19 * 30_000 + 1, { ipAddress: "203.0.113.7", userId: "u19" }));
    expect(h.detected.map((t) => [t.type, t.groupKey, t.affectedUsers.length])).toEqual([
      ["CREDENTIAL_STUFFING", "203.0.113.7", 20],
    ]);
    expect(h.detected[0]?.ioCs.filter((i) => i.type === "ip")).toMatchObject([{ value: "203.0.113.7", count: 20 }]);
  });

  it("credential stuffing: 20 users spread over more than 10 minutes is no threat", () => {
    const h = harness();
    for (let i = 0; i < 20; i++)
      h.correlator.addEvent(ev("AUTHENTICATION_FAILURE", i * 40_000, { ipAddress: "203.0.113.8", userId: `u${i}` }));
    expect(h.detected).toHaveLength(0);
  });

  it("multi-stage intrusion: foothold → escalation → objective for one user within the hour", () => {
    const h = harness();
    h.correlator.addEvent(ev("INJECTION_ATTACK", 0, { userId: "eve" }));
    h.correlator.addEvent(ev("PRIVILEGE_ESCALATION", 600_000, { userId: "bob" }));
    h.correlator.addEvent(ev("PRIVILEGE_ESCALATION", 600_000, { userId: "eve" }));
    h.correlator.addEvent(ev("SENSITIVE_DATA_EXPOSURE", 1_200_000, { userId: "eve", severity: "critical" }));
    expect(h.detected.map((t) => [t.type, t.groupKey, t.severity])).toEqual([
      ["MULTI_STAGE_INTRUSION", "eve", "critical"],
    ]);
    expect(h.detected[0]?.timeline.filter((e) => e.kind === "event").map((e) => e.step)).toEqual([
      "foothold",
      "escalation",
      "objective",
    ]);
  });

  it("multi-stage intrusion: out of order steps are no threat", () => {
    const h = harness();
    h.correlator.addEvent(ev("PRIVILEGE_ESCALATION", 0, { userId: "eve" }));
    h.correlator.addEvent(ev("INJECTION_ATTACK", 1, { userId: "eve" }));
    h.correlator.addEvent(ev("SENSITIVE_DATA_EXPOSURE", 2, { userId: "eve" }));
    expect(h.detected).toHaveLength(0);
  });
});

describe("option and pattern validation", () => {
  it("refuses unknown options and bad values with a readable message", () => {
    expect(optionsError({ timeWindow: 5 })).toMatch(/timeWindow/);
    expect(optionsError({ timeWindowMs: -1 })).toMatch(/timeWindowMs/);
    expect(optionsError({ minEventsForThreat: 0 })).toMatch(/minEventsForThreat/);
    expect(optionsError({ clock: { now: 5 } })).toMatch(/clock must be an object with a now\(\) method/);
    expect(optionsError({ idPrefix: "has space" })).toMatch(/idPrefix/);
  });

  const base = { id: "p", groupBy: "userId" } as const;
  const bad: [string, unknown, RegExp][] = [
    ["an unknown kind", { ...base, kind: "count", filter: {} }, /kind/],
    ["a bad id", { ...base, id: "no spaces", kind: "threshold", filter: {} }, /pattern id/],
    ["an unknown filter key", { ...base, kind: "threshold", filter: { typ: "X" } }, /typ/],
    ["a prototype path", { ...base, kind: "threshold", filter: { where: { "data.__proto__": 1 } } }, /reserved/],
    [
      "a bad regex",
      { ...base, kind: "threshold", filter: { where: { userId: { matches: "(" } } } },
      /regular expression/,
    ],
    ["a bad cidr", { ...base, kind: "threshold", filter: { where: { ipAddress: { cidr: "10/8" } } } }, /CIDR/],
    ["a distinct pattern without field", { ...base, kind: "distinct", filter: {}, threshold: 2 }, /field/],
    ["a sequence without steps", { ...base, kind: "sequence", steps: [] }, /steps/],
    [
      "minSteps on an ordered sequence",
      { ...base, kind: "sequence", minSteps: 1, steps: [{ filter: {} }, { filter: {} }] },
      /unordered/,
    ],
    ["a zero window", { ...base, kind: "threshold", filter: {}, windowMs: 0 }, /windowMs/],
  ];
  it.each(bad)("refuses a pattern with %s", (_, pattern, message) => {
    expect(optionsError({ patterns: [pattern] })).toMatch(message);
  });

  it("refuses duplicate ids, dangling correlation references and cycles", () => {
    const p = (id: string, extra: Partial<CorrelationPattern> = {}): CorrelationPattern =>
      ({ id, kind: "threshold", groupBy: "userId", filter: { type: "X" }, ...extra }) as CorrelationPattern;
    expect(optionsError({ patterns: [p("a"), p("a")] })).toMatch(/two patterns have the id "a"/);
    expect(optionsError({ patterns: [p("a", { filter: { correlation: "ghost" } } as never)] })).toMatch(
      /refers to correlation "ghost"/,
    );
    expect(optionsError({ patterns: [p("a"), p("b", { filter: { correlation: "a" } } as never)] })).toMatch(
      /output "event" or "both"/,
    );
    expect(
      optionsError({
        patterns: [
          p("a", { filter: { correlation: "b" }, output: "event" } as never),
          p("b", { filter: { correlation: "a" }, output: "event" } as never),
        ],
      }),
    ).toMatch(/cycle/);
  });
});

describe("pattern helpers", () => {
  it("derives threat types and canonical JSON", () => {
    expect(threatTypeOf("credential-stuffing")).toBe("CREDENTIAL_STUFFING");
    expect(threatTypeOf("--a.b c--")).toBe("A_B_C");
    expect(canonicalJson({ b: 1, a: [1, { d: undefined, c: "x" }] })).toBe('{"a":[1,{"c":"x"}],"b":1}');
  });
});
