import { describe, expect, it } from "vitest";
import { ChaosError, isChaosError } from "../src/index.js";

describe("ChaosError", () => {
  it("keeps code, message and cause", () => {
    const cause = new Error("root");
    const error = new ChaosError("INVALID_OPTIONS", "bad options: fix them", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ChaosError");
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toBe("bad options: fix them");
    expect(error.cause).toBe(cause);
  });

  it("guard recognises its own errors only, also across copies", () => {
    expect(isChaosError(new ChaosError("INVALID_OPTIONS", "x"))).toBe(true);
    expect(isChaosError(new Error("x"))).toBe(false);
    expect(isChaosError(null)).toBe(false);
    expect(isChaosError({ code: "INVALID_OPTIONS" })).toBe(false);
    const foreignCopy = Object.assign(new Error("x"), { [Symbol.for("@athena/chaos/error")]: true });
    expect(isChaosError(foreignCopy)).toBe(true);
  });
});
