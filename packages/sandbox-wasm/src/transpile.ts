type Transform = typeof import("sucrase").transform;

let transform: Transform | undefined;
let loading: Promise<void> | undefined;

/** True once sucrase is loaded. */
export function isStripperLoaded(): boolean {
  return transform !== undefined;
}

/**
 * Loads sucrase on first need: plain JavaScript programs never pay for it (it is the largest import of the package).
 */
export function ensureStripper(): Promise<void> {
  if (transform !== undefined) return Promise.resolve();
  loading ??= import("sucrase").then(
    (m) => {
      transform = m.transform;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** A program ready for QuickJS. */
export interface PreparedSource {
  /** JavaScript, with the same line numbers as the agent's source. */
  code: string;
  /** True when the code has `import`/`export` statements and must run as an ES module. */
  isModule: boolean;
  /** True when TypeScript syntax was stripped. */
  stripped: boolean;
}

/** A syntax error found while stripping, located in the agent's own source. */
export interface StripError {
  message: string;
  line: number;
  column: number;
}

// Patterns that only TypeScript has (or that mean something else in JavaScript, like `f<T>(x)`).
const TS_HINT =
  /\b(?:interface|enum|namespace|declare|implements|satisfies|readonly|abstract)\s+[A-Za-z_$]|\btype\s+[A-Za-z_$][\w$]*\s*(?:<[^>]*>)?\s*=|\)\s*:\s*[A-Za-z_${[(]|\b(?:let|const|var)\s+[A-Za-z_$][\w$]*\s*:\s*[A-Za-z_${[(]|[\w$)\]]\s*<[\w$\s,.[\]|&'"]+>\s*\(|\bas\s+(?:const\b|[A-Za-z_${[])|\(\s*[A-Za-z_$][\w$]*\s*\??:\s*[A-Za-z_${[(]|[A-Za-z_$][\w$]*\s*!\.|\bimport\s+type\b|\bexport\s+type\b|\bprivate\s|\bpublic\s|\bprotected\s/;
const MODULE_HINT =
  /(?:^|[\n;])\s*(?:import\s*(?:[\w$*{]|["'])|export\s+(?:default\b|const\b|let\b|var\b|function\b|async\b|class\b|\{|\*|type\b|interface\b|enum\b))/;

const cache = new Map<string, PreparedSource | StripError>();
const CACHE_LIMIT = 256;

/** True when the source looks like TypeScript. Cheap: one regular expression. */
export function looksLikeTypeScript(source: string): boolean {
  return TS_HINT.test(source);
}

/** True when the source has ES module syntax. */
export function looksLikeModule(source: string): boolean {
  return MODULE_HINT.test(source);
}

/**
 * Strips TypeScript syntax with sucrase (enums and namespaces become JavaScript, everything else is removed; line
 * numbers are kept). Results are cached by source text.
 *
 * @returns the JavaScript, or a {@link StripError} with the agent-source location of a syntax error
 */
export function stripTypes(input: string): PreparedSource | StripError {
  const source = withoutHashbang(input);
  const cached = cache.get(source);
  if (cached !== undefined) return cached;
  if (transform === undefined) throw new Error("stripTypes: call ensureStripper() first");
  let result: PreparedSource | StripError;
  try {
    const { code } = transform(source, {
      transforms: ["typescript"],
      disableESTransforms: true,
      keepUnusedImports: false,
      preserveDynamicImport: true,
    });
    result = { code, isModule: looksLikeModule(code), stripped: true };
  } catch (error) {
    const e = error as { message?: unknown; loc?: { line?: unknown; column?: unknown } };
    const line = typeof e.loc?.line === "number" ? e.loc.line : 1;
    const column = typeof e.loc?.column === "number" ? Math.max(1, e.loc.column) : 1;
    const message = String(e.message ?? error).replace(/\s*\(\d+:\d+\)\s*$/, "");
    result = { message, line, column };
  }
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(source, result);
  return result;
}

/** True for a {@link StripError}. */
export function isStripError(value: PreparedSource | StripError): value is StripError {
  return "message" in value;
}

/** A leading `#!` line becomes a comment (same line count): the program runs inside a function. */
function withoutHashbang(source: string): string {
  return source.startsWith("#!") ? `//${source.slice(2)}` : source;
}

/**
 * Prepares agent code for QuickJS: strips TypeScript when asked or when the code looks like it, and detects modules.
 */
export function prepareSource(
  input: string,
  language: "auto" | "typescript" | "javascript",
): PreparedSource | StripError {
  const source = withoutHashbang(input);
  if (language === "typescript" || (language === "auto" && looksLikeTypeScript(source))) return stripTypes(source);
  return { code: source, isModule: looksLikeModule(source), stripped: false };
}
