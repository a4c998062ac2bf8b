/** A steady trickle of calls for experiments to observe, stopped by the test. */
export interface Load {
  /** Calls made so far. */
  readonly calls: number;
  /** Calls that rejected. */
  readonly failures: number;
  stop(): Promise<void>;
}

/**
 * Calls `fn` in `concurrency` loops, pausing `gapMs` between calls, until stopped.
 */
export function startLoad(
  fn: () => Promise<unknown>,
  { gapMs = 2, concurrency = 2 }: { gapMs?: number; concurrency?: number } = {},
): Load {
  let running = true;
  let calls = 0;
  let failures = 0;
  const loop = async (): Promise<void> => {
    while (running) {
      calls++;
      try {
        await fn();
      } catch {
        failures++;
      }
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    get calls() {
      return calls;
    },
    get failures() {
      return failures;
    },
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
