/**
 * The chaos engine: injection points, ad hoc faults and experiments.
 */
import { ChaosError } from "./errors.js";
import { ExperimentRun } from "./experiment.js";
import { createFault, type FaultRuntime, type ResolvedParameters } from "./faults.js";
import { InjectionPoint, matchesTarget } from "./point.js";
import { hashString, Sfc32 } from "./prng.js";
import {
  type ParsedParameters,
  parseEngineOptions,
  parseExperiment,
  parseInjection,
  parseTarget,
  type ResolvedEngineOptions,
} from "./schemas.js";
import type {
  Clock,
  ExperimentDefinition,
  ExperimentPhase,
  ExperimentResult,
  FailureType,
  FaultParameters,
  SecurityEventSink,
  SecuritySeverity,
  StartExperimentOptions,
} from "./types.js";

/** Options of {@link createChaosEngine}. */
export interface ChaosEngineOptions {
  /** Experiments that may run at once; more are refused with `CONCURRENCY_LIMIT`. @defaultValue 1 */
  maxConcurrentExperiments?: number;
  /** Seed of every fault decision (each target gets its own stream derived from it). @defaultValue 0x5eed */
  seed?: number;
  /** Time source for phases, durations, timelines and business hours. @defaultValue `{ now: Date.now }` */
  clock?: Clock;
  /** Run every experiment as a dry run (observe and check, never arm, never roll back). @defaultValue false */
  dryRun?: boolean;
  /** Upper bound for `memoryMb` of a RESOURCE_EXHAUSTION fault. @defaultValue 512 */
  maxMemoryMb?: number;
  /** Calls per second per injection point above which observation samples instead of timing every call. @defaultValue 20000 */
  maxSamplesPerSecond?: number;
  /** Receives `CHAOS_EXPERIMENT_STARTED`, `CHAOS_EXPERIMENT_ABORTED`, `CHAOS_ROLLBACK_FAILED`, `CHAOS_EXPERIMENT_ENDED`. */
  onSecurityEvent?: SecurityEventSink;
}

/** Options of {@link ChaosEngine.wrapObject}. */
export interface WrapObjectOptions {
  /** Methods to wrap. @defaultValue every function-valued property on the object and its prototypes (not Object's) */
  methods?: readonly string[];
}

/** What {@link ChaosEngine.inject} arms. */
export interface InjectOptions {
  /** Injection point or object name. */
  target: string;
  failureType: FailureType;
  /** @defaultValue `{}` */
  parameters?: FaultParameters;
  /** Let this fault share its target with experiments or faults that also allow it. @defaultValue false */
  allowSharedTarget?: boolean;
  /** Seed for this fault's decisions. @defaultValue the engine's seed */
  seed?: number;
}

/** A fault armed by {@link ChaosEngine.inject}; it stays armed until `disarm()`. */
export interface InjectedFault {
  readonly target: string;
  readonly failureType: FailureType;
  /** Calls the fault fired on (1 for an ambient fault once armed). */
  readonly injected: number;
  /** Calls that reached the fault's decision. */
  readonly calls: number;
  /** False once disarmed. */
  readonly active: boolean;
  /** Disarms synchronously: the next call is untouched; delayed and hung calls proceed at once. Idempotent. */
  disarm(): void;
  [Symbol.dispose](): void;
}

/** A running experiment, as listed by {@link ChaosEngine.running}. */
export interface RunningExperiment {
  id: string;
  name: string;
  target: string;
  failureType: FailureType;
  phase: ExperimentPhase | "rollback" | "done";
  startedAt: number;
}

/**
 * The engine made by {@link createChaosEngine}.
 *
 * @example
 * ```ts
 * import { type ChaosEngine, createChaosEngine } from "@athena/chaos";
 *
 * const engine: ChaosEngine = createChaosEngine();
 * const db = engine.wrapObject("db", { async query(sql: string) { return [sql]; } });
 * const fault = engine.inject({ target: "db", failureType: "NETWORK_PARTITION" });
 * await db.query("select 1").catch((error: NodeJS.ErrnoException) => console.log(error.code)); // ECONNREFUSED
 * fault.disarm();
 * await engine.dispose();
 * ```
 */
