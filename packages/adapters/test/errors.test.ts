import { describe, expect, it, vi } from "vitest";
import { isToolError, ToolError } from "../src/index.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe("ToolError", () => {
  it("keeps code, message and cause", () => {
    const cause = new Error("root");
    const error = new ToolError("INVALID_OPTIONS", "bad options: fix them", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ToolError");
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toBe("bad options: fix them");
    expect(error.cause).toBe(cause);
  });

  it("guard recognises its own errors only, also across copies", () => {
    expect(isToolError(new ToolError("INVALID_OPTIONS", "x"))).toBe(true);
    expect(isToolError(new Error("x"))).toBe(false);
    expect(isToolError(null)).toBe(false);
    expect(isToolError({ code: "INVALID_OPTIONS" })).toBe(false);
    const foreignCopy = Object.assign(new Error("x"), { [Symbol.for("@athena/adapters/error")]: true });
    expect(isToolError(foreignCopy)).toBe(true);
  });
});
