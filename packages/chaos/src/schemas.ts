/**
 * The zod schemas behind every public input; private to the package. Defaults live here and only here.
 */
import { z } from "zod";
import { FAILURE_TYPES } from "./failure-types.js";
import type { ResolvedParameters } from "./faults.js";
import type {
  CircuitBreakerAdapter,
  Clock,
  CorruptFunction,
  ExperimentPhase,
  FailureType,
  HypothesisCondition,
  MetricName,
  MetricValue,
  Probe,
  SecurityEventSink,
} from "./types.js";

const fn = <T>(what: string) =>
  z.custom<T>((value) => typeof value === "function", { message: `expected ${what} (a function)` });

const rate = z.number().min(0).max(1);
const nonNegative = z.number().finite().min(0);

const breakerSchema = z.custom<CircuitBreakerAdapter>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as { state?: unknown }).state === "function" &&
    typeof (value as { forceOpen?: unknown }).forceOpen === "function",
  { message: "expected a breaker adapter with state() and forceOpen(): use cockatielBreaker() or opossumBreaker()" },
);

const engineOptionsSchema = z
  .object({
    /** @defaultValue 1 */
    maxConcurrentExperiments: z.number().int().min(1).max(1000).default(1),
    /** @defaultValue 0x5eed */
    seed: z.number().int().default(0x5eed),
    clock: z
      .custom<{ now(): number }>(
        (value) =>
          typeof value === "object" && value !== null && typeof (value as { now?: unknown }).now === "function",
        { message: "expected a clock: an object with now(): number" },
      )
      .optional(),
    /** @defaultValue false */
    dryRun: z.boolean().default(false),
    /** @defaultValue 512 */
    maxMemoryMb: z.number().int().min(1).max(65536).default(512),
    /** @defaultValue 20000 */
    maxSamplesPerSecond: z.number().int().min(10).max(10_000_000).default(20_000),
    onSecurityEvent: fn<(event: unknown) => void>("onSecurityEvent").optional(),
  })
  .strict();

const targetSchema = z
  .string()
  .min(1, "a target name must not be empty")
  .max(200)
  .refine((value) => !value.startsWith(".") && !value.endsWith("."), "a target name must not start or end with '.'");

const failureTypeSchema = z.enum(FAILURE_TYPES as readonly FailureType[] as [FailureType, ...FailureType[]]);

const parametersSchema = z
  .object({
    latencyMs: nonNegative.max(3_600_000).optional(),
    /** @defaultValue 0 */
    jitterMs: nonNegative.max(3_600_000).default(0),
    /** @defaultValue 1 */
    latencyProbability: rate.default(1),
    /** @defaultValue 1 */
    errorRate: rate.default(1),
    /** @defaultValue "Injected error" */
    error: z
      .union([z.string().min(1), z.number().int().min(100).max(599), fn<() => unknown>("error")])
      .default("Injected error"),
    /** @defaultValue 0 */
    memoryMb: z.number().int().min(0).default(0),
    /** @defaultValue 0 */
    cpuLoad: z.number().min(0).max(0.95).default(0),
    /** @defaultValue 20 */
    cpuPeriodMs: z.number().min(2).max(10_000).default(20),
    /** @defaultValue 1 */
    partitionProbability: rate.default(1),
    /** @defaultValue "127.0.0.1:80" */
    address: z.string().min(1).default("127.0.0.1:80"),
    /** @defaultValue "fail" */
    dependencyMode: z.enum(["fail", "hang"]).default("fail"),
    /** @defaultValue 1 */
    failureRate: rate.default(1),
    hangMs: nonNegative.max(3_600_000).optional(),
    /** @defaultValue 1 */
    corruptionRate: rate.default(1),
    /** @defaultValue "drop_field" */
    corrupt: z
      .union([z.enum(["null", "drop_field", "truncate", "negate_numbers", "stale"]), fn<CorruptFunction>("corrupt")])
      .default("drop_field"),
    breaker: breakerSchema.optional(),
  })
  .strict();

