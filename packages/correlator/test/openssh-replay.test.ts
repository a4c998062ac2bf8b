/**
 * Replays a public sample of real sshd logs (loghub's OpenSSH_2k.log, see fixtures/README.md) through the correlator
 * and checks every finding against numbers this file computes on its own, with a separate, simpler parse and brute
 * force window scans that share no code with the correlator.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CorrelatedThreat, CorrelationPattern, SecurityEvent } from "../src/index.js";
import { harness } from "./helpers.js";

const raw = readFileSync(new URL("./fixtures/OpenSSH_2k.log", import.meta.url), "utf8");
// The file has Windows line endings (CRLF), as published.
const text = raw.replace(/\r\n/g, "\n");
const YEAR = 2015;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// ---------------------------------------------------------------------------------------------------------------
// Parse A: log lines → SecurityEvents (what a host would feed the correlator).
// ---------------------------------------------------------------------------------------------------------------
const LINE = /^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) \S+ sshd\[(\d+)\]: (.*)$/;
// sshd prints the attempted name verbatim: "invalid user  0101" is the name " 0101".
const FAILED = /^Failed password for (?:invalid user (.*)|(\S+)) from (\d+\.\d+\.\d+\.\d+) port \d+ ssh2$/;
const REPEATED =
  /^message repeated (\d+) times: \[ Failed password for (invalid user )?(\S+) from (\d+\.\d+\.\d+\.\d+) port/;
const ACCEPTED = /^Accepted password for (\S+) from (\d+\.\d+\.\d+\.\d+) port/;
const INVALID = /^Invalid user (.*) from (\d+\.\d+\.\d+\.\d+)\s*$/;
const BREAK_IN = /POSSIBLE BREAK-IN ATTEMPT!$/;
const BRACKET_IP = /\[(\d+\.\d+\.\d+\.\d+)\]/;

function parseLog(log: string): SecurityEvent[] {
  const events: SecurityEvent[] = [];
  for (const line of log.split("\n")) {
    const m = LINE.exec(line);
    if (m === null) continue;
    const [, mon, day, hh, mm, ss, pid, message] = m as unknown as string[];
    const timestamp = Date.UTC(YEAR, MONTHS.indexOf(mon as string), Number(day), Number(hh), Number(mm), Number(ss));
    const base = { source: "sshd", timestamp, data: { pid: Number(pid) } };
    const msg = message as string;
    const failed = FAILED.exec(msg);
    const repeated = failed === null ? REPEATED.exec(msg) : null;
    const accepted = ACCEPTED.exec(msg);
    const invalid = INVALID.exec(msg);
    const bracket = BREAK_IN.test(msg) ? BRACKET_IP.exec(msg) : null;
    if (failed !== null) {
      events.push({
        ...base,
        type: "AUTHENTICATION_FAILURE",
        severity: "medium",
        userId: (failed[1] ?? failed[2]) as string,
        ipAddress: failed[3] as string,
        data: { ...base.data, invalidUser: failed[1] !== undefined },
      });
    } else if (repeated !== null) {
      for (let i = 0; i < Number(repeated[1]); i++) {
        events.push({
          ...base,
          type: "AUTHENTICATION_FAILURE",
          severity: "medium",
          userId: repeated[3] as string,
          ipAddress: repeated[4] as string,
          data: { ...base.data, invalidUser: repeated[2] !== undefined, repeated: true },
        });
      }
    } else if (accepted !== null) {
      events.push({
        ...base,
        type: "AUTHENTICATION_SUCCESS",
        severity: "low",
        userId: accepted[1] as string,
        ipAddress: accepted[2] as string,
      });
    } else if (invalid !== null) {
      events.push({
        ...base,
        type: "SSH_INVALID_USER",
        severity: "low",
        userId: invalid[1] as string,
        ipAddress: invalid[2] as string,
      });
    } else if (bracket !== null) {
      events.push({ ...base, type: "SSH_REVERSE_MAPPING_FAILED", severity: "low", ipAddress: bracket[1] as string });
    }
  }
  return events;
}

const FIVE_MINUTES = 300_000;
const HOUR = 3_600_000;

const patterns: CorrelationPattern[] = [
  {
    id: "ssh-brute-force",
    kind: "threshold",
    groupBy: "ipAddress",
    filter: { type: "AUTHENTICATION_FAILURE" },
    threshold: 10,
    windowMs: FIVE_MINUTES,
    severity: "high",
  },
  {
    id: "ssh-user-enumeration",
    kind: "distinct",
    groupBy: "ipAddress",
    filter: { type: "AUTHENTICATION_FAILURE", where: { "data.invalidUser": true } },
    field: "userId",
    threshold: 5,
    windowMs: HOUR,
  },
  {
    id: "ssh-break-in-probe",
    kind: "sequence",
    groupBy: "ipAddress",
    windowMs: 60_000,
    steps: [
      { name: "reverse mapping failed", filter: { type: "SSH_REVERSE_MAPPING_FAILED" } },
      { name: "invalid user", filter: { type: "SSH_INVALID_USER" } },
      { name: "failed password", filter: { type: "AUTHENTICATION_FAILURE" } },
    ],
  },
  {
    id: "ssh-success-after-failures",
    kind: "sequence",
    groupBy: "ipAddress",
    windowMs: HOUR,
    steps: [{ filter: { type: "AUTHENTICATION_FAILURE" } }, { filter: { type: "AUTHENTICATION_SUCCESS" } }],
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Parse B: the same file read with plain string operations into the few facts the checks need.
// ---------------------------------------------------------------------------------------------------------------
interface Fact {
  t: number;
  kind: "fail" | "invalid" | "accept" | "breakin";
  ip: string;
  user: string;
  invalidUser: boolean;
}

function facts(log: string): Fact[] {
  const out: Fact[] = [];
  for (const line of log.split("\n")) {
    const colon = line.indexOf("]: ");
    if (colon < 0) continue;
    const [mon, day, clock] = line.slice(0, 15).split(/ +/);
    const [h, m, s] = (clock as string).split(":").map(Number);
    const t = Date.UTC(YEAR, MONTHS.indexOf(mon as string), Number(day), h, m, s);
    const msg = line.slice(colon + 3);
    const words = msg.split(" ");
    const after = (word: string): string => words[words.indexOf(word) + 1] as string;
    if (msg.startsWith("Failed password for ")) {
      const prefix = "Failed password for invalid user ";
      const invalidUser = msg.startsWith(prefix);
      const user = invalidUser ? msg.slice(prefix.length, msg.lastIndexOf(" from ")) : (words[3] as string);
      out.push({ t, kind: "fail", ip: after("from"), user, invalidUser });
    } else if (msg.startsWith("message repeated ") && msg.includes("Failed password for ")) {
      const times = Number(words[2]);
      const inner = msg.slice(msg.indexOf("[ ") + 2).split(" ");
      const invalidUser = inner[3] === "invalid";
      const user = invalidUser ? (inner[5] as string) : (inner[3] as string);
      const ip = inner[inner.indexOf("from") + 1] as string;
      for (let i = 0; i < times; i++) out.push({ t, kind: "fail", ip, user, invalidUser });
    } else if (msg.startsWith("Accepted password for ")) {
      out.push({ t, kind: "accept", ip: after("from"), user: words[3] as string, invalidUser: false });
    } else if (msg.startsWith("Invalid user ")) {
      out.push({ t, kind: "invalid", ip: words[words.length - 1] as string, user: "", invalidUser: true });
    } else if (msg.endsWith("POSSIBLE BREAK-IN ATTEMPT!")) {
      out.push({
        t,
        kind: "breakin",
        ip: msg.slice(msg.indexOf("[") + 1, msg.indexOf("]")),
        user: "",
        invalidUser: false,
      });
    }
  }
  return out;
}

/** For each IP, the first time a window of `windowMs` holds `n` of its events (brute force over all windows). */
function firstBurst(times: Map<string, number[]>, n: number, windowMs: number): Map<string, number> {
  const found = new Map<string, number>();
  for (const [ip, ts] of times) {
    for (let j = n - 1; j < ts.length; j++) {
      if ((ts[j] as number) - (ts[j - n + 1] as number) <= windowMs) {
        found.set(ip, ts[j] as number);
        break;
      }
    }
  }
  return found;
}

