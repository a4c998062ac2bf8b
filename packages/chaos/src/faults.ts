/**
 * The seven fault behaviours. A fault decides per call whether it fires (seeded PRNG) and, when it does, what the
 * call experiences; ambient faults (resource exhaustion, breaker trip) act while armed instead. Disarming is
 * synchronous and releases everything the fault holds: delayed and hung calls go on to the real function at once.
 */
import { STATUS_CODES } from "node:http";
import { getSystemErrorMap } from "node:util";
import type { Random, Sfc32 } from "./prng.js";
import type { CircuitBreakerAdapter, CorruptFunction, CorruptionRule, FailureType } from "./types.js";

const injectedBrand = Symbol.for("@athena/chaos/injected");

/**
 * True when `error` was made up by an injected fault (it still looks like the real thing: a refused connection
 * has `code: "ECONNREFUSED"`, an HTTP error has `status`). Also recognises faults of another installed copy.
 *
 * @param error - anything caught
 * @returns whether a chaos fault produced it
 *
 * @example
 * ```ts
 * import { isInjectedFault } from "@athena/chaos";
 *
 * try {
 *   await fetchUser("42");
 * } catch (error) {
 *   if (isInjectedFault(error)) console.log("chaos experiment at work");
 * }
 * declare function fetchUser(id: string): Promise<unknown>;
 * ```
 */
export function isInjectedFault(error: unknown): boolean {
  return typeof error === "object" && error !== null && injectedBrand in error;
}

function markInjected<T extends object>(value: T, failureType: FailureType): T {
  Object.defineProperty(value, injectedBrand, { value: failureType, enumerable: false });
  return value;
}

function errorWith(message: string, failureType: FailureType, props: Record<string, unknown>): Error {
  return markInjected(Object.assign(new Error(message), props), failureType);
}

let refusedErrno: number | undefined;
function econnrefusedErrno(): number {
  if (refusedErrno === undefined) {
    refusedErrno = -111;
    for (const [errno, [name]] of getSystemErrorMap()) {
      if (name === "ECONNREFUSED") refusedErrno = errno;
    }
  }
  return refusedErrno;
}

/** Parameters after validation and defaults; what each fault reads. */
export interface ResolvedParameters {
  latencyMs: number;
  jitterMs: number;
  latencyProbability: number;
  errorRate: number;
  error: string | number | (() => unknown);
  memoryMb: number;
  cpuLoad: number;
  cpuPeriodMs: number;
  partitionProbability: number;
  address: string;
  dependencyMode: "fail" | "hang";
  failureRate: number;
  hangMs: number | undefined;
  corruptionRate: number;
  corrupt: CorruptionRule | CorruptFunction;
  breaker: CircuitBreakerAdapter | undefined;
}

/** A fault armed on one or more injection points. */
export abstract class FaultRuntime {
  readonly failureType: FailureType;
  /** Calls that reached the fault's decision. */
  seen = 0;
  /** Calls the fault fired on (or 1 for an ambient fault once armed). */
  injected = 0;
  protected readonly generator: Sfc32;
  /** The generator as a function, for corruption functions and jitter. */
  protected readonly random: Random;
  protected readonly probability: number;
  private readonly pending = new Set<Pending>();
  private released = false;

  constructor(failureType: FailureType, probability: number, generator: Sfc32) {
    this.failureType = failureType;
    this.probability = probability;
    this.generator = generator;
    this.random = () => generator.next();
  }

  /** Decides, for one call, whether the fault fires. */
  fires(): boolean {
    this.seen++;
    // random() is in [0, 1): probability 1 always fires, 0 never does, with one comparison.
    if (this.generator.next() >= this.probability) return false;
    this.injected++;
    return true;
  }

  /** What a call the fault fired on experiences; `next` runs the rest of the chain and the real function. */
  abstract apply(next: () => unknown): Promise<unknown>;

  /** Starts ambient effects. */
  arm(): void {}

  /** Stops everything, synchronously; pending delays end and their calls proceed. Idempotent. */
  disarm(): void {
    if (this.released) return;
    this.released = true;
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.release();
    }
    this.pending.clear();
  }

  /** True once disarmed. */
  get disarmed(): boolean {
    return this.released;
  }

  /** Waits `ms`, or less if the fault is disarmed first (then resolves at once). */
  protected hold(ms: number | undefined, onTimeout: "resolve" | Error): Promise<void> {
    if (this.released) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const entry: Pending = { timer: undefined, release: resolve };
      if (ms !== undefined) {
        entry.timer = setTimeout(() => {
          this.pending.delete(entry);
          if (onTimeout === "resolve") resolve();
          else reject(onTimeout);
        }, ms);
      }
      this.pending.add(entry);
    });
  }
}

interface Pending {
  timer: ReturnType<typeof setTimeout> | undefined;
  release: () => void;
}

