import { z } from "zod";
import type { ToolAdapter, ToolTypeSpec, ValidationResult } from "./contracts.js";
import {
  type DisclosureEntry,
  type DisclosureServer,
  renderDeclarations,
  renderDescribe,
  renderFileTree,
  renderManifest,
  renderSignature,
  renderSource,
  summaryOf,
  typeSpecOf,
} from "./disclosure.js";
import { isToolError, ToolError, type ToolErrorCode } from "./errors.js";
import { isIdentifier } from "./identifiers.js";
import { jsonByteLength } from "./json-size.js";
import { compilePolicy, type DenyReason, type PolicyDecision } from "./policy.js";
import type {
  Clock,
  FilterOutcome,
  OutputFilter,
  PrivacyVault,
  SecurityEvent,
  SecurityEventSink,
  SecuritySeverity,
  ToolCallContext,
  ToolHost,
  ToolInfo,
} from "./seams.js";
import { buildSearchIndex, type SearchIndex } from "./search.js";
import { describeIssues, toIssues } from "./validate.js";

/**
 * Which tools a registry lets programs call, and how much.
 *
 * Patterns are globs over tool ids (`server/name`): `*` matches within one segment, `**` across segments, `?` one
 * character, `(a|b)` or `{a,b}` alternatives. {@link DEFAULT_DENY_PATTERNS} and `deny` always win; a destructive tool
 * needs its exact id in `allow` or a match in `allowDestructive`; anything else needs a match in `allow`.
 *
 * @example
 * ```ts
 * const policy: ToolPolicy = { allow: ["memory/*", "filesystem/write_file"], maxCallsPerExecution: 20 };
 * ```
 */
export interface ToolPolicy {
  /** @defaultValue [] (nothing is allowed) */
  allow?: readonly string[];
  /** Extra deny patterns on top of the defaults. @defaultValue [] */
  deny?: readonly string[];
  /** Patterns that allow what they match, destructive tools included. @defaultValue [] */
  allowDestructive?: readonly string[];
  /** Calls one execution may make. @defaultValue 100 */
  maxCallsPerExecution?: number;
  /** Cost units one execution may spend. @defaultValue no limit */
  maxCostPerExecution?: number;
}

/**
 * The audit record of one call, passed to `onCall` after the call settles (also for denied and invalid calls).
 *
 * @example
 * ```ts
 * const onCall = (record: ToolCallRecord) => console.log(record.tool, record.outcome, record.durationMs);
 * ```
 */
export interface ToolCallRecord {
  /** The tool id as called. */
  tool: string;
  executionId: string;
  /** `ok`, or `error` with `code`. */
  outcome: "ok" | "error";
  code?: ToolErrorCode;
  /** UTF-8 bytes of the arguments as JSON (-1 when they are not serialisable). */
  argumentBytes: number;
  /** When the call started (the registry's clock, ms). */
  startedAt: number;
  /** How long it took in ms. */
  durationMs: number;
  /** Cost units charged (0 when the tool did not run). */
  cost: number;
  /** Whether the output filter changed the result. */
  filtered: boolean;
}

/**
 * Options of {@link createToolRegistry}.
 *
 * @example
 * ```ts
 * const options: ToolRegistryOptions = { policy: { allow: ["memory/*"] }, onCall: (r) => audit.push(r) };
 * ```
 */
export interface ToolRegistryOptions {
  /** @defaultValue deny everything but what `allow` names */
  policy?: ToolPolicy;
  /** Results are tokenized before they reach the program, arguments detokenized before they reach the tool. */
  privacy?: PrivacyVault;
  /** Applied to every result (after tokenization) before it reaches the program. */
  outputFilter?: OutputFilter;
  /** Receives one audit record per call. A throwing callback is ignored. */
  onCall?: (record: ToolCallRecord) => void;
  /** Receives a security event for each denial. A throwing sink is ignored. */
  onSecurityEvent?: SecurityEventSink;
  /** @defaultValue high-resolution wall clock (`performance.timeOrigin + performance.now()`) */
  clock?: Clock;
  /** Time limit of one call in ms, unless the operation sets its own. @defaultValue 30000 */
  timeoutMs?: number;
  /** Executions whose usage is remembered; the oldest is forgotten first. @defaultValue 10000 */
  maxTrackedExecutions?: number;
  /** Adapters to register right away. @defaultValue [] */
  adapters?: readonly ToolAdapter[];
}

