import { z } from "zod";
import type { SecuritySeverity } from "./event.js";
import { checkPath, type EventFilter, type FieldPath } from "./filter.js";

/** What a pattern does when it matches: report a threat, feed a derived event to other patterns, or both. */
export type PatternOutput = "threat" | "event" | "both";

/** What every pattern kind has. */
export interface PatternBase {
  /** Unique id, 1–128 characters of letters, digits, `_`, `-`, `.` or `:`. */
  id: string;
  /** Human-readable name. @defaultValue the id */
  name?: string;
  /** What the pattern detects. */
  description?: string;
  /** The threat's severity (raised to the most severe evidence event). @defaultValue `"medium"` */
  severity?: SecuritySeverity;
  /** The threat's `type`. @defaultValue the id in upper snake case */
  threatType?: string;
  /**
   * The field path(s) that form the group key, e.g. `"ipAddress"`, `["userId", "data.host"]`; `[]` groups every
   * event together. Events missing a group field do not take part.
   */
  groupBy: FieldPath | readonly FieldPath[];
  /**
   * Threshold/distinct: the sliding window. Sequence: the maximum span from the first to the last event.
   * @defaultValue the correlator's `timeWindowMs`
   */
  windowMs?: number;
  /**
   * After a threat, further matches for the same key within this time are merged into it (`threat_updated`) instead of
   * opening a new threat. @defaultValue `windowMs`
   */
  suppressMs?: number;
  /** An event matching this (for the same key) discards the key's partial state: counts, values, partial sequences. */
  until?: EventFilter;
  /** Shown on the threat. @defaultValue advice for the pattern kind */
  recommendedActions?: readonly string[];
  /** Extra field paths whose values are reported as indicators of compromise (ip, user and session always are). */
  iocFields?: readonly FieldPath[];
  /**
   * `"threat"` reports threats; `"event"` feeds a derived event `{ type: "correlation:<id>" }` (matched by a filter's
   * `correlation: "<id>"`) back into the correlator instead, for chained patterns; `"both"` does both.
   * @defaultValue `"threat"`
   */
  output?: PatternOutput;
}

/** N matching events for one key within a sliding window. */
export interface ThresholdPattern extends PatternBase {
  /** Discriminant. */
  kind: "threshold";
  /** Which events count; a list means any of them (each entry may carry `aliases`). */
  filter: EventFilter | readonly EventFilter[];
  /** How many events make a match. @defaultValue the correlator's `minEventsForThreat` */
  threshold?: number;
}

/** N distinct values of one field for one key within a sliding window (one IP, 20 users in 10 minutes). */
export interface DistinctPattern extends PatternBase {
  /** Discriminant. */
  kind: "distinct";
  /** Which events count; a list means any of them. */
  filter: EventFilter | readonly EventFilter[];
  /** The field whose distinct values are counted, e.g. `"userId"`. */
  field: FieldPath;
  /** How many distinct values make a match. */
  threshold: number;
}

/** One step of a sequence. */
export interface SequenceStep {
  /** Shown in the threat's timeline. @defaultValue `step <n>` */
  name?: string;
  /** Which events fulfil this step. */
  filter: EventFilter;
  /** Most time allowed since the previous step's event (ordered sequences). @defaultValue the pattern's `maxGapMs` */
  maxGapMs?: number;
}

/** Events fulfilling the steps for one key, in order (or in any order), within `windowMs`. */
export interface SequencePattern extends PatternBase {
  /** Discriminant. */
  kind: "sequence";
  /** The steps, 1 to 32. */
  steps: readonly SequenceStep[];
  /** Whether the steps must happen in the given order. @defaultValue `true` */
  ordered?: boolean;
  /** Unordered sequences: how many different steps must be fulfilled. @defaultValue all of them */
  minSteps?: number;
  /** Most time between consecutive steps, unless a step says otherwise. @defaultValue `windowMs` */
  maxGapMs?: number;
}

/**
 * A correlation pattern: {@link ThresholdPattern}, {@link DistinctPattern} or {@link SequencePattern}.
 *
 * @example
 * ```ts
 * import type { CorrelationPattern } from "@athena/correlator";
 *
 * const exfiltration: CorrelationPattern = {
 *   id: "exfiltration",
 *   kind: "sequence",
 *   groupBy: "sessionId",
 *   windowMs: 600_000,
 *   steps: [
 *     { name: "read secrets", filter: { type: "SENSITIVE_DATA_EXPOSURE" } },
 *     { name: "send out", filter: { type: "DATA_ACCESS_VIOLATION", where: { "data.direction": "egress" } } },
 *   ],
 *   severity: "critical",
 * };
 * ```
 */
export type CorrelationPattern = ThresholdPattern | DistinctPattern | SequencePattern;

const MAX_WINDOW = 366 * 24 * 3_600_000;