/** Checks the parameters a failure type needs; adds issues to `ctx`. */
function checkParameters(
  failureType: z.infer<typeof failureTypeSchema>,
  params: z.infer<typeof parametersSchema>,
  maxMemoryMb: number,
  ctx: z.RefinementCtx,
  path: (string | number)[],
): void {
  const issue = (message: string, key: string): void => {
    ctx.addIssue({ code: "custom", message, path: [...path, key] });
  };
  if (failureType === "LATENCY_INJECTION" && params.latencyMs === undefined)
    issue("LATENCY_INJECTION needs latencyMs (the delay to add, in ms)", "latencyMs");
  if (failureType === "RESOURCE_EXHAUSTION") {
    if (params.memoryMb === 0 && params.cpuLoad === 0)
      issue("RESOURCE_EXHAUSTION needs memoryMb > 0 or cpuLoad > 0", "memoryMb");
    if (params.memoryMb > maxMemoryMb)
      issue(`memoryMb ${params.memoryMb} exceeds the engine's maxMemoryMb (${maxMemoryMb}); lower it`, "memoryMb");
  }
  if (failureType === "CIRCUIT_BREAKER_TRIP" && params.breaker === undefined)
    issue(
      "CIRCUIT_BREAKER_TRIP needs parameters.breaker: use cockatielBreaker(policy) or opossumBreaker(b)",
      "breaker",
    );
}

const phaseSchema = z.enum(["before", "during", "after"]);
const metricValueSchema = z.union([z.number(), z.string(), z.boolean()]);

const hypothesisSchema = z
  .object({
    name: z.string().min(1),
    metric: z.enum([
      "error_rate",
      "latency_p50",
      "latency_p95",
      "latency_p99",
      "throughput",
      "circuit_breaker_state",
      "custom",
    ]),
    condition: z.enum(["less_than", "greater_than", "equals", "within_range"]),
    value: metricValueSchema.optional(),
    range: z.tuple([z.number(), z.number()]).optional(),
    /** @defaultValue ["before", "during", "after"] */
    phases: z.array(phaseSchema).min(1).default(["before", "during", "after"]),
    /** @defaultValue "always" */
    during: z.enum(["always", "eventually"]).default("always"),
    /** @defaultValue false */
    abortOnViolation: z.boolean().default(false),
    target: targetSchema.optional(),
    breaker: breakerSchema.optional(),
    probe: fn<Probe>("probe").optional(),
  })
  .strict()
  .superRefine((h, ctx) => {
    if (h.condition === "within_range") {
      if (h.range === undefined)
        ctx.addIssue({ code: "custom", message: "within_range needs range: [min, max]", path: ["range"] });
      else if (h.range[0] > h.range[1])
        ctx.addIssue({ code: "custom", message: "range must be [min, max] with min <= max", path: ["range"] });
    } else if (h.value === undefined) {
      ctx.addIssue({ code: "custom", message: `${h.condition} needs value`, path: ["value"] });
    } else if (h.condition !== "equals" && typeof h.value !== "number") {
      ctx.addIssue({ code: "custom", message: `${h.condition} needs a numeric value`, path: ["value"] });
    }
    if (h.metric === "custom" && h.probe === undefined)
      ctx.addIssue({ code: "custom", message: 'metric "custom" needs probe: () => value', path: ["probe"] });
    if (h.metric === "circuit_breaker_state" && h.condition !== "equals")
      ctx.addIssue({
        code: "custom",
        message: 'circuit_breaker_state supports only equals ("closed", "open" or "half_open")',
        path: ["condition"],
      });
  });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected "HH:MM" (24-hour)');

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const safetyCheckSchema = z.preprocess(
  (value) =>
    typeof value === "object" && value !== null && (value as { type?: unknown }).type === undefined
      ? { ...(value as object), type: "custom" }
      : value,
  z.discriminatedUnion("type", [
    z
      .object({
        name: z.string().min(1),
        type: z.literal("traffic_low"),
        maxThroughput: nonNegative,
        target: targetSchema.optional(),
        probe: fn<() => number | Promise<number>>("probe").optional(),
      })
      .strict(),
    z
      .object({
        name: z.string().min(1),
        type: z.literal("business_hours"),
        /** @defaultValue "UTC" */
        timeZone: z
          .string()
          .refine(isTimeZone, "unknown time zone: use an IANA name such as Europe/Berlin")
          .default("UTC"),
        /** @defaultValue "09:00" */
        start: hhmm.default("09:00"),
        /** @defaultValue "17:00" */
        end: hhmm.default("17:00"),
        /** @defaultValue [1, 2, 3, 4, 5] */
        days: z.array(z.number().int().min(0).max(6)).default([1, 2, 3, 4, 5]),
      })
      .strict(),
    z
      .object({
        name: z.string().min(1),
        type: z.literal("error_budget"),
        maxErrorRate: rate,
        /** @defaultValue 20 */
        minCalls: z.number().int().min(1).default(20),
        target: targetSchema.optional(),
      })
      .strict(),
    z
      .object({
        name: z.string().min(1),
        type: z.literal("custom"),
        check: fn<() => boolean | Promise<boolean>>("check"),
      })
      .strict(),
  ]),
);