/**
 * Detail levels of {@link ToolRegistry.search}: ids only, with one-line summaries, or with signature and source.
 *
 * @example
 * ```ts
 * const detail: SearchDetail = "summary";
 * ```
 */
export type SearchDetail = "name" | "summary" | "full";

/**
 * One search hit. `summary` comes with detail `summary` and `full`; `signature` and `source` with `full`.
 *
 * @example
 * ```ts
 * const [best]: ToolSearchResult[] = registry.search("write a file", { limit: 1 });
 * ```
 */
export interface ToolSearchResult {
  id: string;
  server: string;
  name: string;
  /** Higher is better; only comparable within one query. */
  score: number;
  summary?: string;
  signature?: string;
  source?: string;
}

/**
 * Options of {@link ToolRegistry.search}.
 *
 * @example
 * ```ts
 * const options: ToolSearchOptions = { detail: "full", limit: 3 };
 * ```
 */
export interface ToolSearchOptions {
  /** @defaultValue "summary" */
  detail?: SearchDetail;
  /** @defaultValue 10 */
  limit?: number;
}

/**
 * Calls and cost one execution has used.
 *
 * @example
 * ```ts
 * const usage: ExecutionUsage = registry.usage("run-1"); // { calls: 2, cost: 2 }
 * ```
 */
export interface ExecutionUsage {
  calls: number;
  cost: number;
}

/**
 * Tools from adapters behind a deny-by-default policy, with validation, budgets, audit records and progressive
 * disclosure. It is a {@link ToolHost}: pass it to the sandbox as `tools`.
 *
 * @example
 * ```ts
 * const registry = createToolRegistry({ policy: { allow: ["memory/*"] } });
 * registry.register(memoryAdapter);
 * console.log(registry.manifest());
 * ```
 */
export interface ToolRegistry extends ToolHost {
  /**
   * Adds an adapter's operations.
   * @throws ToolError `INVALID_OPTIONS` for a malformed adapter or a name already registered; `DISPOSED`
   */
  register(adapter: ToolAdapter): void;
  /** Removes an adapter; true when it was registered. */
  unregister(name: string): boolean;
  /** The callable tools (allowed by the policy, not task-only). */
  list(): readonly ToolInfo[];
  /**
   * Calls a tool: policy, budget, validation, privacy, execution, filtering, audit.
   * @throws ToolError (rejects) `TOOL_DENIED`, `TOOL_NOT_FOUND`, `BUDGET_EXCEEDED`, `INVALID_PARAMETERS`,
   *   `TASK_REQUIRED`, `TOOL_FAILED`, `TIMEOUT`, `ABORTED`, `PROTOCOL_ERROR`, `CONNECTION_CLOSED`, `DISPOSED`
   */
  call(id: string, args: unknown, context: ToolCallContext): Promise<unknown>;
  /** Validates arguments for an allowed tool without calling it. @throws ToolError `TOOL_NOT_FOUND` */
  validate(id: string, args: unknown): ValidationResult;
  /** One line per server that has allowed tools. */
  manifest(): string;
  /** One server's allowed tools, one line each. @throws ToolError `TOOL_NOT_FOUND` for an unknown server */
  describe(server: string): string;
  /** The one-line TypeScript signature of an allowed tool. @throws ToolError `TOOL_NOT_FOUND` */
  signature(id: string): string;
  /** The full document of an allowed tool (a TypeScript module). @throws ToolError `TOOL_NOT_FOUND` */
  source(id: string): string;
  /** The JSON Schema types of an allowed tool. @throws ToolError `TOOL_NOT_FOUND` */
  typeSpec(id: string): ToolTypeSpec;
  /** Ranked search over the allowed tools. */
  search(query: string, options?: ToolSearchOptions): ToolSearchResult[];
  /** A `.d.ts` for every callable tool; compiles under `tsc --strict`. */
  declarations(): string;
  /** `servers/<server>/<tool>.ts` and `servers/<server>/index.ts` for every callable tool. */
  fileTree(): Record<string, string>;
  /** What an execution has used so far. */
  usage(executionId: string): ExecutionUsage;
  /** Forgets an execution's usage (call when the execution ends). */
  endExecution(executionId: string): void;
  /** Drops every adapter; later calls reject with `DISPOSED`. Idempotent. */
  dispose(): void;
  [Symbol.dispose](): void;
}

