import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createSecurityEventCorrelator,
  isCorrelatorError,
  loadSigmaRules,
  type SigmaLoadOptions,
} from "../src/index.js";
import { ev, harness, T0 } from "./helpers.js";

function ruleError(yaml: string, options?: SigmaLoadOptions): string {
  try {
    loadSigmaRules(yaml, options);
  } catch (error) {
    if (isCorrelatorError(error) && error.code === "INVALID_RULE") return error.message;
    throw error;
  }
  throw new Error("expected INVALID_RULE");
}

// The specification's own example: multiple failed logins followed by a successful login, chained.
const failedThenSuccess = `
title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
status: experimental
description: Detects multiple failed logins by a single user followed by a successful login of that user
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
falsepositives:
    - Unlikely
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
description: Detects multiple failed logins within a certain amount of time
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 10
---
title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 529
            - 4625
    condition: selection
---
title: Successful login
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
description: Detects a successful login
name: successful_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 528
            - 4624
    condition: selection
`;

describe("Sigma correlation rules", () => {
  it("loads the specification's chained example and detects failed logins followed by a success", () => {
    const patterns = loadSigmaRules(failedThenSuccess, { fieldMap: { User: "userId" } });
    expect(patterns.map((p) => [p.id, p.kind, p.output ?? "threat"])).toEqual([
      ["b180ead8-d58f-40b2-ae54-c8940995b9b6", "sequence", "threat"],
      ["multiple_failed_login", "threshold", "event"],
    ]);
    const h = harness({ patterns });
    const login = (at: number, eventId: number, user: string): void => {
      h.correlator.addEvent(ev("WINDOWS_SECURITY", at, { userId: user, data: { EventID: eventId } }));
    };
    for (let i = 0; i < 9; i++) login(i * 1_000, 4625, "alice");
    login(10_000, 4624, "alice"); // only 9 failures so far: nothing
    for (let i = 0; i < 10; i++) login(20_000 + i * 1_000, i % 2 === 0 ? 4625 : 529, "bob");
    login(40_000, 4624, "carol"); // another user
    expect(h.detected).toHaveLength(0);
    login(45_000, 528, "bob");
    expect(h.detected).toHaveLength(1);
    const [threat] = h.detected;
    expect(threat?.patternName).toBe("Correlation - Multiple Failed Logins Followed by Successful Login");
    expect(threat?.type).toBe("CORRELATION_MULTIPLE_FAILED_LOGINS_FOLLOWED_BY_SUCCESSFUL_LOGIN");
    expect(threat?.severity).toBe("high");
    expect(threat?.groupKey).toBe("bob");
    expect(threat?.events.map((e) => e.type)).toEqual(["correlation:multiple_failed_login", "WINDOWS_SECURITY"]);
    expect(threat?.recommendedActions.at(-1)).toBe("Rule out the known false positives: Unlikely");
  });

  it("runs event_count over base rules given as field matchers, with gt", () => {
    const patterns = loadSigmaRules(
      `
title: Sandbox escape attempts
name: sandbox_escapes
correlation:
  type: event_count
  rules: [violation, exhaustion]
  group-by: [sessionId]
  timespan: 30s
  condition:
    gt: 2
level: critical
`,
      {
        baseRules: {
          violation: { type: "SANDBOX_VIOLATION" },
          exhaustion: { type: "RESOURCE_EXHAUSTION", minSeverity: "high" },
        },
      },
    );
    const h = harness({ patterns });
    h.correlator.addEvent(ev("SANDBOX_VIOLATION", 0, { sessionId: "s" }));
    h.correlator.addEvent(ev("RESOURCE_EXHAUSTION", 1, { sessionId: "s", severity: "low" })); // filtered out
    h.correlator.addEvent(ev("RESOURCE_EXHAUSTION", 2, { sessionId: "s", severity: "high" }));
    expect(h.detected).toHaveLength(0); // gt 2 means 3
    h.correlator.addEvent(ev("SANDBOX_VIOLATION", 3, { sessionId: "s" }));
    expect(h.detected.map((t) => [t.patternId, t.severity, t.eventCount])).toEqual([
      ["sandbox_escapes", "critical", 3],
    ]);
  });

  it("runs value_count with condition.field", () => {
    const patterns = loadSigmaRules(
      `
title: Password spraying
correlation:
  type: value_count
  rules: [failed]
  group-by: [ipAddress]
  timespan: 1h
  condition:
    field: User
    gte: 3
---
name: failed
detection:
  selection:
    type: AUTHENTICATION_FAILURE
  condition: selection
`,
      { fieldMap: { User: "userId" } },
    );
    expect(patterns[0]).toMatchObject({ id: "Password_spraying", kind: "distinct", field: "userId", threshold: 3 });
    const h = harness({ patterns });
    for (const user of ["a", "b", "a", "c"])
      h.correlator.addEvent(ev("AUTHENTICATION_FAILURE", 0, { ipAddress: "192.0.2.5", userId: user }));
    expect(h.detected.map((t) => [...t.affectedUsers].sort())).toEqual([["a", "b", "c"]]);
  });

  it("runs temporal rules with aliases: one address seen in different fields by different rules", () => {
    const patterns = loadSigmaRules(`
title: Error then connection
name: error_then_connection
correlation:
    type: temporal
    rules:
        - internal_error
        - new_network_connection
    group-by:
        - internal_ip
        - remote_ip
    timespan: 10s
    aliases:
        internal_ip:
            internal_error: destination.ip
            new_network_connection: source.ip
        remote_ip:
            internal_error: source.ip
            new_network_connection: destination.ip
---
name: internal_error
detection:
    selection:
        http.response.status_code: 500
    condition: selection
---
name: new_network_connection
detection:
    selection:
        event.category: network
        event.type: connection
        event.outcome: success
    condition: selection
`);
    const h = harness({ patterns });
    const error = (at: number, src: string, dst: string): void => {
      h.correlator.addEvent(
        ev("HTTP", at, {
          data: { http: { response: { status_code: 500 } }, source: { ip: src }, destination: { ip: dst } },
        }),
      );
    };
    const connection = (at: number, src: string, dst: string): void => {
      h.correlator.addEvent(
        ev("NET", at, {
          data: {
            event: { category: "network", type: "connection", outcome: "success" },
            source: { ip: src },
            destination: { ip: dst },
          },
        }),
      );
    };
    connection(0, "10.0.0.5", "203.0.113.9"); // internal 10.0.0.5, remote 203.0.113.9
    error(1_000, "203.0.113.10", "10.0.0.5"); // another remote address: no match
    expect(h.detected).toHaveLength(0);
    error(2_000, "203.0.113.9", "10.0.0.5"); // the same pair seen from the other side
    expect(h.detected.map((t) => t.groupKey)).toEqual(["10.0.0.5\u001f203.0.113.9"]);
    expect(h.detected[0]?.groupBy).toEqual(["internal_ip", "remote_ip"]);
  });

  it("runs temporal rules with a condition: any 2 of 3 rules", () => {
    const patterns = loadSigmaRules(
      `
title: Recon
correlation:
  type: temporal
  rules: [a, b, c]
  group-by: [userId]
  timespan: 5m
  condition:
    gte: 2
`,
      { baseRules: { a: { type: "A" }, b: { type: "B" }, c: { type: "C" } } },
    );
    expect(patterns[0]).toMatchObject({ kind: "sequence", ordered: false, minSteps: 2 });
    const h = harness({ patterns });
    h.correlator.addEvent(ev("C", 0, { userId: "u" }));
    h.correlator.addEvent(ev("A", 1, { userId: "u" }));
    expect(h.detected).toHaveLength(1);
  });

  it("supports the detection modifiers, wildcards and conditions it documents", () => {
    const patterns = loadSigmaRules(`
title: Suspicious tool use
correlation:
  type: event_count
  rules: [suspicious]
  group-by: [userId]
  timespan: 1m
  condition: { gte: 1 }
---
name: suspicious
detection:
  sel_tool:
    tool|startswith: 'filesystem/'
  sel_path:
    path|endswith:
      - '/passwd'
      - '/shadow'
  sel_words:
    command|contains|all:
      - curl
      - '| sh'
  sel_wild:
    command: 'wget *'
  sel_re:
    command|re: '^nc\\s+-e'
  sel_net:
    ipAddress|cidr: 198.51.100.0/24
  sel_big:
    bytes|gte: 1000000
  sel_cased:
    marker|cased: Secret
  filter_ok:
    approved: true
  filter_missing:
    ticket|exists: true
  condition: (sel_tool and sel_path) or 1 of sel_w* or sel_re or (sel_net and sel_big) or sel_cased and not 1 of filter_*
`);
    const h = harness({ patterns });
    const hit = (data: Record<string, unknown>, ip?: string): boolean => {
      const before = h.detected.length;
      h.correlator.addEvent(
        ev("TOOL", 0, { userId: `u${before}-${Math.random()}`, data, ...(ip ? { ipAddress: ip } : {}) }),
      );
      return h.detected.length > before;
    };
    expect(hit({ tool: "FileSystem/read", path: "/etc/passwd" })).toBe(true); // case-insensitive by default
    expect(hit({ tool: "filesystem/read", path: "/etc/hosts" })).toBe(false);
    expect(hit({ command: "curl http://x | sh" })).toBe(true);
    expect(hit({ command: "curl http://x" })).toBe(false);
    expect(hit({ command: "WGET http://x" })).toBe(true);
    expect(hit({ command: "nc -e /bin/sh" })).toBe(true);
    expect(hit({ bytes: 2_000_000 }, "198.51.100.7")).toBe(true);
    expect(hit({ bytes: 2_000_000 }, "192.0.2.7")).toBe(false);
    expect(hit({ marker: "Secret" })).toBe(true);
    expect(hit({ marker: "secret" })).toBe(false);
    expect(hit({ marker: "Secret", approved: true })).toBe(false);
    expect(hit({ marker: "Secret", ticket: "T-1" })).toBe(false);
  });

  it("supports `all of them`, lists of maps, and null for a missing field", () => {
    const patterns = loadSigmaRules(`
title: t
correlation: { type: event_count, rules: [r], group-by: [userId], timespan: 1m, condition: { gte: 1 } }
---
name: r
detection:
  one:
    - kind: a
    - kind: b
  two:
    reason: null
  condition: all of them
`);
    const h = harness({ patterns });
    h.correlator.addEvent(ev("X", 0, { userId: "u1", data: { kind: "b" } }));
    h.correlator.addEvent(ev("X", 0, { userId: "u2", data: { kind: "b", reason: "r" } }));
    h.correlator.addEvent(ev("X", 0, { userId: "u3", data: { kind: "c" } }));
    expect(h.detected.map((t) => t.groupKey)).toEqual(["u1"]);
  });

  const minimal = (correlation: string, extra = ""): string =>
    `title: t\ncorrelation:\n${correlation}\n${extra}\n---\nname: r\ndetection:\n  s:\n    type: X\n  condition: s\n`;

  const unsupported: [string, string, RegExp][] = [
    [
      "an upper bound on event_count",
      minimal("  type: event_count\n  rules: [r]\n  timespan: 1m\n  condition: { lt: 5 }"),
      /upper bound/,
    ],
    ["value_sum", minimal("  type: value_sum\n  rules: [r]\n  timespan: 1m\n  condition: { gte: 5 }"), /value_sum/],
    [
      "a bad timespan",
      minimal("  type: event_count\n  rules: [r]\n  timespan: 1 hour\n  condition: { gte: 5 }"),
      /timespan/,
    ],
    [
      "a missing rule",
      minimal("  type: event_count\n  rules: [nope]\n  timespan: 1m\n  condition: { gte: 5 }"),
      /"nope"/,
    ],
    [
      "value_count without field",
      minimal("  type: value_count\n  rules: [r]\n  timespan: 1m\n  condition: { gte: 5 }"),
      /field/,
    ],
    [
      "temporal_ordered with fewer rules than listed",
      minimal("  type: temporal_ordered\n  rules: [r, r]\n  timespan: 1m\n  condition: { gte: 1 }"),
      /temporal_ordered/,
    ],
    [
      "a bad level",
      minimal("  type: event_count\n  rules: [r]\n  timespan: 1m\n  condition: { gte: 5 }", "level: severe"),
      /level/,
    ],
  ];
  it.each(unsupported)("refuses %s with INVALID_RULE", (_, yaml, message) => {
    expect(ruleError(yaml)).toMatch(message);
  });

  const badDetections: [string, string, RegExp][] = [
    ["an unsupported modifier", "    field|base64: x", /modifier "base64" is not supported/],
    ["keyword lists", "    - evil", /keyword/],
    ["an unknown selection in the condition", "    type: X\n  condition: nope", /not a selection/],
    ["an obsolete aggregation", "    type: X\n  condition: s | count() > 5", /obsolete/],
    ["a bad regex", "    field|re: '('", /Invalid regular expression|Unterminated/],
    ["a bad cidr", "    ip|cidr: 10.0.0/8", /CIDR/],
  ];
  it.each(badDetections)("refuses a detection with %s", (_, selection, message) => {
    const condition = selection.includes("condition:") ? "" : "\n  condition: s";
    const yaml = `title: t\ncorrelation: { type: event_count, rules: [r], timespan: 1m, condition: { gte: 1 } }\n---\nname: r\ndetection:\n  s:\n${selection}${condition}\n`;
    expect(ruleError(yaml)).toMatch(message);
  });

  it("refuses invalid YAML, documents without a correlation, and duplicate names", () => {
    expect(ruleError("title: [unclosed")).toMatch(/invalid YAML/);
    expect(ruleError("title: *nowhere")).toMatch(/invalid YAML/);
    const laughs = `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from(
      { length: 12 },
      (_, i) =>
        `b${i}: &b${i} [${Array(10)
          .fill(i === 0 ? "*a" : `*b${i - 1}`)
          .join(", ")}]`,
    ).join("\n")}\n`;
    expect(ruleError(laughs)).toMatch(/invalid YAML/);
    expect(ruleError("name: r\ndetection:\n  s:\n    type: X\n  condition: s\n")).toMatch(/no correlation rule/);
    expect(ruleError("title: t\nfoo: bar\n")).toMatch(/neither a correlation rule/);
    expect(
      ruleError(
        `${minimal("  type: event_count\n  rules: [r]\n  timespan: 1m\n  condition: { gte: 1 }")}---\nname: r\ndetection: { s: { type: Y }, condition: s }\n`,
      ),
    ).toMatch(/used by two documents/);
  });

  it("chained rules that refer to each other in a cycle are refused when the correlator is created", () => {
    const patterns = loadSigmaRules(`
title: a
name: a
correlation: { type: event_count, rules: [b], timespan: 1m, condition: { gte: 1 } }
---
title: b
name: b
correlation: { type: event_count, rules: [a], timespan: 1m, condition: { gte: 1 } }
`);
    expect(() => createSecurityEventCorrelator({ patterns })).toThrow(/cycle/);
  });

  it("uses the event time of the matched events for detection", () => {
    const patterns = loadSigmaRules(
      minimal("  type: event_count\n  rules: [r]\n  group-by: [userId]\n  timespan: 1m\n  condition: { gte: 2 }"),
    );
    const h = harness({ patterns });
    h.correlator.addEvent(ev("X", 0, { userId: "u" }));
    h.correlator.addEvent(ev("X", 61_000, { userId: "u" }));
    h.correlator.addEvent(ev("X", 62_000, { userId: "u" }));
    expect(h.detected.map((t) => t.detectedAt - T0)).toEqual([62_000]);
  });
});

