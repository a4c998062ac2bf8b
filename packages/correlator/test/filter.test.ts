import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkPath,
  compileAccessor,
  compileFilter,
  type EventFilter,
  filterTypes,
  keyText,
  parseCidr,
} from "../src/filter.js";
import { ev } from "./helpers.js";

const matches = (filter: EventFilter, event = ev("X", 0)): boolean => compileFilter(filter)(event);

describe("compileFilter", () => {
  const e = ev("AUTHENTICATION_FAILURE", 0, {
    source: "sshd",
    severity: "high",
    userId: "Root",
    ipAddress: "10.1.2.3",
    data: { port: 22, tags: ["ssh", "preauth"], nested: { path: "/etc/passwd" }, code: "4625" },
  });

  it("matches type, source and minimum severity", () => {
    expect(matches({ type: "AUTHENTICATION_FAILURE" }, e)).toBe(true);
    expect(matches({ type: ["A", "AUTHENTICATION_FAILURE"] }, e)).toBe(true);
    expect(matches({ type: "A" }, e)).toBe(false);
    expect(matches({ source: ["sshd"] }, e)).toBe(true);
    expect(matches({ minSeverity: "high" }, e)).toBe(true);
    expect(matches({ minSeverity: "critical" }, e)).toBe(false);
    expect(matches({}, e)).toBe(true);
  });

  it("compares fields by value, list, and operators", () => {
    expect(matches({ where: { userId: "Root" } }, e)).toBe(true);
    expect(matches({ where: { userId: "root" } }, e)).toBe(false);
    expect(matches({ where: { userId: { equals: "root", ignoreCase: true } } }, e)).toBe(true);
    expect(matches({ where: { userId: ["admin", "Root"] } }, e)).toBe(true);
    expect(matches({ where: { "data.port": { gte: 22, lt: 23 } } }, e)).toBe(true);
    expect(matches({ where: { "data.port": { gt: 22 } } }, e)).toBe(false);
    expect(matches({ where: { "data.code": 4625 } }, e)).toBe(true); // numeric text equals the number
    expect(matches({ where: { "data.code": { lte: 4625 } } }, e)).toBe(true);
    expect(matches({ where: { "data.nested.path": { startsWith: "/etc/" } } }, e)).toBe(true);
    expect(matches({ where: { "data.nested.path": { endsWith: ["shadow", "passwd"] } } }, e)).toBe(true);
    expect(matches({ where: { "data.nested.path": { contains: ["etc", "shadow"], all: true } } }, e)).toBe(false);
    expect(matches({ where: { "data.nested.path": { matches: "^/etc/p" } } }, e)).toBe(true);
    expect(matches({ where: { "data.missing": { exists: false } } }, e)).toBe(true);
    expect(matches({ where: { "data.port": { exists: false } } }, e)).toBe(false);
    expect(matches({ where: { userId: { notIn: ["root"], ignoreCase: true } } }, e)).toBe(false);
    expect(matches({ where: { sessionId: { notIn: ["x"] } } }, e)).toBe(true);
    expect(matches({ where: { ipAddress: { cidr: "10.0.0.0/8" } } }, e)).toBe(true);
    expect(matches({ where: { ipAddress: { cidr: ["192.168.0.0/16", "10.1.2.0/24"] } } }, e)).toBe(true);
    expect(matches({ where: { ipAddress: { cidr: "10.1.3.0/24" } } }, e)).toBe(false);
  });

  it("matches any element of an array field", () => {
    expect(matches({ where: { "data.tags": "preauth" } }, e)).toBe(true);
    expect(matches({ where: { "data.tags": { startsWith: "pre" } } }, e)).toBe(true);
    expect(matches({ where: { "data.tags": "none" } }, e)).toBe(false);
  });

  it("combines with all, any and not", () => {
    expect(matches({ all: [{ type: "AUTHENTICATION_FAILURE" }, { where: { userId: "Root" } }] }, e)).toBe(true);
    expect(matches({ any: [{ type: "NOPE" }, { where: { userId: "Root" } }] }, e)).toBe(true);
    expect(matches({ not: { type: "AUTHENTICATION_FAILURE" } }, e)).toBe(false);
    expect(matches({ type: "AUTHENTICATION_FAILURE", not: { where: { "data.port": 22 } } }, e)).toBe(false);
  });

  it("never reads through prototypes", () => {
    expect(checkPath("data.__proto__")).toMatch(/reserved/);
    expect(checkPath("data..x")).toMatch(/empty segment/);
    expect(compileAccessor("data.toString")(e)).toBeUndefined();
    expect(compileAccessor("data.nested.constructor")(e)).toBeUndefined();
  });

  it("indexes by the types a filter can accept", () => {
    expect(filterTypes({ type: ["A", "B"] })).toEqual(new Set(["A", "B"]));
    expect(filterTypes({ any: [{ type: "A" }, { type: "C" }] })).toEqual(new Set(["A", "C"]));
    expect(filterTypes({ any: [{ type: "A" }, { source: "s" }] })).toBeUndefined();
    expect(filterTypes({ type: ["A", "B"], all: [{ type: ["B", "C"] }] })).toEqual(new Set(["B"]));
    expect(filterTypes({ not: { type: "A" } })).toBeUndefined();
    expect(filterTypes({ correlation: "inner" })).toEqual(new Set(["correlation:inner"]));
  });

  it("turns values into group keys", () => {
    expect(keyText("a")).toBe("a");
    expect(keyText(5)).toBe("5");
    expect(keyText(true)).toBe("true");
    expect(keyText(Number.NaN)).toBeUndefined();
    expect(keyText(null)).toBeUndefined();
    expect(keyText({})).toBeUndefined();
  });

  it("parses IPv4 CIDR ranges and refuses malformed ones", () => {
    expect(parseCidr("10.0.0.0/8")).toEqual({ network: 10 * 2 ** 24, size: 2 ** 24 });
    expect(parseCidr("10.0.0.7/32")?.size).toBe(1);
    expect(parseCidr("300.0.0.0/8")).toBeUndefined();
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseCidr("::1/128")).toBeUndefined();
  });
});

