import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";

describe("README quickstart", () => {
  it("is the code in test/fixtures/quickstart.ts, and does what its comments say", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const block = /<!-- quickstart -->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const source = readFileSync(new URL("./fixtures/quickstart.ts", import.meta.url), "utf8").replace(
      '"../../src/index.js"',
      '"@athena/filter"',
    );
    expect(block).toBe(source);

    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await import("./fixtures/quickstart.js");
    const printed = log.mock.calls.map((call) => call[0]);
    log.mockRestore();
    expect(printed[0]).toEqual({
      customer: { name: "Ada Lovelace", email: "[EMAIL_1]" },
      note: "Card [CREDIT_CARD_1], key [REDACTED:AWS_ACCESS_KEY_ID]",
    });
    expect((printed[1] as string[])[0]).toBe("$.customer.email email tokenize");
    expect(printed[2]).toEqual({ to: "ada@example.com" });
  });
});