describe("Sigma loader on untrusted input", () => {
  const accepts = (yaml: string): boolean => {
    try {
      loadSigmaRules(yaml, { baseRules: { r: { type: "X" } } });
      return true;
    } catch (error) {
      if (isCorrelatorError(error) && error.code === "INVALID_RULE") return false;
      throw error;
    }
  };

  it("property: arbitrary text either loads or fails with INVALID_RULE", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        accepts(text);
      }),
    );
  });

  it("property: arbitrary correlation-shaped documents either load or fail with INVALID_RULE", () => {
    const scalar = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.integer({ min: -5, max: 50 }),
      fc.boolean(),
      fc.constant(null),
    );
    const correlation = fc.record(
      {
        type: fc.oneof(
          fc.constantFrom("event_count", "value_count", "temporal", "temporal_ordered", "value_sum"),
          scalar,
        ),
        rules: fc.oneof(fc.constant(["r"]), fc.array(fc.oneof(fc.constant("r"), scalar), { maxLength: 3 }), scalar),
        "group-by": fc.oneof(fc.array(fc.constantFrom("userId", "ipAddress", "User", "a.b"), { maxLength: 2 }), scalar),
        timespan: fc.oneof(fc.constantFrom("10s", "5m", "1h", "2d", "0m", "1y"), scalar),
        condition: fc.oneof(
          fc.dictionary(fc.constantFrom("gte", "gt", "lt", "lte", "eq", "field", "x"), scalar, { maxKeys: 3 }),
          scalar,
        ),
        aliases: fc.oneof(fc.dictionary(fc.string({ maxLength: 5 }), fc.dictionary(fc.constant("r"), scalar)), scalar),
      },
      { requiredKeys: [] },
    );
    const detection = fc.dictionary(
      fc.oneof(fc.constantFrom("condition", "sel", "filter"), fc.string({ maxLength: 6 })),
      fc.oneof(
        fc.dictionary(
          fc.oneof(
            fc.constantFrom("a", "b|contains", "c|re", "d|cidr", "e|gt", "f|base64", "g|all|endswith"),
            fc.string({ maxLength: 6 }),
          ),
          fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })),
        ),
        fc.constantFrom("sel", "sel and not filter", "1 of sel*", "all of them", "(sel", "sel or", "nope"),
        scalar,
      ),
      { maxKeys: 4 },
    );
    fc.assert(
      fc.property(
        correlation,
        fc.option(detection),
        fc.option(fc.constantFrom("low", "high", "extreme")),
        (c, d, level) => {
          const docs: unknown[] = [{ title: "t", correlation: c, ...(level === null ? {} : { level }) }];
          if (d !== null) docs.push({ name: "r2", detection: d });
          const yaml = docs.map((doc) => JSON.stringify(doc)).join("\n---\n");
          if (accepts(yaml)) {
            // whatever loads must also be accepted by the correlator, or refused with INVALID_OPTIONS
            try {
              createSecurityEventCorrelator({ patterns: loadSigmaRules(yaml, { baseRules: { r: { type: "X" } } }) });
            } catch (error) {
              if (!(isCorrelatorError(error) && error.code === "INVALID_OPTIONS")) throw error;
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
