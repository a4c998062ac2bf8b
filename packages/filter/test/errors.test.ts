import { describe, expect, it } from "vitest";
import { FilterError, isFilterError } from "../src/index.js";

describe("FilterError", () => {
  it("keeps code, message and cause", () => {
    const cause = new Error("root");
    const error = new FilterError("INVALID_OPTIONS", "bad options: fix them", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("FilterError");
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toBe("bad options: fix them");
    expect(error.cause).toBe(cause);
  });

  it("guard recognises its own errors only, also across copies", () => {
    expect(isFilterError(new FilterError("INVALID_OPTIONS", "x"))).toBe(true);
    expect(isFilterError(new Error("x"))).toBe(false);
    expect(isFilterError(null)).toBe(false);
    expect(isFilterError({ code: "INVALID_OPTIONS" })).toBe(false);
    const foreignCopy = Object.assign(new Error("x"), { [Symbol.for("@athena/filter/error")]: true });
    expect(isFilterError(foreignCopy)).toBe(true);
  });
});