export interface ChaosEngine {
  /**
   * Returns a function that behaves exactly like `fn` (same `this`, arguments and result) and is an injection point
   * named `target`. While nothing targets it, a call costs one property check more than calling `fn`.
   */
  wrap<F extends (...args: never[]) => Promise<unknown>>(target: string, fn: F): F;
  /**
   * Returns an object whose methods are injection points named `target.method`; an experiment on `target` covers
   * all of them. Methods run with the original object as `this`; other properties are read through from it.
   */
  wrapObject<T extends object>(target: string, client: T, options?: WrapObjectOptions): T;
  /** Arms a fault outside any experiment until its `disarm()`. */
  inject(options: InjectOptions): InjectedFault;
  /** Runs an experiment to its end and resolves with its result (never rejects once it has started). */
  startExperiment(definition: ExperimentDefinition, options?: StartExperimentOptions): Promise<ExperimentResult>;
  /** Stops every running experiment (status `"interrupted"`) and disarms every fault now; returns how many. */
  abortAll(reason?: string): number;
  /** Experiments running now. */
  running(): RunningExperiment[];
  /** Names of every injection point. */
  targets(): string[];
  /** True after `dispose()`. */
  readonly disposed: boolean;
  /**
   * Interrupts running experiments, waits for their rollbacks, disarms every fault. Wrapped functions keep working
   * (as plain pass-throughs). Idempotent.
   */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
  /** Same as `dispose()` without waiting for rollbacks to finish. */
  [Symbol.dispose](): void;
}

function overlaps(a: string, b: string): boolean {
  return matchesTarget(a, b) || matchesTarget(b, a);
}

interface Claim {
  target: string;
  shared: boolean;
  owner: string;
}

function resolveParameters(params: ParsedParameters): ResolvedParameters {
  return { ...params, latencyMs: params.latencyMs ?? 0, hangMs: params.hangMs, breaker: params.breaker };
}

/**
 * Creates a chaos engine.
 *
 * @param options - limits, seed and clock; see {@link ChaosEngineOptions}
 * @returns the engine
 * @throws ChaosError `INVALID_OPTIONS` when an option is malformed (the message lists each problem)
 *
 * @example
 * ```ts
 * import { createChaosEngine } from "@athena/chaos";
 *
 * const engine = createChaosEngine({ seed: 42 });
 * const getUser = engine.wrap("users.get", async (id: string) => ({ id, name: "Ada" }));
 * const fault = engine.inject({ target: "users.get", failureType: "ERROR_INJECTION", parameters: { errorRate: 0.5 } });
 * const outcomes = await Promise.allSettled([getUser("1"), getUser("2"), getUser("3"), getUser("4")]);
 * console.log(outcomes.map((o) => o.status), fault.injected);
 * fault.disarm();
 * await engine.dispose();
 * ```
 */
export function createChaosEngine(options: ChaosEngineOptions = {}): ChaosEngine {
  const parsed = parseEngineOptions(options);
  if (!parsed.ok) throw new ChaosError("INVALID_OPTIONS", `invalid createChaosEngine options:\n${parsed.message}`);
  return new Engine(parsed.value);
}

class Engine implements ChaosEngine {
  private readonly options: ResolvedEngineOptions;
  private readonly clock: Clock;
  private readonly points = new Map<string, InjectionPoint>();
  private readonly runs = new Map<string, { run: ExperimentRun; done: Promise<ExperimentResult> }>();
  private readonly injected = new Set<{ fault: FaultRuntime; points: InjectionPoint[]; claim: Claim }>();
  private readonly claims: Claim[] = [];
  private counter = 0;
  private disposing: Promise<void> | undefined;

  constructor(options: ResolvedEngineOptions) {
    this.options = options;
    this.clock = options.clock ?? { now: Date.now };
  }

  get disposed(): boolean {
    return this.disposing !== undefined;
  }

  private assertAlive(what: string): void {
    if (this.disposing !== undefined)
      throw new ChaosError("DISPOSED", `${what}: the chaos engine was disposed; create a new one`);
  }

  private point(target: string): InjectionPoint {
    let point = this.points.get(target);
    if (point === undefined) {
      point = new InjectionPoint(target);
      this.points.set(target, point);
    }
    return point;
  }

  private checkTarget(target: unknown, what: string): string {
    const parsed = parseTarget(target);
    if (!parsed.ok) throw new ChaosError("INVALID_OPTIONS", `${what}: invalid target name:\n${parsed.message}`);
    return parsed.value;
  }

  wrap<F extends (...args: never[]) => Promise<unknown>>(target: string, fn: F): F {
    this.assertAlive("wrap");
    const name = this.checkTarget(target, "wrap");
    if (typeof fn !== "function")
      throw new ChaosError("INVALID_OPTIONS", `wrap("${name}", fn): fn must be a function, got ${typeof fn}`);
    return wrapFunction(this.point(name), fn as unknown as (...args: unknown[]) => unknown) as unknown as F;
  }