class LatencyFault extends FaultRuntime {
  private readonly latencyMs: number;
  private readonly jitterMs: number;

  constructor(params: ResolvedParameters, random: Sfc32) {
    super("LATENCY_INJECTION", params.latencyProbability, random);
    this.latencyMs = params.latencyMs;
    this.jitterMs = params.jitterMs;
  }

  /** The delay of the next firing call. */
  plannedDelay(): number {
    if (this.jitterMs === 0) return this.latencyMs;
    return Math.max(0, this.latencyMs + (this.random() * 2 - 1) * this.jitterMs);
  }

  apply(next: () => unknown): Promise<unknown> {
    return this.hold(this.plannedDelay(), "resolve").then(next);
  }
}

class ErrorFault extends FaultRuntime {
  private readonly error: string | number | (() => unknown);

  constructor(params: ResolvedParameters, random: Sfc32) {
    super("ERROR_INJECTION", params.errorRate, random);
    this.error = params.error;
  }

  apply(): Promise<unknown> {
    const spec = this.error;
    if (typeof spec === "string") return Promise.reject(errorWith(spec, this.failureType, { code: "EINJECTED" }));
    if (typeof spec === "number") {
      const reason = STATUS_CODES[spec] ?? "Error";
      return Promise.reject(
        errorWith(`HTTP ${spec} ${reason}`, this.failureType, { code: "EINJECTED", status: spec, statusCode: spec }),
      );
    }
    let value: unknown;
    try {
      value = spec();
    } catch (thrown) {
      value = thrown;
    }
    if (typeof value === "object" && value !== null && Object.isExtensible(value))
      markInjected(value, this.failureType);
    return Promise.reject(value);
  }
}

class PartitionFault extends FaultRuntime {
  private readonly address: string;

  constructor(params: ResolvedParameters, random: Sfc32) {
    super("NETWORK_PARTITION", params.partitionProbability, random);
    this.address = params.address;
  }

  apply(): Promise<unknown> {
    const colon = this.address.lastIndexOf(":");
    const host = colon > 0 ? this.address.slice(0, colon) : this.address;
    const port = colon > 0 ? Number(this.address.slice(colon + 1)) : undefined;
    const props: Record<string, unknown> = {
      errno: econnrefusedErrno(),
      code: "ECONNREFUSED",
      syscall: "connect",
      address: host,
    };
    if (port !== undefined && Number.isFinite(port)) props.port = port;
    return Promise.reject(errorWith(`connect ECONNREFUSED ${this.address}`, this.failureType, props));
  }
}

class DependencyFault extends FaultRuntime {
  private readonly mode: "fail" | "hang";
  private readonly hangMs: number | undefined;
  private readonly target: string;

  constructor(params: ResolvedParameters, random: Sfc32, target: string) {
    super("DEPENDENCY_FAILURE", params.failureRate, random);
    this.mode = params.dependencyMode;
    this.hangMs = params.hangMs;
    this.target = target;
  }

  apply(next: () => unknown): Promise<unknown> {
    if (this.mode === "fail") {
      return Promise.reject(
        errorWith(`dependency of ${this.target} is unavailable (injected)`, this.failureType, { code: "EDEPENDENCY" }),
      );
    }
    const timeout =
      this.hangMs === undefined
        ? "resolve"
        : errorWith(`dependency of ${this.target} timed out after ${this.hangMs} ms (injected)`, this.failureType, {
            code: "ETIMEDOUT",
          });
    return this.hold(this.hangMs, timeout).then(next);
  }
}

class CorruptionFault extends FaultRuntime {
  private readonly rule: CorruptionRule | CorruptFunction;
  private last: unknown;
  private hasLast = false;

  constructor(params: ResolvedParameters, random: Sfc32) {
    super("STATE_CORRUPTION", params.corruptionRate, random);
    this.rule = params.corrupt;
  }

  apply(next: () => unknown): Promise<unknown> {
    return Promise.resolve()
      .then(next)
      .then((value) => this.corrupt(value));
  }

  private corrupt(value: unknown): unknown {
    const rule = this.rule;
    if (typeof rule === "function") return rule(copyOf(value), this.random);
    switch (rule) {
      case "null":
        return null;
      case "stale": {
        const previous = this.hasLast ? this.last : value;
        this.last = value;
        this.hasLast = true;
        return previous;
      }
      case "drop_field":
        return dropField(copyOf(value), this.random);
      case "truncate":
        return truncate(copyOf(value));
      case "negate_numbers":
        return negateNumbers(copyOf(value), new Set());
    }
  }
}

/** A deep copy when the value is cloneable, else a shallow one; the target's own value is never mutated. */
function copyOf(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  try {
    return structuredClone(value);
  } catch {
    return Array.isArray(value) ? [...value] : { ...value };
  }
}

