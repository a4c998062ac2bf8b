import { describe, expect, it } from "vitest";
import { isSandboxError, SandboxError } from "../src/index.js";

describe("SandboxError", () => {
  it("keeps code, message and cause", () => {
    const cause = new Error("root");
    const error = new SandboxError("INVALID_OPTIONS", "bad options: fix them", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("SandboxError");
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toBe("bad options: fix them");
    expect(error.cause).toBe(cause);
  });

  it("guard recognises its own errors only, also across copies", () => {
    expect(isSandboxError(new SandboxError("INVALID_OPTIONS", "x"))).toBe(true);
    expect(isSandboxError(new Error("x"))).toBe(false);
    expect(isSandboxError(null)).toBe(false);
    expect(isSandboxError({ code: "INVALID_OPTIONS" })).toBe(false);
    const foreignCopy = Object.assign(new Error("x"), { [Symbol.for("@athena/sandbox-wasm/error")]: true });
    expect(isSandboxError(foreignCopy)).toBe(true);
  });
});
