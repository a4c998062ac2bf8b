import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { badness, insideBusinessHours, localTime, meets, settle } from "../src/safety.js";

describe("insideBusinessHours", () => {
  const office = { timeZone: "Europe/Berlin", start: "09:00", end: "17:00", days: [1, 2, 3, 4, 5] };

  it("follows the time zone, including daylight saving time", () => {
    // Winter: Berlin is UTC+1. Summer: UTC+2.
    expect(insideBusinessHours(Date.UTC(2026, 0, 6, 7, 59), office).passed).toBe(false);
    expect(insideBusinessHours(Date.UTC(2026, 0, 6, 8, 0), office).passed).toBe(true);
    expect(insideBusinessHours(Date.UTC(2026, 6, 7, 7, 0), office).passed).toBe(true);
    expect(insideBusinessHours(Date.UTC(2026, 6, 7, 15, 0), office).passed).toBe(false);
    // Saturday
    expect(insideBusinessHours(Date.UTC(2026, 0, 10, 10, 0), office).passed).toBe(false);
    expect(insideBusinessHours(Date.UTC(2026, 0, 6, 10, 0), { ...office, timeZone: "Asia/Kolkata" }).detail).toBe(
      "Tue 15:30 in Asia/Kolkata is inside 09:00–17:00 (Mon,Tue,Wed,Thu,Fri)",
    );
  });

  it("handles windows across midnight, counted from the day they start", () => {
    const night = { timeZone: "UTC", start: "22:00", end: "06:00", days: [5] }; // Friday night
    expect(insideBusinessHours(Date.UTC(2026, 0, 9, 23, 0), night).passed).toBe(true); // Fri 23:00
    expect(insideBusinessHours(Date.UTC(2026, 0, 10, 5, 59), night).passed).toBe(true); // Sat 05:59
    expect(insideBusinessHours(Date.UTC(2026, 0, 10, 6, 0), night).passed).toBe(false);
    expect(insideBusinessHours(Date.UTC(2026, 0, 10, 23, 0), night).passed).toBe(false); // Sat 23:00
  });

  it("agrees with a UTC computation for any instant, and never throws", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        const d = new Date(ms);
        expect(localTime(ms, "UTC")).toEqual({ day: d.getUTCDay(), minutes: d.getUTCHours() * 60 + d.getUTCMinutes() });
        const { passed } = insideBusinessHours(ms, {
          timeZone: "UTC",
          start: "09:00",
          end: "17:00",
          days: [1, 2, 3, 4, 5],
        });
        const minutes = d.getUTCHours() * 60 + d.getUTCMinutes();
        expect(passed).toBe(d.getUTCDay() >= 1 && d.getUTCDay() <= 5 && minutes >= 540 && minutes < 1020);
      }),
    );
  });
});

describe("conditions", () => {
  it("compare as documented, within_range inclusive", () => {
    expect(meets("less_than", 1, 2, undefined)).toBe(true);
    expect(meets("less_than", 2, 2, undefined)).toBe(false);
    expect(meets("greater_than", 3, 2, undefined)).toBe(true);
    expect(meets("equals", "open", "open", undefined)).toBe(true);
    expect(meets("equals", 1, "1", undefined)).toBe(false);
    expect(meets("within_range", 5, undefined, [5, 6])).toBe(true);
    expect(meets("within_range", 6.01, undefined, [5, 6])).toBe(false);
    expect(meets("less_than", "x", 2, undefined)).toBe(false);
  });

  it("badness is zero exactly when a numeric within_range condition holds", () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, min: -1e9, max: 1e9 }),
        fc.double({ noNaN: true, min: -1e9, max: 1e9 }),
        fc.double({ noNaN: true, min: 0, max: 1e9 }),
        (v, lo, width) => {
          const range = [lo, lo + width] as const;
          expect(badness("within_range", v, undefined, range) === 0).toBe(meets("within_range", v, undefined, range));
        },
      ),
    );
  });
});

describe("settle", () => {
  it("returns values, turns throws and rejections into failures, and bounds hanging code", async () => {
    expect(await settle(() => 1, 100)).toEqual({ ok: true, value: 1 });
    expect(await settle(async () => 2, 100)).toEqual({ ok: true, value: 2 });
    expect(
      await settle(() => {
        throw new Error("sync");
      }, 100),
    ).toEqual({ ok: false, error: "sync" });
    expect(await settle(() => Promise.reject("text"), 100)).toEqual({ ok: false, error: "text" });
    let aborted = false;
    const hanging = await settle(
      (signal) =>
        new Promise(() => {
          signal.addEventListener("abort", () => {
            aborted = true;
          });
        }),
      30,
    );
    expect(hanging).toEqual({ ok: false, error: "timed out after 30 ms" });
    expect(aborted).toBe(true);
  });
});
