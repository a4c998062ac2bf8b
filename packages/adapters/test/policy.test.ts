import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { compileGlob, DEFAULT_DENY_PATTERNS } from "../src/index.js";
import { compilePolicy } from "../src/policy.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe("compileGlob", () => {
  it("matches * within one segment, ** across, ? one character, alternatives", () => {
    expect(compileGlob("memory/*").test("memory/read_graph")).toBe(true);
    expect(compileGlob("memory/*").test("memory/a/b")).toBe(false);
    expect(compileGlob("memory/*").test("memoryX/read")).toBe(false);
    expect(compileGlob("**").test("a/b/c")).toBe(true);
    expect(compileGlob("a/**").test("a/b/c")).toBe(true);
    expect(compileGlob("read_?").test("read_x")).toBe(true);
    expect(compileGlob("read_?").test("read_xy")).toBe(false);
    expect(compileGlob("db/(drop|truncate)").test("db/drop")).toBe(true);
    expect(compileGlob("db/{drop,truncate}").test("db/truncate")).toBe(true);
    expect(compileGlob("db/(drop|truncate)").test("db/dropped")).toBe(false);
    expect(compileGlob("a.b/c+d").test("a.b/c+d")).toBe(true);
    expect(compileGlob("a.b/c+d").test("aXb/c+d")).toBe(false);
    expect(compileGlob("a,b").test("a,b")).toBe(true);
    expect(compileGlob("ADMIN/*", true).test("admin/x")).toBe(true);
  });

  it("throws on unbalanced groups", () => {
    expect(() => compileGlob("a/(b|c")).toThrow(/unclosed/);
    expect(() => compileGlob("a/b)")).toThrow(/unbalanced/);
  });

  it("treats every character of a pattern without wildcards literally (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-ascii", maxLength: 30 }), (text) => {
        const literal = text.replace(/[*?(){}|,]/g, "");
        expect(compileGlob(literal).test(literal)).toBe(true);
        expect(compileGlob(literal).test(`${literal}x`)).toBe(false);
      }),
    );
  });
});

describe("compilePolicy", () => {
  const segment = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
  const allowPattern = fc.oneof(
    fc.constant("**"),
    fc.constant("*/*"),
    segment.map((s) => `${s}/*`),
    fc.tuple(segment, segment).map(([a, b]) => `${a}/${b}`),
  );

  it("lets the default deny patterns win over any allow list (property)", () => {
    const deniedIds = fc.oneof(
      fc
        .tuple(fc.constantFrom("admin", "config", "security", "ADMIN", "Security"), segment)
        .map(([s, n]) => `${s}/${n}`),
      fc.constantFrom(
        "database/truncate",
        "database/drop",
        "database/RESET",
        "system/shutdown",
        "system/restart",
        "system/reset_database",
      ),
    );
    fc.assert(
      fc.property(fc.array(allowPattern, { maxLength: 6 }), deniedIds, fc.boolean(), (allow, id, destructive) => {
        const policy = compilePolicy([...allow, id], [], [...allow, id]);
        const decision = policy.decide(id, destructive);
        expect(decision).toMatchObject({ allowed: false, reason: "deny_pattern" });
      }),
    );
  });

  it("allows a non-destructive id exactly when an allow pattern matches and no deny does (property)", () => {
    fc.assert(
      fc.property(fc.array(allowPattern, { maxLength: 4 }), segment, segment, (allow, server, name) => {
        const id = `${server}/${name}`;
        const decision = compilePolicy(allow, [], []).decide(id, false);
        const denied = DEFAULT_DENY_PATTERNS.some((p) => compileGlob(p, true).test(id));
        const allowed = allow.some((p) => compileGlob(p).test(id));
        expect(decision.allowed).toBe(!denied && allowed);
      }),
    );
  });

  it("needs an exact id or allowDestructive for a destructive tool (property)", () => {
    fc.assert(
      fc.property(segment, segment, (server, name) => {
        fc.pre(!["admin", "config", "security", "database", "system"].includes(server.toLowerCase()));
        const id = `${server}/${name}`;
        expect(compilePolicy(["**", `${server}/*`], [], []).decide(id, true).allowed).toBe(false);
        expect(compilePolicy([id], [], []).decide(id, true).allowed).toBe(true);
        expect(compilePolicy([], [], [`${server}/*`]).decide(id, true).allowed).toBe(true);
      }),
    );
  });
});
