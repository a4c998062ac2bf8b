import { z } from "zod";
import type { CompiledPattern } from "./compile.js";
import type { EngineSnapshot } from "./engine.js";
import { checkEvent } from "./event.js";

/**
 * All state of a correlator as plain JSON: tracked keys with their partial matches, buffered events, threats and
 * counters. Treat `state` as opaque; it is versioned by `version`. Restoring needs a correlator with the same patterns
 * (checked through `patterns[].fingerprint`) and caps at least as large as the snapshot's content.
 *
 * @example
 * ```ts
 * import { createSecurityEventCorrelator, type CorrelatorSnapshot } from "@athena/correlator";
 *
 * const before = createSecurityEventCorrelator();
 * const saved: CorrelatorSnapshot = before.snapshot();
 * const after = createSecurityEventCorrelator();
 * after.restore(JSON.parse(JSON.stringify(saved)));
 * ```
 */
export interface CorrelatorSnapshot {
  /** Always `"@athena/correlator/snapshot"`. */
  format: "@athena/correlator/snapshot";
  /** The snapshot format version. */
  version: 1;
  /** The clock's time when it was taken. */
  createdAt: number;
  /** The patterns it was taken with, in order. */
  patterns: readonly { id: string; fingerprint: string }[];
  /** Everything else (opaque JSON). */
  state: { readonly [key: string]: unknown };
}

const finite = z.number().refine(Number.isFinite, "must be a finite number");
const index = z.number().int().min(0);
const severity = z.enum(["low", "medium", "high", "critical"]);
const status = z.enum(["open", "investigating", "mitigated", "resolved", "false_positive"]);

const eventSchema = z.unknown().superRefine((value, ctx) => {
  const problem = checkEvent(value, true);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

const stateSchema = z.strictObject({
  maxTime: finite.nullable(),
  watermark: finite.nullable(),
  nextThreat: z.number().int().min(1),
  counters: z.strictObject({
    eventsAccepted: index,
    eventsProcessed: index,
    eventsLate: index,
    derivedEvents: index,
    threatsDetected: index,
    threatUpdates: index,
  }),
  discarded: z.array(index),
  threatsEvicted: index,
  events: z.array(z.strictObject({ event: eventSchema, derivedFrom: z.string().min(1).optional() })),
  buffer: z.array(index),
  tables: z.array(
    z.strictObject({
      name: z.string(),
      keys: z.array(
        z.strictObject({
          key: z.string(),
          lastSeen: finite,
          states: z.array(z.tuple([index, z.unknown()])),
          suppress: z.array(z.tuple([index, z.string(), finite])),
        }),
      ),
      evictions: index,
      expirations: index,
    }),
  ),
  threats: z.array(
    z.strictObject({
      id: z.string().min(1),
      patternId: z.string(),
      groupKey: z.string(),
      status,
      severity,
      confidence: finite,
      factors: z.strictObject({ volume: finite, tempo: finite, severity: finite, recurrence: finite }),
      events: z.array(index),
      eventCount: index,
      matchCount: z.number().int().min(1),
      severityTotal: finite,
      severityCount: index,
      labels: z.array(z.string().nullable()),
      users: z.array(z.string()),
      services: z.array(z.string()),
      iocs: z.array(
        z.strictObject({ type: z.string(), value: z.string(), count: index, firstSeen: finite, lastSeen: finite }),
      ),
      marks: z.array(
        z.strictObject({
          timestamp: finite,
          kind: z.enum(["event", "detected", "updated", "status"]),
          description: z.string(),
          eventType: z.string().optional(),
          step: z.string().optional(),
          status: status.optional(),
        }),
      ),
      firstSeen: finite,
      lastSeen: finite,
      detectedAt: finite,
      updatedAt: finite,
    }),
  ),
});

const snapshotSchema = z.strictObject({
  format: z.literal("@athena/correlator/snapshot"),
  version: z.literal(1),
  createdAt: finite,
  patterns: z.array(z.strictObject({ id: z.string(), fingerprint: z.string() })),
  state: stateSchema,
});

const thresholdState = z.strictObject({ times: z.array(finite).min(1), events: z.array(index).min(1) });
const distinctState = z.strictObject({ values: z.array(z.tuple([z.string(), index])).min(1) });
const sequenceState = z.strictObject({
  partials: z
    .array(z.strictObject({ waiting: z.number().int().min(1), start: finite, last: finite, events: z.array(index) }))
    .min(1),
});
const unorderedState = z.strictObject({ last: z.array(index.nullable()).min(1) });

/**
 * Validates a snapshot against its schema and against the correlator's compiled patterns.
 *
 * @param value - the candidate snapshot (parsed JSON)
 * @param compiled - this correlator's patterns
 * @returns the engine state to decode
 * @throws Error with a readable message
 */
export function parseSnapshot(value: unknown, compiled: readonly CompiledPattern[]): EngineSnapshot {
  const parsed = snapshotSchema.safeParse(value);
  if (!parsed.success) throw new Error(z.prettifyError(parsed.error));
  const snapshot = parsed.data;
  const mine = compiled.map((c) => ({ id: c.spec.info.id, fingerprint: c.spec.fingerprint }));
  const same =
    snapshot.patterns.length === mine.length &&
    snapshot.patterns.every((p, i) => p.id === mine[i]?.id && p.fingerprint === mine[i]?.fingerprint);
  if (!same) {
    const theirs = snapshot.patterns.map((p) => p.id).join(", ");
    throw new Error(
      `it was taken with other patterns (or other pattern settings): snapshot [${theirs}], correlator [${mine
        .map((p) => p.id)
        .join(", ")}]; restore it into a correlator created with the same patterns and defaults`,
    );
  }
  const state = snapshot.state as unknown as EngineSnapshot;
  for (const table of state.tables) {
    for (const key of table.keys) {
      for (const [i, data] of key.states) {
        const c = compiled[i];
        if (c === undefined) throw new Error(`key "${key.key}" has state for pattern #${i}, which does not exist`);
        const schema =
          c.spec.kind === "threshold"
            ? thresholdState
            : c.spec.kind === "distinct"
              ? distinctState
              : c.ordered
                ? sequenceState
                : unorderedState;
        const check = schema.safeParse(data);
        if (!check.success)
          throw new Error(`state of pattern "${c.spec.info.id}" for key "${key.key}": ${z.prettifyError(check.error)}`);
      }
    }
  }
  if (state.discarded.length !== compiled.length) throw new Error("the per-pattern counters do not match the patterns");
  return state;
}
