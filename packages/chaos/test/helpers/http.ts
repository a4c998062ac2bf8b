/** A real node:http server on 127.0.0.1 and a real client, for tests that need real I/O. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TestServer {
  url: string;
  port: number;
  /** Requests the server has answered. */
  readonly requests: number;
  close(): Promise<void>;
}

/** A JSON service: `/user/<id>` answers `{ id, name, balance, tags }`; `/slow?ms=N` answers after N ms. */
export async function startServer(): Promise<TestServer> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json", connection: "close" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith("/user/")) {
      const id = url.pathname.slice("/user/".length);
      send(200, { id, name: `user-${id}`, balance: 100 + Number(id.length), tags: ["a", "b", "c", "d"] });
    } else if (url.pathname === "/slow") {
      setTimeout(() => send(200, { slow: true }), Number(url.searchParams.get("ms") ?? 0));
    } else {
      send(404, { error: "not found" });
    }
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A real HTTP client call: GET `url`, reject on a non-2xx status, resolve with the parsed JSON. */
export async function getJson(url: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const response = await fetch(url, signal === undefined ? {} : { signal });
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
  return (await response.json()) as Record<string, unknown>;
}

/** A manual clock for event-time tests. */
export function manualClock(start: number): { now(): number; set(ms: number): void; advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Nearest-rank percentile. */
export function percentileOf(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}