const rollbackSchema = z
  .object({
    name: z.string().min(1),
    execute: fn<(signal: AbortSignal) => Promise<void> | void>("execute"),
  })
  .strict();

/** An experiment definition; `maxMemoryMb` comes from the engine. */
function experimentSchema(maxMemoryMb: number) {
  return z
    .object({
      name: z.string().min(1).max(200),
      target: targetSchema,
      failureType: failureTypeSchema,
      /** @defaultValue {} */
      parameters: parametersSchema.default(parametersSchema.parse({})),
      durationMs: z.number().finite().min(0).max(86_400_000),
      /** @defaultValue [] */
      hypotheses: z.array(hypothesisSchema).default([]),
      /** @defaultValue [] */
      rollbackActions: z.array(rollbackSchema).default([]),
      /** @defaultValue [] */
      safetyChecks: z.array(safetyCheckSchema).default([]),
      /** @defaultValue 1000 */
      steadyStateMs: nonNegative.max(3_600_000).default(1000),
      recoveryMs: nonNegative.max(3_600_000).optional(),
      /** @defaultValue 100 */
      checkIntervalMs: z.number().min(1).max(60_000).default(100),
      /** @defaultValue 1000 */
      windowMs: z.number().min(1).max(3_600_000).default(1000),
      dryRun: z.boolean().optional(),
      /** @defaultValue false */
      allowSharedTarget: z.boolean().default(false),
      seed: z.number().int().optional(),
      breaker: breakerSchema.optional(),
      /** @defaultValue 1000 */
      probeTimeoutMs: z.number().min(1).max(600_000).default(1000),
      /** @defaultValue 30000 */
      rollbackTimeoutMs: z.number().min(1).max(3_600_000).default(30_000),
    })
    .strict()
    .superRefine((def, ctx) => {
      checkParameters(def.failureType, def.parameters, maxMemoryMb, ctx, ["parameters"]);
      const breaker = def.breaker ?? def.parameters.breaker;
      def.hypotheses.forEach((h, i) => {
        if (h.metric === "circuit_breaker_state" && h.breaker === undefined && breaker === undefined)
          ctx.addIssue({
            code: "custom",
            message: "circuit_breaker_state needs a breaker: on the hypothesis, the experiment or parameters.breaker",
            path: ["hypotheses", i, "breaker"],
          });
      });
    });
}

/** Arguments of `engine.inject`. */
function injectSchema(maxMemoryMb: number) {
  return z
    .object({
      target: targetSchema,
      failureType: failureTypeSchema,
      /** @defaultValue {} */
      parameters: parametersSchema.default(parametersSchema.parse({})),
      /** @defaultValue false */
      allowSharedTarget: z.boolean().default(false),
      seed: z.number().int().optional(),
    })
    .strict()
    .superRefine((def, ctx) => checkParameters(def.failureType, def.parameters, maxMemoryMb, ctx, ["parameters"]));
}