function dropField(value: unknown, random: Random): unknown {
  if (Array.isArray(value)) {
    if (value.length > 0) value.splice(Math.floor(random() * value.length), 1);
    return value;
  }
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    const key = keys[Math.floor(random() * keys.length)];
    if (key !== undefined) delete (value as Record<string, unknown>)[key];
  }
  return value;
}

function halve(value: unknown): unknown {
  if (typeof value === "string" || Array.isArray(value)) return value.slice(0, Math.floor(value.length / 2));
  return value;
}

function truncate(value: unknown): unknown {
  if (typeof value === "string" || Array.isArray(value)) return halve(value);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = halve(record[key]);
  }
  return value;
}

function negateNumbers(value: unknown, seen: Set<object>): unknown {
  if (typeof value === "number") return Number.isFinite(value) && value !== 0 ? -value : value;
  if (value === null || typeof value !== "object" || seen.has(value)) return value;
  seen.add(value);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = negateNumbers(record[key], seen);
  return value;
}

/** A fault that acts while armed instead of per call: calls pass through untouched. */
abstract class AmbientFault extends FaultRuntime {
  override fires(): boolean {
    this.seen++;
    return false;
  }

  apply(next: () => unknown): Promise<unknown> {
    return Promise.resolve().then(next);
  }
}

/** Memory and/or CPU pressure on this process while armed, released on disarm. */
export class ResourceFault extends AmbientFault {
  private readonly memoryMb: number;
  private readonly cpuLoad: number;
  private readonly periodMs: number;
  private chunks: Buffer[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private active = false;

  constructor(params: ResolvedParameters, random: Sfc32) {
    super("RESOURCE_EXHAUSTION", 0, random);
    this.memoryMb = params.memoryMb;
    this.cpuLoad = params.cpuLoad;
    this.periodMs = params.cpuPeriodMs;
  }

  /** Bytes of memory this fault holds right now. */
  get heldBytes(): number {
    let total = 0;
    for (const chunk of this.chunks) total += chunk.byteLength;
    return total;
  }

  override arm(): void {
    this.active = true;
    this.injected = 1;
    const chunks: Buffer[] = [];
    for (let i = 0; i < this.memoryMb; i++) {
      // allocUnsafeSlow + fill: the pages are written, so the memory is resident, not just reserved.
      chunks.push(Buffer.allocUnsafeSlow(1 << 20).fill((i % 251) + 1));
    }
    this.chunks = chunks;
    if (this.cpuLoad > 0) this.scheduleBusy(0);
  }

  override disarm(): void {
    this.active = false;
    this.chunks = [];
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    super.disarm();
  }

  private scheduleBusy(afterMs: number): void {
    this.timer = setTimeout(() => {
      if (!this.active) return;
      const busyMs = this.cpuLoad * this.periodMs;
      const until = performance.now() + busyMs;
      while (performance.now() < until) {
        // Spinning on purpose: this is the CPU pressure.
      }
      this.scheduleBusy(this.periodMs - busyMs);
    }, afterMs);
    this.timer.unref?.();
  }
}

/** Holds a circuit breaker open while armed. */
class BreakerFault extends AmbientFault {
  private readonly breaker: CircuitBreakerAdapter;
  private release: (() => void) | undefined;

  constructor(params: ResolvedParameters, random: Sfc32) {
    super("CIRCUIT_BREAKER_TRIP", 0, random);
    if (params.breaker === undefined) throw new TypeError("CIRCUIT_BREAKER_TRIP needs parameters.breaker");
    this.breaker = params.breaker;
  }

  override arm(): void {
    this.release = this.breaker.forceOpen();
    this.injected = 1;
  }

  override disarm(): void {
    const release = this.release;
    this.release = undefined;
    super.disarm();
    release?.();
  }
}

/**
 * Builds the runtime of one fault.
 *
 * @param failureType - which behaviour
 * @param params - validated parameters with defaults filled in
 * @param random - the fault's seeded PRNG
 * @param target - the target's name (for messages)
 */
export function createFault(
  failureType: FailureType,
  params: ResolvedParameters,
  random: Sfc32,
  target: string,
): FaultRuntime {
  switch (failureType) {
    case "LATENCY_INJECTION":
      return new LatencyFault(params, random);
    case "ERROR_INJECTION":
      return new ErrorFault(params, random);
    case "RESOURCE_EXHAUSTION":
      return new ResourceFault(params, random);
    case "NETWORK_PARTITION":
      return new PartitionFault(params, random);
    case "DEPENDENCY_FAILURE":
      return new DependencyFault(params, random, target);
    case "STATE_CORRUPTION":
      return new CorruptionFault(params, random);
    case "CIRCUIT_BREAKER_TRIP":
      return new BreakerFault(params, random);
  }
}