const fn = <T>(what: string) =>
  z.custom<T>((value) => typeof value === "function", { message: `${what} must be a function` });
const objectWith = <T>(what: string, methods: string[]) =>
  z.custom<T>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      methods.every((method) => typeof (value as Record<string, unknown>)[method] === "function"),
    { message: `${what} must be an object with ${methods.map((m) => `${m}()`).join(" and ")}` },
  );

const patterns = z.array(z.string().min(1)).readonly().default([]);
const optionsSchema = z.object({
  policy: z
    .object({
      allow: patterns,
      deny: patterns,
      allowDestructive: patterns,
      maxCallsPerExecution: z.number().int().nonnegative().default(100),
      maxCostPerExecution: z.number().nonnegative().optional(),
    })
    .default({ allow: [], deny: [], allowDestructive: [], maxCallsPerExecution: 100 }),
  privacy: objectWith<PrivacyVault>("privacy", ["tokenize", "detokenize"]).optional(),
  outputFilter: objectWith<OutputFilter>("outputFilter", ["apply"]).optional(),
  onCall: fn<(record: ToolCallRecord) => void>("onCall").optional(),
  onSecurityEvent: fn<SecurityEventSink>("onSecurityEvent").optional(),
  clock: objectWith<Clock>("clock", ["now"]).optional(),
  timeoutMs: z.number().positive().default(30_000),
  maxTrackedExecutions: z.number().int().positive().default(10_000),
  adapters: z.array(z.unknown()).default([]),
});

const adapterShape = z.object({
  name: z.string().refine(isIdentifier, { message: "must be a JavaScript identifier" }),
  category: z.string(),
  version: z.string(),
  description: z.string(),
  operations: z.array(
    z.object({
      id: z.string(),
      name: z.string().refine(isIdentifier, { message: "must be a JavaScript identifier" }),
      description: z.string(),
      parameters: z.custom<z.ZodType>(
        (value) => typeof value === "object" && value !== null && typeof (value as z.ZodType).safeParse === "function",
        { message: "must be a zod schema" },
      ),
      cost: z.number().nonnegative().finite(),
      execute: fn<unknown>("execute"),
    }),
  ),
});

const source = "@athena/adapters";

interface Entry extends DisclosureEntry {
  decision: PolicyDecision;
}

const severities: Record<DenyReason, SecuritySeverity> = {
  deny_pattern: "high",
  destructive_needs_explicit_allow: "medium",
  not_allowed: "low",
};

const argumentBytes = jsonByteLength;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function denyMessage(id: string, decision: { reason: DenyReason; pattern?: string }): string {
  switch (decision.reason) {
    case "deny_pattern":
      return `Tool "${id}" is denied by the policy pattern "${decision.pattern}"; it cannot be called from a program.`;
    case "destructive_needs_explicit_allow":
      return `Tool "${id}" is destructive: the pattern "${decision.pattern}" is not enough, the host must allow "${id}" by its exact id (or in allowDestructive).`;
    default:
      return `Tool "${id}" is not allowed by the policy; use registry.list() or search() for the tools you may call.`;
  }
}

/**
 * Creates a tool registry: register adapters, then hand it to the sandbox as its `ToolHost`.
 *
 * A call goes: policy (deny-by-default; denials reject with `TOOL_DENIED` and emit a `TOOL_DENIED` security event,
 * and never reveal whether the tool exists) → existence → task-only check → budget (calls and cost per
 * `executionId`) → privacy `detokenize` → validation (`INVALID_PARAMETERS` names each bad path) → execution with a
 * time limit and the caller's signal → privacy `tokenize` → output filter → one audit record via `onCall`.
 *
 * @param options - policy, privacy vault, output filter, callbacks, clock and limits; see {@link ToolRegistryOptions}
 * @returns the registry
 * @throws ToolError `INVALID_OPTIONS` when an option or policy pattern is malformed
 * @example
 * ```ts
 * import { createToolRegistry, defineAdapter } from "@athena/adapters";
 * import { z } from "zod";
 *
 * const registry = createToolRegistry({ policy: { allow: ["math/*"] } });
 * registry.register(
 *   defineAdapter({
 *     name: "math",
 *     operations: {
 *       add: { description: "Add two numbers.", parameters: z.object({ a: z.number(), b: z.number() }), execute: ({ a, b }) => a + b },
 *     },
 *   }),
 * );
 * const sum = await registry.call("math/add", { a: 1, b: 2 }, { executionId: "run-1" }); // 3
 * ```
 */