  wrapObject<T extends object>(target: string, client: T, options: WrapObjectOptions = {}): T {
    this.assertAlive("wrapObject");
    const name = this.checkTarget(target, "wrapObject");
    if (typeof client !== "object" || client === null)
      throw new ChaosError("INVALID_OPTIONS", `wrapObject("${name}", client): client must be an object`);
    const all = methodNames(client);
    const methods = options.methods ?? all;
    for (const method of methods) {
      if (typeof (client as Record<string, unknown>)[method] !== "function")
        throw new ChaosError("INVALID_OPTIONS", `wrapObject("${name}"): "${method}" is not a method of the client`);
    }
    const selected = new Set(methods);
    const wrapper = Object.create(client) as Record<string, unknown>;
    for (const method of new Set([...all, ...methods])) {
      const fn = (client as Record<string, unknown>)[method] as (...args: unknown[]) => unknown;
      // Methods not selected are still bound to the client, so private fields work through the wrapper.
      const value = selected.has(method) ? wrapFunction(this.point(`${name}.${method}`), fn, client) : fn.bind(client);
      Object.defineProperty(wrapper, method, { value, writable: true, configurable: true, enumerable: false });
    }
    return wrapper as T;
  }

  private pointsFor(target: string): InjectionPoint[] {
    const found: InjectionPoint[] = [];
    for (const point of this.points.values()) if (matchesTarget(point.name, target)) found.push(point);
    return found;
  }

  private requirePoints(target: string, what: string): InjectionPoint[] {
    const points = this.pointsFor(target);
    if (points.length === 0)
      throw new ChaosError(
        "UNKNOWN_TARGET",
        `${what}: no injection point matches "${target}"; wrap a function with engine.wrap("${target}", fn) or an object with engine.wrapObject("${target}", client) first (known: ${[...this.points.keys()].join(", ") || "none"})`,
      );
    return points;
  }

  private claim(target: string, shared: boolean, owner: string): Claim {
    for (const claim of this.claims) {
      if (overlaps(claim.target, target) && !(claim.shared && shared))
        throw new ChaosError(
          "TARGET_BUSY",
          `"${target}" is already targeted by ${claim.owner} (on "${claim.target}"); wait for it to end, or set allowSharedTarget: true on both`,
        );
    }
    const claim = { target, shared, owner };
    this.claims.push(claim);
    return claim;
  }

  private unclaim(claim: Claim): void {
    const index = this.claims.indexOf(claim);
    if (index >= 0) this.claims.splice(index, 1);
  }

  private emit(type: string, severity: SecuritySeverity, data: Record<string, unknown>): void {
    const sink = this.options.onSecurityEvent;
    if (sink === undefined) return;
    try {
      sink({ type, source: "@athena/chaos", severity, timestamp: this.clock.now(), data });
    } catch {
      // A failing sink must never disturb an experiment.
    }
  }

  inject(options: InjectOptions): InjectedFault {
    this.assertAlive("inject");
    const parsed = parseInjection(options, this.options.maxMemoryMb);
    if (!parsed.ok) throw new ChaosError("INVALID_OPTIONS", `invalid inject options:\n${parsed.message}`);
    const { target, failureType, parameters, allowSharedTarget, seed } = parsed.value;
    const points = this.requirePoints(target, "inject");
    const claim = this.claim(target, allowSharedTarget, `injected ${failureType} fault`);
    const random = new Sfc32(seed ?? this.options.seed, hashString(`${target}\u0000${failureType}`));
    let fault: FaultRuntime;
    try {
      fault = createFault(failureType, resolveParameters(parameters), random, target);
      fault.arm();
    } catch (error) {
      this.unclaim(claim);
      throw new ChaosError("INVALID_OPTIONS", `inject: arming ${failureType} on "${target}" failed`, { cause: error });
    }
    for (const point of points) point.addFault(fault);
    const entry = { fault, points, claim };
    this.injected.add(entry);
    const disarm = (): void => {
      if (!this.injected.delete(entry)) return;
      for (const point of points) point.removeFault(fault);
      this.unclaim(claim);
      fault.disarm();
    };
    return {
      target,
      failureType,
      get injected() {
        return fault.injected;
      },
      get calls() {
        return fault.seen;
      },
      get active() {
        return !fault.disarmed;
      },
      disarm,
      [Symbol.dispose]: disarm,
    };
  }

