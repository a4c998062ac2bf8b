/**
 * Small adapters that let the engine read and force open circuit breakers of two common libraries, declared
 * structurally: this package does not depend on either at run time.
 */
import type { CircuitBreakerAdapter, CircuitBreakerState } from "./types.js";

/**
 * The part of a cockatiel 3 `CircuitBreakerPolicy` the adapter uses (`state` is cockatiel's `CircuitState`:
 * 0 closed, 1 open, 2 half-open, 3 isolated).
 */
export interface CockatielBreakerLike {
  readonly state: number;
  isolate(): { dispose(): void };
  readonly onStateChange: (listener: (state: number) => void) => { dispose(): void };
}

/** The part of an opossum 9 `CircuitBreaker` the adapter uses. */
export interface OpossumBreakerLike {
  readonly opened: boolean;
  readonly halfOpen: boolean;
  open(): void;
  close(): void;
  on(event: "open" | "close" | "halfOpen", listener: () => void): unknown;
  removeListener(event: "open" | "close" | "halfOpen", listener: () => void): unknown;
}

function cockatielState(state: number): CircuitBreakerState {
  if (state === 0) return "closed";
  if (state === 2) return "half_open";
  return "open";
}

/**
 * Adapts a cockatiel `CircuitBreakerPolicy`. Forcing it open uses cockatiel's own `isolate()` (calls fail with
 * `IsolatedCircuitError`); releasing disposes that isolation, which closes the circuit.
 *
 * @param policy - a policy made by cockatiel's `circuitBreaker(...)`
 * @param name - a label for journals and lessons
 * @returns an adapter for `parameters.breaker` or a hypothesis's `breaker`
 *
 * @example
 * ```ts
 * import { ConsecutiveBreaker, circuitBreaker, handleAll } from "cockatiel";
 * import { cockatielBreaker } from "@athena/chaos";
 *
 * const policy = circuitBreaker(handleAll, { halfOpenAfter: 1000, breaker: new ConsecutiveBreaker(5) });
 * const breaker = cockatielBreaker(policy, "api breaker");
 * console.log(breaker.state()); // "closed"
 * ```
 */
export function cockatielBreaker(policy: CockatielBreakerLike, name = "cockatiel breaker"): CircuitBreakerAdapter {
  return {
    name,
    state: () => cockatielState(policy.state),
    forceOpen: () => {
      const isolation = policy.isolate();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        isolation.dispose();
      };
    },
    onStateChange: (listener) => {
      const subscription = policy.onStateChange((state) => listener(cockatielState(state)));
      return () => subscription.dispose();
    },
  };
}

/**
 * Adapts an opossum `CircuitBreaker`. Forcing it open calls `open()` and re-opens it whenever its reset timer
 * moves it to half-open; releasing calls `close()`.
 *
 * @param breaker - an opossum `CircuitBreaker`
 * @param name - a label for journals and lessons
 * @returns an adapter for `parameters.breaker` or a hypothesis's `breaker`
 *
 * @example
 * ```ts
 * import CircuitBreaker from "opossum";
 * import { opossumBreaker } from "@athena/chaos";
 *
 * const breaker = opossumBreaker(new CircuitBreaker(async () => "ok", { resetTimeout: 1000 }), "db breaker");
 * console.log(breaker.state()); // "closed"
 * ```
 */
export function opossumBreaker(breaker: OpossumBreakerLike, name = "opossum breaker"): CircuitBreakerAdapter {
  const state = (): CircuitBreakerState => {
    if (breaker.halfOpen) return "half_open";
    return breaker.opened ? "open" : "closed";
  };
  return {
    name,
    state,
    forceOpen: () => {
      const keepOpen = (): void => breaker.open();
      breaker.on("halfOpen", keepOpen);
      breaker.open();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        breaker.removeListener("halfOpen", keepOpen);
        breaker.close();
      };
    },
    onStateChange: (listener) => {
      const onOpen = (): void => listener("open");
      const onClose = (): void => listener("closed");
      const onHalfOpen = (): void => listener("half_open");
      breaker.on("open", onOpen);
      breaker.on("close", onClose);
      breaker.on("halfOpen", onHalfOpen);
      return () => {
        breaker.removeListener("open", onOpen);
        breaker.removeListener("close", onClose);
        breaker.removeListener("halfOpen", onHalfOpen);
      };
    },
  };
}