/** Engine options after validation and defaults. */
export interface ResolvedEngineOptions {
  maxConcurrentExperiments: number;
  seed: number;
  clock?: Clock | undefined;
  dryRun: boolean;
  maxMemoryMb: number;
  maxSamplesPerSecond: number;
  onSecurityEvent?: SecurityEventSink | undefined;
}

/** A hypothesis after validation and defaults. */
export interface ResolvedHypothesis {
  name: string;
  metric: MetricName;
  condition: HypothesisCondition;
  value?: MetricValue | undefined;
  range?: [number, number] | undefined;
  phases: ExperimentPhase[];
  during: "always" | "eventually";
  abortOnViolation: boolean;
  target?: string | undefined;
  breaker?: CircuitBreakerAdapter | undefined;
  probe?: Probe | undefined;
}

/** A safety check after validation and defaults. */
export type ResolvedSafetyCheck =
  | {
      name: string;
      type: "traffic_low";
      maxThroughput: number;
      target?: string | undefined;
      probe?: (() => number | Promise<number>) | undefined;
    }
  | { name: string; type: "business_hours"; timeZone: string; start: string; end: string; days: number[] }
  | { name: string; type: "error_budget"; maxErrorRate: number; minCalls: number; target?: string | undefined }
  | { name: string; type: "custom"; check: () => boolean | Promise<boolean> };

/** Raw parameters after validation and defaults (before the engine fills `hangMs`/`latencyMs`). */
export interface ParsedParameters extends Omit<ResolvedParameters, "latencyMs" | "hangMs" | "breaker"> {
  latencyMs?: number | undefined;
  hangMs?: number | undefined;
  breaker?: CircuitBreakerAdapter | undefined;
}

/** An experiment definition after validation and defaults. */
export interface ResolvedExperiment {
  name: string;
  target: string;
  failureType: FailureType;
  parameters: ParsedParameters;
  durationMs: number;
  hypotheses: ResolvedHypothesis[];
  rollbackActions: { name: string; execute: (signal: AbortSignal) => Promise<void> | void }[];
  safetyChecks: ResolvedSafetyCheck[];
  steadyStateMs: number;
  recoveryMs?: number | undefined;
  checkIntervalMs: number;
  windowMs: number;
  dryRun?: boolean | undefined;
  allowSharedTarget: boolean;
  seed?: number | undefined;
  breaker?: CircuitBreakerAdapter | undefined;
  probeTimeoutMs: number;
  rollbackTimeoutMs: number;
}

/** Arguments of `engine.inject` after validation and defaults. */
export interface ResolvedInjection {
  target: string;
  failureType: FailureType;
  parameters: ParsedParameters;
  allowSharedTarget: boolean;
  seed?: number | undefined;
}

/** The outcome of a parse: the value, or a readable list of problems. */
export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; message: string };

function outcome<T>(result: { success: true; data: T } | { success: false; error: z.ZodError }): ParseOutcome<T> {
  return result.success ? { ok: true, value: result.data } : { ok: false, message: z.prettifyError(result.error) };
}

/** Validates `createChaosEngine` options. */
export function parseEngineOptions(input: unknown): ParseOutcome<ResolvedEngineOptions> {
  return outcome<ResolvedEngineOptions>(engineOptionsSchema.safeParse(input ?? {}));
}

/** Validates an experiment definition. */
export function parseExperiment(input: unknown, maxMemoryMb: number): ParseOutcome<ResolvedExperiment> {
  return outcome<ResolvedExperiment>(experimentSchema(maxMemoryMb).safeParse(input));
}

/** Validates the arguments of `engine.inject`. */
export function parseInjection(input: unknown, maxMemoryMb: number): ParseOutcome<ResolvedInjection> {
  return outcome<ResolvedInjection>(injectSchema(maxMemoryMb).safeParse(input));
}

/** Validates a target name given to `wrap`/`wrapObject`. */
export function parseTarget(input: unknown): ParseOutcome<string> {
  return outcome<string>(targetSchema.safeParse(input));
}
