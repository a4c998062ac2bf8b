import { describe, expect, it } from "vitest";
import { createTokenVault, isFilterError } from "../src/index.js";

describe("createTokenVault", () => {
  it("tokenizes nested data by field name and by value, and detokenize restores it exactly", () => {
    const vault = createTokenVault();
    const input = {
      customer: { email: "ada@example.com", phone: "+44 20 7946 0958" },
      note: "Write to bob@example.org about card 4111 1111 1111 1111",
      ids: [1, 2, 3],
    };
    const copy = structuredClone(input);
    const safe = vault.tokenize(input) as typeof input;
    expect(input).toEqual(copy); // never mutated
    expect(safe.customer.email).toBe("[EMAIL_1]");
    expect(safe.customer.phone).toBe("[PHONE_1]");
    expect(safe.note).toBe("Write to [EMAIL_2] about card [CREDIT_CARD_1]");
    expect(safe.ids).toEqual([1, 2, 3]);
    expect(vault.detokenize(safe)).toEqual(input);
  });

  it("gives one value one placeholder, and restores only placeholders it issued", () => {
    const vault = createTokenVault();
    const a = vault.tokenize({ to: "ada@example.com", cc: "ada@example.com" }) as Record<string, string>;
    expect(a.to).toBe("[EMAIL_1]");
    expect(a.cc).toBe("[EMAIL_1]");
    expect(vault.issue("email", "ada@example.com")).toBe("[EMAIL_1]");
    expect(vault.detokenize({ to: "[EMAIL_1]", other: "[EMAIL_9]", text: "to [EMAIL_1] and [PHONE_3]" })).toEqual({
      to: "ada@example.com",
      other: "[EMAIL_9]",
      text: "to ada@example.com and [PHONE_3]",
    });
    const other = createTokenVault();
    expect(other.detokenize("[EMAIL_1]")).toBe("[EMAIL_1]");
  });

  it("escapes placeholder-shaped text it did not issue, so round trips stay exact", () => {
    const vault = createTokenVault();
    vault.issue("email", "ada@example.com"); // [EMAIL_1] now means ada
    const input = { literal: "see [EMAIL_2] and [PHONE_1]", mail: "bob@example.org" };
    const safe = vault.tokenize(input) as Record<string, string>;
    expect(safe.literal).not.toContain("[EMAIL_2]");
    expect(vault.detokenize(safe)).toEqual(input);
    // A placeholder the vault issued is kept as the token it is (tokenizing twice changes nothing).
    expect(vault.tokenize({ text: "hi [EMAIL_1]" })).toEqual({ text: "hi [EMAIL_1]" });
  });

  it("restores numbers under sensitive names as numbers", () => {
    const vault = createTokenVault();
    const input = { ssn: 123456789, pin: 4321, amount: 10 };
    const safe = vault.tokenize(input) as Record<string, unknown>;
    expect(typeof safe.ssn).toBe("string");
    expect(safe.amount).toBe(10);
    expect(vault.detokenize(safe)).toEqual(input);
  });

  it("falls back to redaction when full, and reports its size", () => {
    const vault = createTokenVault({ maxEntries: 1 });
    const safe = vault.tokenize({ a: "ada@example.com", b: "bob@example.org" }) as Record<string, string>;
    expect(safe.a).toBe("[EMAIL_1]");
    expect(safe.b).toBe("[REDACTED:EMAIL]");
    expect(vault.size).toBe(1);
    expect(vault.issue("email", "carol@example.net")).toBeUndefined();
  });

  it("throws DISPOSED after dispose, which is idempotent", () => {
    const vault = createTokenVault();
    vault.tokenize({ email: "ada@example.com" });
    vault.dispose();
    vault.dispose();
    vault[Symbol.dispose]();
    expect(vault.size).toBe(0);
    let caught: unknown;
    try {
      vault.detokenize("[EMAIL_1]");
    } catch (error) {
      caught = error;
    }
    expect(isFilterError(caught) && caught.code === "DISPOSED").toBe(true);
  });

  it("rejects bad options with INVALID_OPTIONS", () => {
    expect(() => createTokenVault({ maxEntries: 0 })).toThrowError(/maxEntries/);
    expect(() => createTokenVault({ disabledTypes: ["emial"] })).toThrowError(/Unknown sensitive type "emial"/);
    expect(() => createTokenVault({ nope: true } as never)).toThrowError(/nope/);
  });
});