const pathSchema = z.string().superRefine((path, ctx) => {
  const problem = checkPath(path);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});
const stringList = z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).min(1).max(10_000)]);
const fieldValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
const stringNeedles = z.union([z.string().max(10_000), z.array(z.string().max(10_000)).min(1).max(1_000)]);
const regexSource = z
  .string()
  .max(2_000)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${(error as Error).message}` });
    }
  });
const operators = z.strictObject({
  equals: fieldValue.optional(),
  in: z.array(fieldValue).max(100_000).optional(),
  notIn: z.array(fieldValue).max(100_000).optional(),
  contains: stringNeedles.optional(),
  startsWith: stringNeedles.optional(),
  endsWith: stringNeedles.optional(),
  matches: regexSource.optional(),
  cidr: z
    .union([z.string(), z.array(z.string()).min(1)])
    .superRefine((value, ctx) => {
      for (const range of typeof value === "string" ? [value] : value) {
        if (!/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(range))
          ctx.addIssue({ code: "custom", message: `"${range}" is not an IPv4 CIDR range such as "10.0.0.0/8"` });
      }
    })
    .optional(),
  exists: z.boolean().optional(),
  gt: z.number().optional(),
  gte: z.number().optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
  ignoreCase: z.boolean().optional(),
  all: z.boolean().optional(),
});
const condition = z.union([fieldValue, z.array(fieldValue).max(100_000), operators]);

const filterSchema: z.ZodType<unknown> = z.lazy(() =>
  z.strictObject({
    type: stringList.optional(),
    source: stringList.optional(),
    minSeverity: z.enum(["low", "medium", "high", "critical"]).optional(),
    where: z
      .record(z.string(), condition)
      .superRefine((where, ctx) => {
        for (const path of Object.keys(where)) {
          const problem = checkPath(path);
          if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, path: [path] });
        }
      })
      .optional(),
    correlation: z.string().min(1).max(128).optional(),
    all: z.array(filterSchema).min(1).max(1_000).optional(),
    any: z.array(filterSchema).min(1).max(1_000).optional(),
    not: filterSchema.optional(),
    aliases: z.record(z.string().min(1).max(256), pathSchema).optional(),
  }),
);

const duration = z.number().int().positive().max(MAX_WINDOW);
const base = {
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, "a pattern id has 1 to 128 letters, digits, '_', '-', '.' or ':'"),
  name: z.string().min(1).max(256).optional(),
  description: z.string().max(10_000).optional(),
  severity: z.enum(["low", "medium", "high", "critical"]).optional(),
  threatType: z.string().min(1).max(256).optional(),
  groupBy: z.union([pathSchema, z.array(pathSchema).max(16)]),
  windowMs: duration.optional(),
  suppressMs: z.number().int().min(0).max(MAX_WINDOW).optional(),
  until: filterSchema.optional(),
  recommendedActions: z.array(z.string().min(1).max(1_000)).max(50).optional(),
  iocFields: z.array(pathSchema).max(32).optional(),
  output: z.enum(["threat", "event", "both"]).optional(),
};
const filterOrList = z.union([filterSchema, z.array(filterSchema).min(1).max(1_000)]);

/** The zod schema of one pattern (private to the package; the exported type is the interface). */
export const patternSchema: z.ZodType<unknown> = z.discriminatedUnion("kind", [
  z.strictObject({
    ...base,
    kind: z.literal("threshold"),
    filter: filterOrList,
    threshold: z.number().int().min(1).max(1_000_000).optional(),
  }),
  z.strictObject({
    ...base,
    kind: z.literal("distinct"),
    filter: filterOrList,
    field: pathSchema,
    threshold: z.number().int().min(1).max(100_000),
  }),
  z
    .strictObject({
      ...base,
      kind: z.literal("sequence"),
      steps: z
        .array(
          z.strictObject({
            name: z.string().min(1).max(256).optional(),
            filter: filterSchema,
            maxGapMs: duration.optional(),
          }),
        )
        .min(1)
        .max(32),
      ordered: z.boolean().optional(),
      minSteps: z.number().int().min(1).max(32).optional(),
      maxGapMs: duration.optional(),
    })
    .superRefine((pattern, ctx) => {
      if (pattern.minSteps !== undefined && pattern.minSteps > pattern.steps.length)
        ctx.addIssue({ code: "custom", message: "minSteps cannot exceed the number of steps", path: ["minSteps"] });
      if (pattern.minSteps !== undefined && pattern.ordered !== false && pattern.minSteps !== pattern.steps.length)
        ctx.addIssue({
          code: "custom",
          message: "minSteps applies to unordered sequences only (set ordered: false)",
          path: ["minSteps"],
        });
    }),
]);

/** Options of {@link createDefaultPatterns}. */
export interface DefaultPatternOptions {
  /** Window of the prompt injection campaign pattern. @defaultValue `300000` (5 minutes) */
  timeWindowMs?: number;
  /** Attempts that make a prompt injection campaign. @defaultValue `5` */
  minEventsForThreat?: number;
}

/**
 * The three default patterns: Credential Stuffing (one IP failing as ≥ 20 distinct users in 10 minutes), Multi-Stage
 * Intrusion (per user: a foothold attempt, then an escalation, then a data access violation, within an hour, at most
 * 30 minutes apart) and Prompt Injection Campaign (per user: `minEventsForThreat` prompt injection attempts in
 * `timeWindowMs`).
 *
 * @param options - the two knobs the defaults take from the correlator's options
 * @returns three fresh pattern objects
 * @example
 * ```ts
 * import { createDefaultPatterns, createSecurityEventCorrelator } from "@athena/correlator";
 *
 * const correlator = createSecurityEventCorrelator({
 *   patterns: [
 *     ...createDefaultPatterns(),
 *     { id: "tool-abuse", kind: "threshold", groupBy: "sessionId", filter: { type: "SANDBOX_VIOLATION" }, threshold: 3 },
 *   ],
 * });
 * ```
 */
export function createDefaultPatterns(options: DefaultPatternOptions = {}): CorrelationPattern[] {
  const windowMs = options.timeWindowMs ?? 300_000;
  const minEvents = options.minEventsForThreat ?? 5;
  return [
    {
      id: "credential-stuffing",
      name: "Credential Stuffing",
      description: "One address fails to authenticate as many different users within a short time.",
      kind: "distinct",
      threatType: "CREDENTIAL_STUFFING",
      severity: "high",
      groupBy: "ipAddress",
      filter: { type: "AUTHENTICATION_FAILURE" },
      field: "userId",
      threshold: 20,
      windowMs: 600_000,
      recommendedActions: [
        "Block or rate-limit the source address at the edge",
        "Require multi-factor authentication or a CAPTCHA for logins from this address",
        "Check the targeted accounts for later successful logins and force a password reset where one occurred",
        "Compare the tried usernames with known breach lists",
      ],
    },
    {
      id: "multi-stage-intrusion",
      name: "Multi-Stage Intrusion",
      description:
        "One user goes from a foothold attempt to privilege escalation to a data access violation within an hour.",
      kind: "sequence",
      threatType: "MULTI_STAGE_INTRUSION",
      severity: "critical",
      groupBy: "userId",
      windowMs: 3_600_000,
      maxGapMs: 1_800_000,
      steps: [
        {
          name: "foothold",
          filter: { type: ["AUTHENTICATION_FAILURE", "BRUTE_FORCE", "INJECTION_ATTACK", "PROMPT_INJECTION_ATTEMPT"] },
        },
        {
          name: "escalation",
          filter: { type: ["PRIVILEGE_ESCALATION", "AUTHORIZATION_FAILURE", "SANDBOX_VIOLATION"] },
        },
        { name: "objective", filter: { type: ["DATA_ACCESS_VIOLATION", "SENSITIVE_DATA_EXPOSURE"] } },
      ],
      recommendedActions: [
        "Suspend the user's sessions and credentials now",
        "Isolate the hosts and sandboxes the user touched",
        "Review what data was accessed and start the breach-notification process if personal data left",
        "Preserve logs for forensics before cleaning up",
      ],
    },
    {
      id: "prompt-injection-campaign",
      name: "Prompt Injection Campaign",
      description: "One user keeps trying to inject instructions into the model.",
      kind: "threshold",
      threatType: "PROMPT_INJECTION_CAMPAIGN",
      severity: "high",
      groupBy: "userId",
      filter: { type: "PROMPT_INJECTION_ATTEMPT" },
      threshold: minEvents,
      windowMs,
      recommendedActions: [
        "Throttle or suspend the user's agent sessions",
        "Review the prompts and tool calls of the flagged sessions",
        "Tighten the tool allow list and output filtering for this user",
      ],
    },
  ];
}

/** Default advice per kind when a pattern gives none. */
export const DEFAULT_ACTIONS: Readonly<Record<CorrelationPattern["kind"], readonly string[]>> = {
  threshold: ["Review the events behind the threat", "Rate-limit or block the grouped key if the activity is hostile"],
  distinct: [
    "Review the distinct values seen for the grouped key",
    "Block or challenge the grouped key if it is enumerating",
  ],
  sequence: [
    "Review the sequence of events",
    "Contain the grouped key (user, address or session) while you investigate",
  ],
};

/**
 * Upper snake case of a pattern id, used as the default threat type.
 *
 * @param id - a pattern id
 * @returns e.g. `"CREDENTIAL_STUFFING"` for `"credential-stuffing"`
 */
export function threatTypeOf(id: string): string {
  return id
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toUpperCase();
}

/**
 * A stable text of a pattern (keys sorted), for snapshot fingerprints.
 *
 * @param value - any JSON value
 * @returns canonical JSON
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
