import { describe, expect, it } from "vitest";
import { CorrelatorError, isCorrelatorError } from "../src/index.js";

describe("CorrelatorError", () => {
  it("keeps code, message and cause", () => {
    const cause = new Error("root");
    const error = new CorrelatorError("INVALID_OPTIONS", "bad options: fix them", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("CorrelatorError");
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toBe("bad options: fix them");
    expect(error.cause).toBe(cause);
  });

  it("guard recognises its own errors only, also across copies", () => {
    expect(isCorrelatorError(new CorrelatorError("INVALID_OPTIONS", "x"))).toBe(true);
    expect(isCorrelatorError(new Error("x"))).toBe(false);
    expect(isCorrelatorError(null)).toBe(false);
    expect(isCorrelatorError({ code: "INVALID_OPTIONS" })).toBe(false);
    const foreignCopy = Object.assign(new Error("x"), { [Symbol.for("@athena/correlator/error")]: true });
    expect(isCorrelatorError(foreignCopy)).toBe(true);
  });
});