export function createToolRegistry(options: ToolRegistryOptions = {}): ToolRegistry {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = toIssues(parsed.error.issues);
    throw new ToolError("INVALID_OPTIONS", `createToolRegistry: ${describeIssues(issues)}`, {
      cause: parsed.error,
      issues,
    });
  }
  const settings = parsed.data;
  const { privacy, outputFilter, onCall, onSecurityEvent } = settings;
  const origin = performance.timeOrigin;
  const clock: Clock = settings.clock ?? { now: () => origin + performance.now() };
  const maxCalls = settings.policy.maxCallsPerExecution;
  const maxCost = settings.policy.maxCostPerExecution ?? Number.POSITIVE_INFINITY;
  let policy: ReturnType<typeof compilePolicy>;
  try {
    policy = compilePolicy(settings.policy.allow, settings.policy.deny, settings.policy.allowDestructive);
  } catch (error) {
    throw new ToolError("INVALID_OPTIONS", `createToolRegistry: bad policy pattern: ${(error as Error).message}`, {
      cause: error,
    });
  }

  const adapters = new Map<string, ToolAdapter>();
  const entries = new Map<string, Entry>();
  const usageByExecution = new Map<string, ExecutionUsage>();
  let disposed = false;
  let cache: {
    visible?: DisclosureServer[];
    callable?: DisclosureServer[];
    list?: readonly ToolInfo[];
    index?: SearchIndex;
    declarations?: string;
    fileTree?: Record<string, string>;
  } = {};

  const assertAlive = (what: string): void => {
    if (disposed) throw new ToolError("DISPOSED", `registry.${what}: the registry was disposed; create a new one.`);
  };

  const emit = (event: SecurityEvent): void => {
    if (onSecurityEvent === undefined) return;
    try {
      onSecurityEvent(event);
    } catch {
      // A failing sink must not change the outcome of a call.
    }
  };

  const audit = (record: ToolCallRecord): void => {
    if (onCall === undefined) return;
    try {
      onCall(record);
    } catch {
      // A failing audit callback must not change the outcome of a call.
    }
  };

  const servers = (callableOnly: boolean): DisclosureServer[] => {
    const key = callableOnly ? "callable" : "visible";
    const cached = cache[key];
    if (cached !== undefined) return cached;
    const out: DisclosureServer[] = [];
    for (const adapter of adapters.values()) {
      const visible: DisclosureEntry[] = [];
      for (const op of adapter.operations) {
        const entry = entries.get(op.id);
        if (entry === undefined || !entry.decision.allowed) continue;
        if (callableOnly && op.taskRequired) continue;
        visible.push(entry);
      }
      if (visible.length > 0) {
        out.push({ name: adapter.name, description: adapter.description, version: adapter.version, entries: visible });
      }
    }
    cache[key] = out;
    return out;
  };

  /** An allowed entry for disclosure, or TOOL_NOT_FOUND (also for denied ids: disclosure never confirms them). */
  const visibleEntry = (id: string, what: string): Entry => {
    assertAlive(what);
    const entry = entries.get(id);
    if (entry === undefined || !entry.decision.allowed) {
      throw new ToolError(
        "TOOL_NOT_FOUND",
        `registry.${what}: no allowed tool "${id}"; see registry.manifest() and search().`,
        {
          toolId: id,
        },
      );
    }
    return entry;
  };

  const usageOf = (executionId: string): ExecutionUsage => {
    let usage = usageByExecution.get(executionId);
    if (usage === undefined) {
      if (usageByExecution.size >= settings.maxTrackedExecutions) {
        const oldest = usageByExecution.keys().next().value;
        if (oldest !== undefined) usageByExecution.delete(oldest);
      }
      usage = { calls: 0, cost: 0 };
      usageByExecution.set(executionId, usage);
    }
    return usage;
  };

  const register = (adapter: ToolAdapter): void => {
    assertAlive("register");
    const shape = adapterShape.safeParse(adapter);
    if (!shape.success) {
      const issues = toIssues(shape.error.issues);
      throw new ToolError("INVALID_OPTIONS", `registry.register: not a ToolAdapter: ${describeIssues(issues)}`, {
        issues,
      });
    }
    if (adapters.has(adapter.name)) {
      throw new ToolError(
        "INVALID_OPTIONS",
        `registry.register: an adapter named "${adapter.name}" is registered; unregister it first.`,
      );
    }
    const fresh = new Map<string, Entry>();
    for (const op of adapter.operations) {
      if (op.id !== `${adapter.name}/${op.name}`) {
        throw new ToolError(
          "INVALID_OPTIONS",
          `registry.register: operation id "${op.id}" must be "${adapter.name}/${op.name}".`,
        );
      }
      if (fresh.has(op.id))
        throw new ToolError("INVALID_OPTIONS", `registry.register: duplicate operation "${op.id}".`);
      fresh.set(op.id, { op, server: adapter.name, decision: policy.decide(op.id, op.destructive) });
    }
    adapters.set(adapter.name, adapter);
    for (const [id, entry] of fresh) entries.set(id, entry);
    cache = {};
  };

  const fail = (
    code: ToolErrorCode,
    message: string,
    id: string,
    context: ToolCallContext,
    args: unknown,
    startedAt: number,
  ): ToolError => {
    if (onCall !== undefined) {
      audit({
        tool: id,
        executionId: context.executionId,
        outcome: "error",
        code,
        argumentBytes: argumentBytes(args),
        startedAt,
        durationMs: clock.now() - startedAt,
        cost: 0,
        filtered: false,
      });
    }
    return new ToolError(code, message, { toolId: id });
  };

  const denial = (
    id: string,
    context: ToolCallContext,
    type: string,
    severity: SecuritySeverity,
    data: Record<string, unknown>,
  ): void => {
    if (onSecurityEvent === undefined) return;
    const event: SecurityEvent = {
      type,
      source,
      severity,
      timestamp: clock.now(),
      data: { tool: id, executionId: context.executionId, ...data },
    };
    if (context.userId !== undefined) event.userId = context.userId;
    if (context.sessionId !== undefined) event.sessionId = context.sessionId;
    emit(event);
  };

  const privateMessage = (error: ToolError): ToolError => {
    if (privacy === undefined || error.code !== "TOOL_FAILED") return error;
    let message: unknown;
    try {
      message = privacy.tokenize(error.message);
    } catch {
      message = `"${error.toolId ?? "tool"}" failed (its message was withheld: the privacy vault could not tokenize it).`;
    }
    return new ToolError(error.code, typeof message === "string" ? message : error.message, {
      toolId: error.toolId,
      cause: error.cause,
    });
  };

  const call = async (id: string, args: unknown, context: ToolCallContext): Promise<unknown> => {
    // The start time only feeds audit records.
    const startedAt = onCall === undefined ? 0 : clock.now();
    if (disposed)
      throw fail(
        "DISPOSED",
        "registry.call: the registry was disposed; create a new one.",
        id,
        context,
        args,
        startedAt,
      );
    if (typeof context !== "object" || context === null || typeof context.executionId !== "string") {
      throw fail(
        "INVALID_OPTIONS",
        "registry.call: pass a context with a string executionId.",
        id,
        context ?? { executionId: "" },
        args,
        startedAt,
      );
    }
    const entry = entries.get(id);
    const decision = entry?.decision ?? policy.decide(String(id), false);
    if (!decision.allowed) {
      denial(id, context, "TOOL_DENIED", severities[decision.reason], {
        reason: decision.reason,
        ...(decision.pattern === undefined ? {} : { pattern: decision.pattern }),
      });
      throw fail("TOOL_DENIED", denyMessage(id, decision), id, context, args, startedAt);
    }
    if (entry === undefined) {
      throw fail(
        "TOOL_NOT_FOUND",
        `No tool "${id}"; use registry.list() or search() for the tools you may call.`,
        id,
        context,
        args,
        startedAt,
      );
    }
    const op = entry.op;
    if (op.taskRequired) {
      throw fail(
        "TASK_REQUIRED",
        `"${id}" can only run as an MCP task, which programs cannot call; ask the host to run it.`,
        id,
        context,
        args,
        startedAt,
      );
    }
    if (context.signal?.aborted)
      throw fail("ABORTED", `Call to "${id}" was aborted before it started.`, id, context, args, startedAt);
    const usage = usageOf(context.executionId);
    if (usage.calls + 1 > maxCalls || usage.cost + op.cost > maxCost) {
      const calls = usage.calls + 1 > maxCalls;
      denial(id, context, "TOOL_BUDGET_EXCEEDED", "medium", {
        reason: calls ? "calls" : "cost",
        calls: usage.calls,
        cost: usage.cost,
        limit: calls ? maxCalls : maxCost,
      });
      throw fail(
        "BUDGET_EXCEEDED",
        calls
          ? `Execution "${context.executionId}" used its budget of ${maxCalls} tool calls; do more per call or ask the host for a larger budget.`
          : `Calling "${id}" (cost ${op.cost}) would exceed this execution's cost budget of ${maxCost} (used ${usage.cost}).`,
        id,
        context,
        args,
        startedAt,
      );
    }
    usage.calls++;

    let input: unknown = args === undefined ? {} : args;
    if (privacy !== undefined) {
      try {
        input = privacy.detokenize(input);
      } catch {
        throw fail(
          "TOOL_FAILED",
          `"${id}": the privacy vault could not detokenize the arguments.`,
          id,
          context,
          args,
          startedAt,
        );
      }
    }
    const parsedArgs = op.parameters.safeParse(input);
    if (!parsedArgs.success) {
      const issues = toIssues(parsedArgs.error.issues);
      if (onCall !== undefined) {
        audit({
          tool: id,
          executionId: context.executionId,
          outcome: "error",
          code: "INVALID_PARAMETERS",
          argumentBytes: argumentBytes(args),
          startedAt,
          durationMs: clock.now() - startedAt,
          cost: 0,
          filtered: false,
        });
      }
      throw new ToolError(
        "INVALID_PARAMETERS",
        `Invalid arguments for "${id}": ${describeIssues(issues)}. Fix them to match registry.signature("${id}").`,
        { toolId: id, issues },
      );
    }

    usage.cost += op.cost;
    let filtered = false;
    let result: unknown;
    try {
      result = await op.execute(parsedArgs.data, {
        signal: context.signal,
        executionId: context.executionId,
        timeoutMs: op.timeoutMs ?? settings.timeoutMs,
      });
      if (privacy !== undefined) result = privacy.tokenize(result);
      if (outputFilter !== undefined) {
        const applied = outputFilter.apply(result);
        const outcome: FilterOutcome = isThenable(applied) ? await applied : applied;
        result = outcome.data;
        filtered = outcome.wasFiltered;
      }
    } catch (caught) {
      let error: ToolError;
      if (isToolError(caught)) error = privateMessage(caught);
      else {
        const message = caught instanceof Error ? caught.message : String(caught);
        error = privateMessage(
          new ToolError("TOOL_FAILED", `"${id}" failed: ${message}`, { toolId: id, cause: caught }),
        );
      }
      if (onCall !== undefined) {
        audit({
          tool: id,
          executionId: context.executionId,
          outcome: "error",
          code: error.code,
          argumentBytes: argumentBytes(args),
          startedAt,
          durationMs: clock.now() - startedAt,
          cost: op.cost,
          filtered: false,
        });
      }
      throw error;
    }
    if (onCall !== undefined) {
      audit({
        tool: id,
        executionId: context.executionId,
        outcome: "ok",
        argumentBytes: argumentBytes(args),
        startedAt,
        durationMs: clock.now() - startedAt,
        cost: op.cost,
        filtered,
      });
    }
    return result;
  };

  const dispose = (): void => {
    disposed = true;
    adapters.clear();
    entries.clear();
    usageByExecution.clear();
    cache = {};
  };

  const registry: ToolRegistry = {
    register,
    unregister(name: string): boolean {
      assertAlive("unregister");
      const adapter = adapters.get(name);
      if (adapter === undefined) return false;
      for (const op of adapter.operations) entries.delete(op.id);
      adapters.delete(name);
      cache = {};
      return true;
    },
    list(): readonly ToolInfo[] {
      assertAlive("list");
      if (cache.list === undefined) {
        const out: ToolInfo[] = [];
        for (const server of servers(true)) {
          for (const { op } of server.entries)
            out.push({ id: op.id, server: server.name, name: op.name, description: summaryOf(op) });
        }
        cache.list = Object.freeze(out);
      }
      return cache.list;
    },
    call,
    validate(id: string, args: unknown): ValidationResult {
      const entry = visibleEntry(id, "validate");
      const result = entry.op.parameters.safeParse(args === undefined ? {} : args);
      return result.success
        ? { valid: true, value: result.data, issues: [] }
        : { valid: false, issues: toIssues(result.error.issues) };
    },
    manifest(): string {
      assertAlive("manifest");
      return renderManifest(servers(false));
    },
    describe(server: string): string {
      assertAlive("describe");
      const found = servers(false).find((candidate) => candidate.name === server);
      if (found === undefined) {
        throw new ToolError(
          "TOOL_NOT_FOUND",
          `registry.describe: no server "${server}" with allowed tools; see registry.manifest().`,
        );
      }
      return renderDescribe(found);
    },
    signature(id: string): string {
      return renderSignature(visibleEntry(id, "signature").op);
    },
    source(id: string): string {
      return renderSource(visibleEntry(id, "source"));
    },
    typeSpec(id: string): ToolTypeSpec {
      return typeSpecOf(visibleEntry(id, "typeSpec").op);
    },
    search(query: string, searchOptions: ToolSearchOptions = {}): ToolSearchResult[] {
      assertAlive("search");
      const detail = searchOptions.detail ?? "summary";
      const limit = searchOptions.limit ?? 10;
      if (!["name", "summary", "full"].includes(detail)) {
        throw new ToolError(
          "INVALID_OPTIONS",
          `registry.search: detail must be "name", "summary" or "full", not "${String(detail)}".`,
        );
      }
      if (!Number.isInteger(limit) || limit < 1) {
        throw new ToolError(
          "INVALID_OPTIONS",
          `registry.search: limit must be a positive integer, not ${String(limit)}.`,
        );
      }
      if (cache.index === undefined) {
        cache.index = buildSearchIndex(
          servers(false).flatMap((server) =>
            server.entries.map(({ op }) => ({
              id: op.id,
              server: server.name,
              name: op.name,
              title: op.title ?? "",
              tags: op.tags,
              description: op.description,
              deprecated: op.deprecated,
            })),
          ),
        );
      }
      return cache.index.query(String(query), limit).map(({ id, score }) => {
        const entry = entries.get(id) as Entry;
        const hit: ToolSearchResult = { id, server: entry.server, name: entry.op.name, score };
        if (detail !== "name") hit.summary = summaryOf(entry.op);
        if (detail === "full") {
          hit.signature = renderSignature(entry.op);
          hit.source = renderSource(entry);
        }
        return hit;
      });
    },
    declarations(): string {
      assertAlive("declarations");
      cache.declarations ??= renderDeclarations(servers(true));
      return cache.declarations;
    },
    fileTree(): Record<string, string> {
      assertAlive("fileTree");
      cache.fileTree ??= renderFileTree(servers(true));
      return { ...cache.fileTree };
    },
    usage(executionId: string): ExecutionUsage {
      assertAlive("usage");
      const usage = usageByExecution.get(executionId);
      return { calls: usage?.calls ?? 0, cost: usage?.cost ?? 0 };
    },
    endExecution(executionId: string): void {
      assertAlive("endExecution");
      usageByExecution.delete(executionId);
    },
    dispose,
    [Symbol.dispose]: dispose,
  };
  for (const adapter of settings.adapters) register(adapter as ToolAdapter);
  return registry;
}
