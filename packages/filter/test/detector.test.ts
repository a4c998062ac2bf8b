import { describe, expect, it } from "vitest";
import {
  createDataTokenizer,
  createSensitiveFieldDetector,
  createTokenVault,
  listSensitiveTypes,
} from "../src/index.js";

describe("createSensitiveFieldDetector", () => {
  it("detect() reports without changing anything or issuing placeholders", () => {
    const vault = createTokenVault();
    const detector = createSensitiveFieldDetector({ vault, actions: { pii: "tokenize" } });
    const findings = detector.detect({ user: { email: "ada@example.com" }, note: "ip 203.0.113.9" });
    expect(findings.map((f) => [f.path, f.type, f.action])).toEqual([
      ["$.user.email", "email", "tokenize"],
      ["$.note", "ipv4", "tokenize"],
    ]);
    expect(vault.size).toBe(0);
  });

  it("scanText() gives types and offsets", () => {
    const text = "key AKIAZ7Q2RL5XW3MNBV4P and ada@example.com";
    const matches = createSensitiveFieldDetector().scanText(text);
    expect(matches.map((m) => [m.type, text.slice(m.start, m.end)])).toEqual([
      ["aws_access_key_id", "AKIAZ7Q2RL5XW3MNBV4P"],
      ["email", "ada@example.com"],
    ]);
    expect(createSensitiveFieldDetector({ disabledTypes: ["email"] }).scanText(text)).toHaveLength(1);
  });

  it("lists more than 40 types, each with a category and label", () => {
    const types = listSensitiveTypes();
    expect(types.length).toBeGreaterThan(40);
    for (const t of types) expect(t.label).toBe(t.type.toUpperCase());
    expect(new Set(types.map((t) => t.category))).toEqual(new Set(["secret", "pii"]));
  });

  it("rejects unknown types and bad options with a readable message", () => {
    expect(() => createSensitiveFieldDetector({ actions: { emial: "mask" } })).toThrowError(
      /Unknown sensitive type "emial"/,
    );
    expect(() => createSensitiveFieldDetector({ hmacKey: "short" })).toThrowError(/16\+ characters/);
    expect(() => createSensitiveFieldDetector({ hashLength: 3 })).toThrowError(/hashLength/);
    expect(() => createSensitiveFieldDetector({ fieldNames: { emp: "Bad Type" } })).toThrowError(/snake_case/);
  });
});

describe("createDataTokenizer", () => {
  it("tokenizes every finding, secrets included, and detokenizes them back", () => {
    const tokenizer = createDataTokenizer();
    const input = { password: "hunter2", note: "token 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" };
    const safe = tokenizer.tokenize(input) as Record<string, string>;
    expect(safe.password).toBe("[PASSWORD_1]");
    expect(safe.note).toMatch(/^token \[(GITHUB_PAT|ACCESS_TOKEN)_1\]$|^token ghp_/);
    expect(tokenizer.detokenize(safe)).toEqual(input);
    expect(tokenizer.vault.size).toBeGreaterThanOrEqual(1);
  });
});