  startExperiment(definition: ExperimentDefinition, options: StartExperimentOptions = {}): Promise<ExperimentResult> {
    try {
      return this.start(definition, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private start(definition: ExperimentDefinition, options: StartExperimentOptions): Promise<ExperimentResult> {
    this.assertAlive("startExperiment");
    const parsed = parseExperiment(definition, this.options.maxMemoryMb);
    if (!parsed.ok) throw new ChaosError("INVALID_EXPERIMENT", `invalid experiment definition:\n${parsed.message}`);
    const def = parsed.value;
    const signal = options.signal;
    if (signal?.aborted)
      throw new ChaosError("ABORTED", `experiment "${def.name}" was not started: its signal is already aborted`);
    if (this.runs.size >= this.options.maxConcurrentExperiments)
      throw new ChaosError(
        "CONCURRENCY_LIMIT",
        `experiment "${def.name}" refused: ${this.runs.size} experiment(s) already running (maxConcurrentExperiments ${this.options.maxConcurrentExperiments}); wait for one to end or raise the limit`,
      );
    const id = `${def.name}#${++this.counter}`;
    const run = new ExperimentRun(id, def, {
      clock: this.clock,
      seed: this.options.seed,
      maxSamplesPerSecond: this.options.maxSamplesPerSecond,
      dryRun: this.options.dryRun,
      pointsFor: (target) => this.pointsFor(target),
      emit: (type, severity, data) => this.emit(type, severity, data),
    });
    for (const target of run.targets()) this.requirePoints(target, `experiment "${def.name}"`);
    const claim = this.claim(def.target, def.allowSharedTarget, `experiment "${id}"`);
    const onAbort = (): void => run.stop("interrupted", `the caller aborted: ${describeReason(signal?.reason)}`);
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = run.run().finally(() => {
      signal?.removeEventListener("abort", onAbort);
      this.unclaim(claim);
      this.runs.delete(id);
    });
    this.runs.set(id, { run, done });
    return done;
  }

  abortAll(reason = "engine.abortAll() was called"): number {
    let count = 0;
    for (const { run } of this.runs.values()) {
      run.stop("interrupted", reason);
      count++;
    }
    for (const entry of [...this.injected]) {
      this.injected.delete(entry);
      for (const point of entry.points) point.removeFault(entry.fault);
      this.unclaim(entry.claim);
      try {
        entry.fault.disarm();
      } catch {
        // Keep disarming the others.
      }
      count++;
    }
    return count;
  }

  running(): RunningExperiment[] {
    return [...this.runs.values()].map(({ run }) => ({
      id: run.id,
      name: run.def.name,
      target: run.def.target,
      failureType: run.def.failureType,
      phase: run.phase,
      startedAt: run.startedAt,
    }));
  }

  targets(): string[] {
    return [...this.points.keys()];
  }

  dispose(): Promise<void> {
    if (this.disposing === undefined) {
      this.abortAll("the chaos engine was disposed");
      const pending = [...this.runs.values()].map(({ done }) => done.then(() => undefined));
      this.disposing = Promise.all(pending).then(() => {
        for (const point of this.points.values()) point.reset();
      });
    }
    return this.disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  [Symbol.dispose](): void {
    void this.dispose();
  }
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? "no reason given" : String(reason);
}

/**
 * The wrapper itself: one property read on the idle path; while armed and not firing, one `pass()` more. `boundThis` fixes `this` for `wrapObject` methods.
 */
function wrapFunction(
  point: InjectionPoint,
  fn: (...args: unknown[]) => unknown,
  boundThis?: unknown,
): (...args: unknown[]) => unknown {
  const wrapped =
    boundThis === undefined
      ? function (this: unknown, ...args: unknown[]): unknown {
          const hook = point.hook;
          if (hook === undefined || hook.pass()) return fn.apply(this, args);
          return hook.invoke(fn, this, args);
        }
      : (...args: unknown[]): unknown => {
          const hook = point.hook;
          if (hook === undefined || hook.pass()) return fn.apply(boundThis, args);
          return hook.invoke(fn, boundThis, args);
        };
  Object.defineProperty(wrapped, "name", { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, "length", { value: fn.length, configurable: true });
  return wrapped;
}

/** Function-valued properties of `client` and its prototypes, up to (not including) Object.prototype. */
function methodNames(client: object): string[] {
  const names = new Set<string>();
  for (
    let proto: object | null = client;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === "constructor") continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, key);
      if (descriptor !== undefined && typeof descriptor.value === "function") names.add(key);
    }
  }
  return [...names];
}
