/**
 * Evaluation of hypotheses' conditions and of safety checks. Nothing here can throw into the experiment: probes and
 * checks are bounded by a timeout, and an exception or a timeout counts as a failed check (fail safe).
 */
import { formatMetric, formatRate, formatThroughput } from "./format.js";
import type { HypothesisCondition, MetricValue } from "./types.js";

/** The outcome of calling user code with a time limit. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Calls `fn` and waits for its result at most `timeoutMs`; never throws.
 *
 * @param fn - user code (a probe, a check, a rollback)
 * @param timeoutMs - upper bound
 * @param signal - aborted when the time is up, for code that can stop early
 */
export function settle<T>(fn: (signal: AbortSignal) => T | Promise<T>, timeoutMs: number): Promise<Settled<T>> {
  const controller = new AbortController();
  return new Promise<Settled<T>>((resolve) => {
    let done = false;
    const finish = (value: Settled<T>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      finish({ ok: false, error: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    try {
      Promise.resolve(fn(controller.signal)).then(
        (value) => finish({ ok: true, value }),
        (error: unknown) => finish({ ok: false, error: describeError(error) }),
      );
    } catch (error) {
      finish({ ok: false, error: describeError(error) });
    }
  });
}

/** A short description of anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** True when `value` meets the condition. */
export function meets(
  condition: HypothesisCondition,
  value: MetricValue,
  expected: MetricValue | undefined,
  range: readonly [number, number] | undefined,
): boolean {
  switch (condition) {
    case "less_than":
      return typeof value === "number" && typeof expected === "number" && value < expected;
    case "greater_than":
      return typeof value === "number" && typeof expected === "number" && value > expected;
    case "equals":
      return value === expected;
    case "within_range":
      return typeof value === "number" && range !== undefined && value >= range[0] && value <= range[1];
  }
}

/** How far `value` is from meeting the condition (larger = worse); used to keep the worst reading. */
export function badness(
  condition: HypothesisCondition,
  value: MetricValue,
  expected: MetricValue | undefined,
  range: readonly [number, number] | undefined,
): number {
  if (typeof value !== "number") return meets(condition, value, expected, range) ? 0 : 1;
  switch (condition) {
    case "less_than":
      return value - (typeof expected === "number" ? expected : 0);
    case "greater_than":
      return (typeof expected === "number" ? expected : 0) - value;
    case "equals":
      return typeof expected === "number" ? Math.abs(value - expected) : 1;
    case "within_range":
      if (range === undefined) return 0;
      return value < range[0] ? range[0] - value : value > range[1] ? value - range[1] : 0;
  }
}

/** `less than 200 ms`, `within 0 %–5 %`. */
export function describeExpectation(
  metric: string,
  condition: HypothesisCondition,
  expected: MetricValue | undefined,
  range: readonly [number, number] | undefined,
): string {
  switch (condition) {
    case "less_than":
      return `less than ${formatMetric(metric, expected)}`;
    case "greater_than":
      return `greater than ${formatMetric(metric, expected)}`;
    case "equals":
      return `equal to ${formatMetric(metric, expected)}`;
    case "within_range":
      return range === undefined
        ? "within range"
        : `within ${formatMetric(metric, range[0])}–${formatMetric(metric, range[1])}`;
  }
}

const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Day of week (0 = Sunday) and minutes since midnight at `epochMs` in `timeZone`. */
export function localTime(epochMs: number, timeZone: string): { day: number; minutes: number } {
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type === "weekday") day = DAY_NAMES.indexOf(part.value);
    else if (part.type === "hour") hour = Number(part.value) % 24;
    else if (part.type === "minute") minute = Number(part.value);
  }
  return { day, minutes: hour * 60 + minute };
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

/**
 * Whether `epochMs` falls inside business hours. A window whose end is not after its start spans midnight
 * (`22:00`–`06:00`); `days` then names the day the window starts on.
 */
export function insideBusinessHours(
  epochMs: number,
  check: { timeZone: string; start: string; end: string; days: readonly number[] },
): { passed: boolean; detail: string } {
  const { day, minutes } = localTime(epochMs, check.timeZone);
  const start = minutesOf(check.start);
  const end = minutesOf(check.end);
  let inside: boolean;
  if (end > start) inside = check.days.includes(day) && minutes >= start && minutes < end;
  else if (minutes >= start) inside = check.days.includes(day);
  else inside = minutes < end && check.days.includes((day + 6) % 7);
  const clock = `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  const days = check.days.map((d) => DAY_NAMES[d]).join(",");
  return {
    passed: inside,
    detail: `${DAY_NAMES[day]} ${clock} in ${check.timeZone} is ${inside ? "inside" : "outside"} ${check.start}–${check.end} (${days})`,
  };
}

/** Detail line for traffic_low. */
export function trafficDetail(throughput: number | null, max: number): { passed: boolean; detail: string } {
  if (throughput === null)
    return { passed: false, detail: "no traffic measurement yet (set steadyStateMs or a probe)" };
  const passed = throughput <= max;
  return {
    passed,
    detail: `traffic ${formatThroughput(throughput)} ${passed ? "≤" : ">"} ${formatThroughput(max)}`,
  };
}

/** Detail line for error_budget. */
export function budgetDetail(
  errors: number,
  sampled: number,
  maxErrorRate: number,
  minCalls: number,
): { passed: boolean; detail: string } {
  if (sampled < minCalls)
    return { passed: true, detail: `${sampled} of ${minCalls} calls needed before the budget is judged` };
  const rate = errors / sampled;
  const passed = rate <= maxErrorRate;
  return {
    passed,
    detail: `error rate ${formatRate(rate)} (${errors}/${sampled}) ${passed ? "within" : "exceeds"} budget ${formatRate(maxErrorRate)}`,
  };
}
