import { ActionApplier } from "./actions.js";
import { type SensitiveCategory, typeTable } from "./catalog.js";
import { createCaches, type EngineConfig, runEngine } from "./engine.js";
import { FilterError } from "./errors.js";
import {
  type ParsedDetector,
  parseDetectorOptions,
  type ResolvedDetection,
  resolveDetection,
  type SensitiveFieldDetectorOptions,
  unknownType,
} from "./options.js";
import { type Hit, scanText } from "./scanner.js";
import { type InternalStage, STAGE } from "./stage.js";
import type { ActionSetting, DataFilter, FilterContext, FilterFinding, TokenVault } from "./types.js";

/**
 * One sensitive value found in a string by {@link SensitiveFieldDetector.scanText}.
 *
 * @example
 * ```ts
 * const match: TextMatch = { type: "email", category: "pii", start: 8, end: 23 };
 * ```
 */
export interface TextMatch {
  /** The sensitive type. */
  type: string;
  /** `secret` or `pii`. */
  category: SensitiveCategory;
  /** Start offset (UTF-16 code units). */
  start: number;
  /** End offset, exclusive. */
  end: number;
}

/**
 * Finds secrets and personal data by field name and by value, and applies the configured action to each. Used as the
 * first stage of a {@link FilterPipeline}, or on its own.
 *
 * @example
 * ```ts
 * import { createSensitiveFieldDetector } from "@athena/filter";
 * const detector = createSensitiveFieldDetector({ actions: { pii: "mask" } });
 * detector.detect({ user: { email: "ada@example.com" } }); // [{ path: "$.user.email", type: "email", action: "mask", … }]
 * detector.scanText("key AKIAZ7Q2RL5XW3MNBV4P"); // [{ type: "aws_access_key_id", start: 4, end: 24, … }]
 * ```
 */
export interface SensitiveFieldDetector extends DataFilter {
  /** Returns a filtered copy of `value`, reporting each finding to `context`. Never throws on JSON-like input. */
  apply(value: unknown, context: FilterContext): unknown;
  /** Reports what `apply` would find and do, without changing anything (no placeholders are issued). */
  detect(value: unknown): FilterFinding[];
  /** Finds sensitive values inside one string (value formats only; field names need structure). */
  scanText(text: string): TextMatch[];
}

/** Shared between the detector and the pipeline: resolves the action of each type once. */
export function makeActionFor(
  actions: Readonly<Record<string, ActionSetting>>,
  detection: ResolvedDetection,
  vault: TokenVault | undefined,
  where: string,
): (type: string) => ActionSetting {
  const types = typeTable();
  for (const [key, setting] of Object.entries(actions)) {
    if (key !== "secret" && key !== "pii" && !types.has(key) && !detection.customTypes.has(key))
      throw unknownType(key, `${where} actions`);
    if (setting === "tokenize" && vault === undefined)
      throw new FilterError(
        "INVALID_OPTIONS",
        `${where}: actions.${key} is "tokenize" but no vault was given: pass { vault: createTokenVault() }.`,
      );
  }
  const cache = new Map<string, ActionSetting>();
  return (type: string): ActionSetting => {
    const cached = cache.get(type);
    if (cached !== undefined) return cached;
    let setting: ActionSetting;
    if (detection.off.has(type)) setting = "off";
    else {
      const category = types.get(type)?.category ?? "secret";
      setting =
        actions[type] ?? actions[category] ?? (category === "pii" && vault !== undefined ? "tokenize" : "redact");
    }
    if (cache.size < 10_000) cache.set(type, setting);
    return setting;
  };
}

/** The HMAC key: the caller's, or 32 random bytes. */
export function resolveKey(key: string | Uint8Array | undefined): Uint8Array {
  if (typeof key === "string") return new TextEncoder().encode(key);
  if (key instanceof Uint8Array) return new Uint8Array(key);
  const random = new Uint8Array(32);
  globalThis.crypto.getRandomValues(random);
  return random;
}

/**
 * Creates a {@link SensitiveFieldDetector}.
 *
 * @param options - detection switches, extra field names, per-type or per-category actions, the vault for
 *   `tokenize`, the HMAC key for `hash`
 * @throws FilterError `INVALID_OPTIONS` for unknown options or types, out-of-range numbers, or `tokenize` without a
 *   vault
 * @example
 * ```ts
 * import { createSensitiveFieldDetector, createTokenVault } from "@athena/filter";
 * const detector = createSensitiveFieldDetector({ vault: createTokenVault(), actions: { secret: "redact", pii: "tokenize" } });
 * const findings: unknown[] = [];
 * const safe = detector.apply({ email: "ada@example.com" }, { report: (f) => findings.push(f), note: () => {} });
 * // safe = { email: "[EMAIL_1]" }
 * ```
 */
export function createSensitiveFieldDetector(options: SensitiveFieldDetectorOptions = {}): SensitiveFieldDetector {
  return detectorFromParsed(parseDetectorOptions(options), "createSensitiveFieldDetector");
}

/** Builds a detector from validated options; `where` names the factory in error messages. */
export function detectorFromParsed(parsed: ParsedDetector & { name: string }, where: string): SensitiveFieldDetector {
  const detection = resolveDetection(parsed);
  const actionFor = makeActionFor(parsed.actions, detection, parsed.vault, where);
  const key = resolveKey(parsed.hmacKey);
  const config: EngineConfig = {
    ...detection,
    actionFor,
    applier: new ActionApplier(key, parsed.hashLength, parsed.vault),
    vault: parsed.vault,
    caches: createCaches(detection.fieldExtra, detection.fieldIgnore),
  };
  const dryRun: EngineConfig = {
    ...config,
    applier: new ActionApplier(key, parsed.hashLength, parsed.vault, true),
    vault: undefined,
  };
  const detector: SensitiveFieldDetector & InternalStage = {
    name: parsed.name,
    apply(value: unknown, context: FilterContext): unknown {
      return runEngine(value, config, {
        finding: (finding) => context.report(finding),
        note: (note) => context.note(note),
      }).data;
    },
    detect(value: unknown): FilterFinding[] {
      const findings: FilterFinding[] = [];
      runEngine(value, dryRun, { finding: (finding) => findings.push(finding), note: () => {} });
      return findings;
    },
    scanText(text: string): TextMatch[] {
      if (typeof text !== "string") return [];
      const hits: Hit[] = [];
      scanText(text, config.caches.scan, hits);
      const out: TextMatch[] = [];
      for (const hit of hits) {
        if (actionFor(hit.type) === "off") continue;
        out.push({
          type: hit.type,
          category: typeTable().get(hit.type)?.category ?? "secret",
          start: hit.start,
          end: hit.end,
        });
      }
      return out;
    },
    [STAGE](value, sink) {
      const out = runEngine(value, config, sink);
      return {
        data: out.data,
        originalBytes: out.originalBytes,
        filteredBytes: out.filteredBytes,
        edits: out.edits,
        truncated: false,
      };
    },
  };
  return detector;
}
