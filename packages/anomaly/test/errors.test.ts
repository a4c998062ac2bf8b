import { describe, expect, it } from "vitest";
import { AnomalyError, isAnomalyError } from "../src/index.js";

describe("AnomalyError", () => {
  it("keeps code, message and cause", () => {
    const cause = new Error("root");
    const error = new AnomalyError("INVALID_OPTIONS", "bad options: fix them", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("AnomalyError");
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toBe("bad options: fix them");
    expect(error.cause).toBe(cause);
  });

  it("guard recognises its own errors only, also across copies", () => {
    expect(isAnomalyError(new AnomalyError("INVALID_OPTIONS", "x"))).toBe(true);
    expect(isAnomalyError(new Error("x"))).toBe(false);
    expect(isAnomalyError(null)).toBe(false);
    expect(isAnomalyError({ code: "INVALID_OPTIONS" })).toBe(false);
    const foreignCopy = Object.assign(new Error("x"), { [Symbol.for("@athena/anomaly/error")]: true });
    expect(isAnomalyError(foreignCopy)).toBe(true);
  });
});
