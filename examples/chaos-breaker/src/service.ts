/** The service under test: a small inventory API over real HTTP on 127.0.0.1. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface InventoryService {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** Starts the service on a free port of 127.0.0.1; `GET /items/<sku>` answers `{ sku, inStock }`. */
export async function startInventoryService(): Promise<InventoryService> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const match = /^\/items\/([\w-]+)$/.exec(req.url ?? "");
    res.writeHead(match ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(match ? { sku: match[1], inStock: (match[1]?.length ?? 0) % 3 } : { error: "not found" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
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
