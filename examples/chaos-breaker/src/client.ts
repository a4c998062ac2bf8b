/**
 * The client: a storefront that reads stock levels from the inventory service, guarded by a cockatiel circuit
 * breaker. The raw HTTP call is a chaos injection point ("inventory"); the guarded call is another ("storefront"),
 * so an experiment can inject faults below the breaker and measure what users see above it.
 */
import type { ChaosEngine } from "@athena/chaos";
import { type CircuitBreakerPolicy, ConsecutiveBreaker, circuitBreaker, handleAll } from "cockatiel";

export interface Item {
  sku: string;
  inStock: number;
}

export interface Storefront {
  /** What the application calls: the breaker around the HTTP call. */
  stockOf(sku: string): Promise<Item>;
  /** The breaker itself, for the experiment and for rollbacks. */
  breaker: CircuitBreakerPolicy;
}

/** Builds the storefront client; the breaker opens after `failuresToOpen` consecutive failures. */
export function createStorefront(
  engine: ChaosEngine,
  baseUrl: string,
  { failuresToOpen = 5, halfOpenAfterMs = 250 } = {},
): Storefront {
  const fetchItem = engine.wrap("inventory", async (sku: string): Promise<Item> => {
    const response = await fetch(`${baseUrl}/items/${sku}`);
    if (!response.ok) throw new Error(`inventory answered HTTP ${response.status}`);
    return (await response.json()) as Item;
  });
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(failuresToOpen),
  });
  const stockOf = engine.wrap("storefront", (sku: string) => breaker.execute(() => fetchItem(sku)));
  return { stockOf, breaker };
}