function group(list: Fact[], kind: Fact["kind"]): Map<string, Fact[]> {
  const byIp = new Map<string, Fact[]>();
  for (const f of list) if (f.kind === kind) byIp.set(f.ip, [...(byIp.get(f.ip) ?? []), f]);
  return byIp;
}

describe("replaying OpenSSH_2k.log (loghub)", () => {
  const events = parseLog(text);
  const known = facts(text);
  const h = harness({ patterns });
  for (const event of events) h.correlator.addEvent(event);
  const byPattern = (id: string): CorrelatedThreat[] => h.correlator.getThreats({ patternId: id });
  const firstPerKey = (threats: CorrelatedThreat[]): Map<string, number> => {
    const first = new Map<string, number>();
    for (const t of threats) if (!first.has(t.groupKey)) first.set(t.groupKey, t.detectedAt);
    return first;
  };

  it("is the file the fixture README describes", () => {
    expect(createHash("sha256").update(raw).digest("hex")).toBe(
      "1e4912727fa88245113d41b16a0cd25ceadba7f931e1c406542885b91254264f",
    );
    expect(text.split("\n")).toHaveLength(2_000);
  });

  it("parses into the events the independent reading counts", () => {
    const count = (kind: Fact["kind"]): number => known.filter((f) => f.kind === kind).length;
    const ofType = (type: string): number => events.filter((e) => e.type === type).length;
    expect(count("fail")).toBeGreaterThan(500);
    expect(ofType("AUTHENTICATION_FAILURE")).toBe(count("fail"));
    expect(ofType("AUTHENTICATION_SUCCESS")).toBe(count("accept"));
    expect(ofType("SSH_INVALID_USER")).toBe(count("invalid"));
    expect(ofType("SSH_REVERSE_MAPPING_FAILED")).toBe(count("breakin"));
    expect(h.correlator.stats()).toMatchObject({ eventsProcessed: events.length, eventsLate: 0 });
  });

  it("finds every brute-force address, each at the moment its tenth failure in five minutes happened", () => {
    const failTimes = new Map([...group(known, "fail")].map(([ip, fs]) => [ip, fs.map((f) => f.t)]));
    const expected = firstBurst(failTimes, 10, FIVE_MINUTES);
    expect(expected.size).toBeGreaterThanOrEqual(4);
    const found = firstPerKey(byPattern("ssh-brute-force"));
    expect([...found].sort()).toEqual([...expected].sort());
    // each threat's evidence is failures of its own address
    for (const threat of byPattern("ssh-brute-force")) {
      expect(threat.ioCs.filter((i) => i.type === "ip").map((i) => i.value)).toEqual([threat.groupKey]);
      expect(threat.eventCount).toBeLessThanOrEqual(failTimes.get(threat.groupKey)?.length ?? 0);
    }
    // the busiest attacker keeps going for hours: more than one threat, none overlapping its suppression window
    const busiest = [...failTimes].sort((a, b) => b[1].length - a[1].length)[0]?.[0] as string;
    const own = byPattern("ssh-brute-force").filter((t) => t.groupKey === busiest);
    expect(own.length).toBeGreaterThan(1);
    for (let i = 1; i < own.length; i++)
      expect((own[i] as CorrelatedThreat).detectedAt - (own[i - 1] as CorrelatedThreat).detectedAt).toBeGreaterThan(
        FIVE_MINUTES,
      );
  });

  it("finds every address trying five or more invalid usernames within an hour", () => {
    const expected = new Map<string, number>();
    for (const [ip, fs] of group(known, "fail")) {
      const invalid = fs.filter((f) => f.invalidUser);
      // brute force: for each failure, the distinct usernames among this address's invalid-user failures in the hour before
      for (const f of invalid) {
        const users = new Set(invalid.filter((g) => g.t <= f.t && g.t >= f.t - HOUR).map((g) => g.user));
        if (users.size >= 5) {
          expected.set(ip, f.t);
          break;
        }
      }
    }
    expect(expected.size).toBeGreaterThanOrEqual(3);
    expect([...firstPerKey(byPattern("ssh-user-enumeration"))].sort()).toEqual([...expected].sort());
    for (const threat of byPattern("ssh-user-enumeration"))
      expect(threat.affectedUsers.length).toBeGreaterThanOrEqual(5);
  });

  it("finds the reverse-mapping → invalid user → failed password probes within a minute", () => {
    // Brute force over the facts: for each failure, was there an invalid-user line, and before it a break-in warning,
    // from the same address within the minute before? Count the addresses.
    const expected = new Set<string>();
    for (const f of known.filter((x) => x.kind === "fail")) {
      const sameIp = known.filter((x) => x.ip === f.ip && x.t <= f.t && x.t >= f.t - 60_000);
      const invalid = sameIp.filter((x) => x.kind === "invalid");
      if (invalid.some((i) => sameIp.some((b) => b.kind === "breakin" && b.t <= i.t))) expected.add(f.ip);
    }
    expect(expected.size).toBeGreaterThan(0);
    const found = new Set(byPattern("ssh-break-in-probe").map((t) => t.groupKey));
    expect(found).toEqual(expected);
    const steps = ["reverse mapping failed", "invalid user", "failed password"];
    for (const threat of byPattern("ssh-break-in-probe")) {
      // one or more matches merged into the threat, each the three steps in order
      const seen = threat.timeline.filter((e) => e.kind === "event").map((e) => e.step);
      expect(seen.length % 3).toBe(0);
      expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => steps[i % 3]));
      expect(seen.length / 3).toBe(threat.matchCount);
    }
  });

  it("reports a success after failures only where the log has one", () => {
    const failedIps = new Map([...group(known, "fail")].map(([ip, fs]) => [ip, fs.map((f) => f.t)]));
    const expected = known
      .filter((f) => f.kind === "accept" && (failedIps.get(f.ip) ?? []).some((t) => t <= f.t && t >= f.t - HOUR))
      .map((f) => f.ip);
    expect(byPattern("ssh-success-after-failures").map((t) => t.groupKey)).toEqual(expected);
    expect(known.filter((f) => f.kind === "accept")).toHaveLength(1); // the sample's one accepted login is not preceded by failures
  });
});
