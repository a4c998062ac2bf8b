/**
 * Starts a real `redis-server` on a free loopback port in a temporary directory (no persistence) and stops it.
 * When `redis-server` is not installed: in CI (`CI` set) that is an error; elsewhere the Redis tests skip with a
 * message saying how to install it.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export function redisServerAvailable(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export const HOW_TO_INSTALL: string =
  "redis-server is not on PATH, so the @athena/anomaly/redis tests are skipped. Install it to run them: " +
  "`sudo apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS). In CI they are required.";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface RunningRedis {
  port: number;
  client(): Redis;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RunningRedis> {
  const dir = mkdtempSync(join(tmpdir(), "athena-redis-"));
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: "ignore" },
  );
  const clients: Redis[] = [];
  const client = (): Redis => {
    const c = new Redis({ port, host: "127.0.0.1", lazyConnect: false, maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };
  // Wait until it answers PING (generous: the machine may be loaded).
  const probe = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  probe.on("error", () => {}); // refused connections are expected until the server is up
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") break;
    } catch {
      if (Date.now() > deadline) {
        child.kill();
        throw new Error(`redis-server did not start on port ${port}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  probe.disconnect();
  return {
    port,
    client,
    async stop() {
      await Promise.allSettled(clients.map((c) => c.quit()));
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode === null ? child.once("exit", r) : r(undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
