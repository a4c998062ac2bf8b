import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { mask } from "../src/actions.js";
import { createFilterPipeline, createTokenVault } from "../src/index.js";

describe("actions", () => {
  it("mask keeps only what is commonly shown, never a secret's length", () => {
    expect(mask("email", "ada@example.com")).toBe("a***@example.com");
    expect(mask("credit_card", "4111 1111 1111 1234")).toBe("**** **** **** 1234");
    expect(mask("phone", "+44 20 7946 0958")).toBe("+** ** **** **58");
    expect(mask("us_ssn", "123-45-6789")).toBe("***-**-6789");
    expect(mask("iban", "DE89 3704 0044 0532 0130 00")).toBe("DE** **** **** **** **30 00");
    expect(mask("ipv4", "203.0.113.9")).toBe("203.0.*.*");
    expect(mask("github_pat", "ghp_abcdefghijklmnopqrstuvwxyz0123456789")).toBe("ghp_********");
    expect(mask("password", "short")).toBe("********");
    expect(mask("password", "a much longer password indeed")).toBe("********");
  });

  it("hash is a keyed HMAC-SHA-256: stable per key, different across keys, never a bare SHA-256", () => {
    const key = "0123456789abcdef-key";
    const a = createFilterPipeline({ hmacKey: key, actions: { email: "hash" } });
    const b = createFilterPipeline({ hmacKey: key, actions: { email: "hash" } });
    const other = createFilterPipeline({ hmacKey: "another key, 16+ chars", actions: { email: "hash" } });
    const random = createFilterPipeline({ actions: { email: "hash" } });
    const hashOf = (pipeline: typeof a) =>
      (pipeline.apply({ email: "ada@example.com" }).data as { email: string }).email;
    const expected = bytesToHex(hmac(sha256, utf8ToBytes(key), utf8ToBytes("ada@example.com"))).slice(0, 16);
    expect(hashOf(a)).toBe(`[HASH:EMAIL:${expected}]`);
    expect(hashOf(b)).toBe(hashOf(a));
    expect(hashOf(other)).not.toBe(hashOf(a));
    expect(hashOf(random)).not.toBe(hashOf(a));
    expect(hashOf(random)).toBe(hashOf(random)); // stable within one pipeline
    const bare = bytesToHex(sha256(utf8ToBytes("ada@example.com"))).slice(0, 16);
    expect(hashOf(a)).not.toContain(bare);
  });

  it("actions per type and per category, type winning over category", () => {
    const vault = createTokenVault();
    const pipeline = createFilterPipeline({
      vault,
      actions: { pii: "mask", email: "tokenize", ipv4: "off", secret: "keep" },
    });
    const result = pipeline.apply({
      email: "ada@example.com",
      phone: "+44 20 7946 0958",
      ip: "203.0.113.9",
      note: "203.0.113.9",
      password: "x1",
    });
    expect(result.data).toEqual({
      email: "[EMAIL_1]",
      phone: "+** ** **** **58",
      ip: "203.0.*.*",
      note: "203.0.113.9",
      password: "x1",
    });
    expect(result.findings.find((f) => f.type === "password")?.action).toBe("keep");
    expect(result.findings.find((f) => f.type === "password")?.replacement).toBeUndefined();
  });
});
