/**
 * Rate-limiting middleware for node:http: every request is judged by an @athena/anomaly detector and answered by its
 * recommended action — passed on (`allow`), asked to prove it is human (`challenge`: 401 with a challenge), or told
 * to slow down (`throttle`/`block`: 429 with Retry-After).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AnomalyDetector, AnomalyResult } from "@athena/anomaly";

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface AnomalyMiddlewareOptions {
  /** Who is asking: an authenticated user id or API key. Requests without one are passed on unjudged. */
  userId: (req: IncomingMessage) => string | undefined;
  /** Seconds a throttled client should wait. Default 30. */
  throttleRetryAfterSeconds?: number;
  /** Seconds a blocked client should wait. Default 600. */
  blockRetryAfterSeconds?: number;
  /** Called with every verdict (logging, metrics). */
  onVerdict?: (userId: string, verdict: AnomalyResult, req: IncomingMessage) => void;
}

function sendJson(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Wrap `next` so that every request first goes through the detector. */
export function anomalyMiddleware(
  detector: AnomalyDetector,
  options: AnomalyMiddlewareOptions,
  next: Handler,
): Handler {
  const throttleAfter = String(options.throttleRetryAfterSeconds ?? 30);
  const blockAfter = String(options.blockRetryAfterSeconds ?? 600);
  return (req, res) => {
    const userId = options.userId(req);
    if (!userId) {
      next(req, res);
      return;
    }
    const length = Number(req.headers["content-length"] ?? 0);
    const verdict = detector.analyzeRequest(userId, {
      endpoint: new URL(req.url ?? "/", "http://localhost").pathname,
      requestSize: Number.isFinite(length) && length >= 0 ? length : 0,
      ...(req.socket.remoteAddress ? { ipAddress: req.socket.remoteAddress } : {}),
    });
    options.onVerdict?.(userId, verdict, req);
    const details = { anomalyType: verdict.anomalyType, reasons: verdict.reasons, riskScore: verdict.riskScore };
    switch (verdict.recommendedAction) {
      case "allow":
        next(req, res);
        return;
      case "challenge":
        sendJson(
          res,
          401,
          { "www-authenticate": 'Challenge realm="api", type="captcha"' },
          {
            error: "challenge_required",
            ...details,
          },
        );
        return;
      case "throttle":
        sendJson(res, 429, { "retry-after": throttleAfter }, { error: "too_many_requests", ...details });
        return;
      case "block":
        sendJson(res, 429, { "retry-after": blockAfter }, { error: "blocked", ...details });
        return;
    }
  };
}
