/**
 * Injection points. A wrapped function reads one property of its point: `undefined` while nothing targets it, so
 * the idle path is a property load, a comparison and the original call (no `await`, no Proxy, no allocation beyond
 * the rest-parameter array V8 elides). When a fault is armed or an experiment observes the point, the property
 * holds a {@link Hook} built for exactly that situation.
 */
import type { FaultRuntime } from "./faults.js";
import { Recorder } from "./recorder.js";

type AnyFunction = (...args: unknown[]) => unknown;

const OBSERVE = 1;
const FIRE = 2;
const CHAIN = 3;

/**
 * What a point does with a call while something targets it. Immutable apart from `mode`: rebuilt whenever faults or
 * observers change. A wrapped call first asks {@link Hook.pass}: when it says the call needs nothing (the common
 * armed-but-not-firing case), the wrapper calls the real function itself, so its arguments never leave the wrapper
 * and V8 need not allocate them; otherwise {@link Hook.invoke} does what `pass` decided.
 */
export class Hook {
  readonly faults: readonly FaultRuntime[];
  readonly recorder: Recorder | undefined;
  /** The only fault, when there is exactly one: the common case gets a path without a loop (V8 inlines it). */
  private readonly single: FaultRuntime | undefined;
  /** What `pass()` decided for the call `invoke()` handles next (both run in the same synchronous wrapper). */
  private mode = 0;

  constructor(faults: readonly FaultRuntime[], recorder: Recorder | undefined) {
    this.faults = faults;
    this.recorder = recorder;
    this.single = faults.length === 1 ? faults[0] : undefined;
  }

  /** True when this call goes straight to the real function; false when `invoke` must handle it. */
  pass(): boolean {
    const recorder = this.recorder;
    if (recorder !== undefined) {
      recorder.calls++;
      if (--recorder.countdown <= 0) {
        this.mode = OBSERVE;
        return false;
      }
    }
    const single = this.single;
    if (single !== undefined) {
      if (!single.fires()) return true;
      this.mode = FIRE;
      return false;
    }
    if (this.faults.length === 0) return true;
    this.mode = CHAIN;
    return false;
  }

  /** Handles a call `pass()` returned false for. */
  invoke(fn: AnyFunction, thisArg: unknown, args: unknown[]): unknown {
    const mode = this.mode;
    if (mode === OBSERVE) return (this.recorder as Recorder).observe(this, fn, thisArg, args);
    if (mode === FIRE) return (this.single as FaultRuntime).apply(() => fn.apply(thisArg, args));
    return this.runFrom(0, fn, thisArg, args);
  }

  /** Runs a call through the faults, drawing their decisions (used for sampled calls). */
  run(fn: AnyFunction, thisArg: unknown, args: unknown[]): unknown {
    const single = this.single;
    if (single !== undefined) {
      if (!single.fires()) return fn.apply(thisArg, args);
      return single.apply(() => fn.apply(thisArg, args));
    }
    return this.runFrom(0, fn, thisArg, args);
  }

  private runFrom(index: number, fn: AnyFunction, thisArg: unknown, args: unknown[]): unknown {
    const faults = this.faults;
    for (let i = index; i < faults.length; i++) {
      const fault = faults[i] as FaultRuntime;
      if (fault.fires()) {
        const next = i + 1;
        return fault.apply(() => this.runFrom(next, fn, thisArg, args));
      }
    }
    return fn.apply(thisArg, args);
  }
}

/** One named injection point; several wrapped functions may share it. */
export class InjectionPoint {
  readonly name: string;
  /** Read by every wrapped call; `undefined` = idle. */
  hook: Hook | undefined = undefined;
  private faults: FaultRuntime[] = [];
  private recorder: Recorder | undefined = undefined;
  private observers = 0;

  constructor(name: string) {
    this.name = name;
  }

  /** Starts observing (shared by every experiment watching this point); returns its recorder. */
  observe(maxSamplesPerSecond: number): Recorder {
    if (this.recorder === undefined) this.recorder = new Recorder(maxSamplesPerSecond);
    this.observers++;
    this.rebuild();
    return this.recorder;
  }

  /** Stops one observation; the recorder goes when the last observer leaves. */
  unobserve(): void {
    if (this.observers === 0) return;
    this.observers--;
    if (this.observers === 0) this.recorder = undefined;
    this.rebuild();
  }

  /** The current recorder, if observed. */
  get currentRecorder(): Recorder | undefined {
    return this.recorder;
  }

  addFault(fault: FaultRuntime): void {
    this.faults = [...this.faults, fault];
    this.rebuild();
  }

  /** Removes a fault synchronously: the very next call no longer sees it. */
  removeFault(fault: FaultRuntime): void {
    const next = this.faults.filter((f) => f !== fault);
    if (next.length === this.faults.length) return;
    this.faults = next;
    this.rebuild();
  }

  /** Drops every fault and observer; wrapped functions go back to the idle path. */
  reset(): void {
    this.faults = [];
    this.recorder = undefined;
    this.observers = 0;
    this.hook = undefined;
  }

  private rebuild(): void {
    this.hook =
      this.faults.length === 0 && this.recorder === undefined ? undefined : new Hook(this.faults, this.recorder);
  }
}

/** True when point `name` belongs to `target`: the same name, or a method of the object named `target`. */
export function matchesTarget(name: string, target: string): boolean {
  return name === target || (name.length > target.length && name.startsWith(target) && name[target.length] === ".");
}
