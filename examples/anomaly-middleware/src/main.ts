/**
 * `npm start -w @athena-examples/anomaly-middleware`: an API on 127.0.0.1:8787 behind the anomaly middleware.
 * Try: `curl -H 'x-user-id: alice' http://127.0.0.1:8787/api/hello`.
 */
import { createServer } from "node:http";
import { createAnomalyDetector } from "@athena/anomaly";
import { anomalyMiddleware } from "./middleware.js";

const detector = createAnomalyDetector({
  onSecurityEvent: (event) => console.log(`[security] ${event.type} ${event.userId} ${event.severity}`),
});
const api = anomalyMiddleware(detector, { userId: (req) => req.headers["x-user-id"]?.toString() }, (_req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ hello: "world" }));
});
const port = Number(process.env.PORT ?? 8787);
createServer(api).listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}`));
