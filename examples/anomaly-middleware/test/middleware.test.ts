import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAnomalyDetector } from "@athena/anomaly";
import { afterEach, describe, expect, it } from "vitest";
import { anomalyMiddleware } from "../src/middleware.js";

const START = Date.UTC(2025, 0, 6, 9); // a Monday, 09:00 UTC
const MINUTE = 60_000;
const DAY = 86_400_000;

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A real HTTP server on 127.0.0.1 behind the middleware, with an event-time clock the test moves. */
async function start() {
  const clock = { t: START, now: () => clock.t };
  const detector = createAnomalyDetector({ clock });
  const app = anomalyMiddleware(detector, { userId: (req) => req.headers["x-user-id"]?.toString() }, (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok");
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const get = (user: string | undefined, path = "/api/orders") =>
    fetch(`http://127.0.0.1:${port}${path}`, { headers: user ? { "x-user-id": user } : {} });
  return { clock, detector, get };
}

describe("anomaly middleware over real HTTP", () => {
  it("allows a steady client, then answers a 10× flood with 429 and Retry-After", async () => {
    const { clock, get } = await start();
    // 40 minutes at 10 requests a minute build the baseline.
    for (let i = 0; i < 400; i++) {
      clock.t = START + i * 6_000;
      expect((await get("alice")).status).toBe(200);
    }
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 150; i++) {
      clock.t = START + 40 * MINUTE + i * 400; // 150 requests a minute
      last = await get("alice");
      statuses.push(last.status);
      if (last.status !== 429) await last.text();
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses).toContain(429);
    expect(last?.status).toBe(429);
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThanOrEqual(30);
    const body = (await last?.json()) as { anomalyType: string; reasons: string[] };
    expect(body.anomalyType).toBe("SUDDEN_SPIKE");
    expect(body.reasons[0]).toMatch(/sudden spike/);
    // Other users are unaffected, and requests without a user id pass unjudged.
    expect((await get("bob")).status).toBe(200);
    expect((await get(undefined)).status).toBe(200);
  });

  it("challenges (401) an office-hours user showing up at 03:00", async () => {
    const { clock, detector, get } = await start();
    // Ten weekdays of office-hours history, recorded directly (fast), then one real HTTP request at night.
    for (let day = 0; day < 14; day++) {
      if (day % 7 >= 5) continue;
      for (let m = 0; m < 6 * 60; m++) {
        clock.t = START + day * DAY + m * MINUTE;
        detector.analyzeRequest("carol", { endpoint: "/api/orders" });
      }
    }
    clock.t = START + 14 * DAY - 6 * 3_600_000; // 03:00 UTC
    const response = await get("carol");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/Challenge/);
    expect(((await response.json()) as { anomalyType: string }).anomalyType).toBe("UNUSUAL_TIMING");
  });
});