describe("compileFilter properties", () => {
  it("string operators agree with the plain String methods, with and without ignoreCase", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ maxLength: 4 }), fc.boolean(), (value, needle, ignoreCase) => {
        const event = ev("X", 0, { data: { v: value } });
        const h = ignoreCase ? value.toLowerCase() : value;
        const n = ignoreCase ? needle.toLowerCase() : needle;
        expect(matches({ where: { "data.v": { contains: needle, ignoreCase } } }, event)).toBe(h.includes(n));
        expect(matches({ where: { "data.v": { startsWith: needle, ignoreCase } } }, event)).toBe(h.startsWith(n));
        expect(matches({ where: { "data.v": { endsWith: needle, ignoreCase } } }, event)).toBe(h.endsWith(n));
      }),
    );
  });

  it("numeric comparisons agree with <, <=, >, >=", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (value, bound) => {
        const event = ev("X", 0, { data: { v: value } });
        expect(matches({ where: { "data.v": { gt: bound } } }, event)).toBe(value > bound);
        expect(matches({ where: { "data.v": { gte: bound } } }, event)).toBe(value >= bound);
        expect(matches({ where: { "data.v": { lt: bound } } }, event)).toBe(value < bound);
        expect(matches({ where: { "data.v": { lte: bound } } }, event)).toBe(value <= bound);
      }),
    );
  });

  it("cidr agrees with a bit-mask comparison", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, net, bits) => {
        const toInt = (s: string): number => s.split(".").reduce((a, p) => a * 256 + Number(p), 0);
        const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
        const expected = (toInt(ip) & mask) >>> 0 === (toInt(net) & mask) >>> 0;
        expect(matches({ where: { ipAddress: { cidr: `${net}/${bits}` } } }, ev("X", 0, { ipAddress: ip }))).toBe(
          expected,
        );
      }),
    );
  });

  it("never throws on arbitrary data, whatever the filter reads", () => {
    const filter = compileFilter({
      where: {
        "data.a.b": { contains: "x", gt: 1 },
        "data.a": ["x", 1, null],
        "data.c": { exists: true, matches: "^.$" },
      },
    });
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything()), (data) => {
        expect(typeof filter(ev("X", 0, { data }))).toBe("boolean");
      }),
    );
  });
});
