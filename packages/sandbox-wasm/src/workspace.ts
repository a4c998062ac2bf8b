import { lstat, mkdir, open, readdir, readFile, realpath, rename, rm, unlink } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { nodeCrypto } from "./builtins.js";
import { SandboxError } from "./errors.js";
import { createValidator, type Field, numberField, recordField, stringField, type Validator } from "./validate.js";

/**
 * Files a program can see under `./workspace`, kept across the executions of one session. Paths are relative,
 * `/`-separated (`"notes/today.md"`, `"skills/sum.ts"`); implementations reject escapes and enforce a byte quota.
 *
 * @example
 * ```ts
 * async function copy(ws: Workspace): Promise<void> {
 *   const text = await ws.readFile("a.txt");
 *   if (text !== undefined) await ws.writeFile("b.txt", text);
 * }
 * ```
 */
export interface Workspace {
  /** The quota in bytes (UTF-8 contents of all files). */
  readonly maxBytes: number;
  /** A file's text, or `undefined` when it does not exist. */
  readFile(path: string, signal?: AbortSignal): Promise<string | undefined>;
  /**
   * Replaces a file atomically (readers see the old or the new text, never a mix).
   *
   * @throws {@link SandboxError} `WORKSPACE_QUOTA` past the quota, `WORKSPACE_PATH` for a bad path.
   */
  writeFile(path: string, text: string, signal?: AbortSignal): Promise<void>;
  /** Names in a directory (`""` for the root), sorted; directories end with `/`. Empty when it does not exist. */
  readdir(path: string, signal?: AbortSignal): Promise<string[]>;
  /** Deletes a file; true when it existed. */
  remove(path: string, signal?: AbortSignal): Promise<boolean>;
  /** Bytes and files in use. */
  usage(signal?: AbortSignal): Promise<WorkspaceUsage>;
}

/**
 * How much of a workspace is used.
 *
 * @example
 * ```ts
 * const usage: WorkspaceUsage = { bytes: 12, files: 1 };
 * ```
 */
export interface WorkspaceUsage {
  /** UTF-8 bytes of all file contents. */
  bytes: number;
  /** Number of files. */
  files: number;
}

const MAX_PATH_LENGTH = 512;
const SEGMENT = /^[A-Za-z0-9._@+=,-][A-Za-z0-9 ._@+=,-]*$/;

/**
 * Normalises a program-supplied workspace path to `a/b/c` form, accepting an optional `./workspace/`, `workspace/` or
 * `/workspace/` prefix and `./`. Rejects `..`, absolute paths elsewhere, empty segments, control characters,
 * backslashes and names outside a conservative character set.
 *
 * @param path - as the program wrote it
 * @param allowRoot - accept the workspace root itself (for `readdir`)
 * @returns the normalised relative path (`""` for the root)
 * @throws {@link SandboxError} `WORKSPACE_PATH` with a message saying what was wrong.
 *
 * @example
 * ```ts
 * normalizeWorkspacePath("./workspace/notes/a.md"); // "notes/a.md"
 * ```
 */
export function normalizeWorkspacePath(path: string, allowRoot = false): string {
  if (typeof path !== "string") throw pathError(String(path), "it is not a string");
  if (path.length > MAX_PATH_LENGTH) throw pathError(path.slice(0, 40), `it is longer than ${MAX_PATH_LENGTH}`);
  let p = path;
  for (const prefix of ["/workspace/", "./workspace/", "workspace/"]) {
    if (p.startsWith(prefix)) {
      p = p.slice(prefix.length);
      break;
    }
  }
  if (p === "/workspace" || p === "./workspace" || p === "workspace" || p === "." || p === "./" || p === "") {
    if (allowRoot) return "";
    throw pathError(path, "it names the workspace root, not a file");
  }
  if (p.startsWith("./")) p = p.slice(2);
  if (p.endsWith("/") && allowRoot) p = p.slice(0, -1);
  if (p.startsWith("/")) throw pathError(path, "absolute paths outside /workspace are not allowed");
  const segments = p.split("/");
  for (const segment of segments) {
    if (segment === "..") throw pathError(path, "`..` would leave the workspace");
    if (segment === "." || segment === "") throw pathError(path, "it has an empty or `.` segment");
    if (!SEGMENT.test(segment)) throw pathError(path, "use letters, digits, space and . _ - @ + = , only");
  }
  return segments.join("/");
}

function pathError(path: string, why: string): SandboxError {
  return new SandboxError("WORKSPACE_PATH", `Invalid workspace path ${JSON.stringify(path)}: ${why}.`);
}

function quotaError(needed: number, max: number): SandboxError {
  return new SandboxError(
    "WORKSPACE_QUOTA",
    `Workspace quota exceeded: the write needs ${needed} bytes in total but the quota is ${max}. Delete files or ask the host for a larger quota.`,
  );
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new SandboxError("ABORTED", "The workspace operation was aborted.", { cause: signal.reason });
}

const quotaField = (): Field => numberField({ int: true, positive: true, max: 2 ** 40 }, 10 * 1024 * 1024);

/**
 * Options of {@link createMemoryWorkspace}.
 *
 * @example
 * ```ts
 * const options: MemoryWorkspaceOptions = { maxBytes: 1_000_000 };
 * ```
 */
export interface MemoryWorkspaceOptions {
  /**
   * Byte quota for all file contents (UTF-8).
   * @defaultValue 10485760 (10 MiB)
   */
  maxBytes?: number;
  /** Files to start with, keyed by path. */
  files?: Record<string, string>;
}

/** Validates {@link MemoryWorkspaceOptions} (exported for the equivalence tests). */
export const memoryValidator: Validator<{ maxBytes: number; files?: Record<string, string> | undefined }> =
  createValidator({ maxBytes: quotaField(), files: recordField("string") }, true, "memory workspace");

/**
 * A workspace held in memory: fast, private to this process, gone when dropped.
 *
 * @param options - quota and initial files
 * @returns a {@link Workspace}
 * @throws {@link SandboxError} `INVALID_OPTIONS` for bad options; `WORKSPACE_PATH`/`WORKSPACE_QUOTA` for bad files.
 *
 * @example
 * ```ts
 * const ws = createMemoryWorkspace({ maxBytes: 1024 });
 * await ws.writeFile("hello.txt", "hi");
 * console.log(await ws.readFile("hello.txt")); // "hi"
 * ```
 */
export function createMemoryWorkspace(options: MemoryWorkspaceOptions = {}): Workspace {
  const parsed = memoryValidator.parse(options);
  const { maxBytes } = parsed;
  const files = new Map<string, { text: string; bytes: number }>();
  let used = 0;
  const put = (path: string, text: string): void => {
    const key = normalizeWorkspacePath(path);
    const bytes = Buffer.byteLength(text, "utf8");
    const previous = files.get(key)?.bytes ?? 0;
    if (used - previous + bytes > maxBytes) throw quotaError(used - previous + bytes, maxBytes);
    for (const existing of files.keys()) {
      if (existing.startsWith(`${key}/`)) throw pathError(path, "a directory of that name exists");
      if (key.startsWith(`${existing}/`)) throw pathError(path, `${existing} is a file`);
    }
    files.set(key, { text, bytes });
    used += bytes - previous;
  };
  for (const [path, text] of Object.entries(parsed.files ?? {})) put(path, text);
  return {
    maxBytes,
    async readFile(path, signal) {
      checkAbort(signal);
      return files.get(normalizeWorkspacePath(path))?.text;
    },
    async writeFile(path, text, signal) {
      checkAbort(signal);
      put(path, text);
    },
    async readdir(path, signal) {
      checkAbort(signal);
      const dir = normalizeWorkspacePath(path, true);
      const prefix = dir === "" ? "" : `${dir}/`;
      const names = new Set<string>();
      for (const key of files.keys()) {
        if (!key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length);
        const slash = rest.indexOf("/");
        names.add(slash === -1 ? rest : `${rest.slice(0, slash)}/`);
      }
      return [...names].sort();
    },
    async remove(path, signal) {
      checkAbort(signal);
      const key = normalizeWorkspacePath(path);
      const entry = files.get(key);
      if (!entry) return false;
      files.delete(key);
      used -= entry.bytes;
      return true;
    },
    async usage(signal) {
      checkAbort(signal);
      return { bytes: used, files: files.size };
    },
  };
}

/**
 * Options of {@link createDirectoryWorkspace}.
 *
 * @example
 * ```ts
 * const options: DirectoryWorkspaceOptions = { root: "/var/lib/agent/session-1", maxBytes: 50_000_000 };
 * ```
 */
export interface DirectoryWorkspaceOptions {
  /** The directory holding the files; created when missing. */
  root: string;
  /**
   * Byte quota for all file contents.
   * @defaultValue 10485760 (10 MiB)
   */
  maxBytes?: number;
}

/** Validates {@link DirectoryWorkspaceOptions} (exported for the equivalence tests). */
export const directoryValidator: Validator<{ root: string; maxBytes: number }> = createValidator(
  { root: { ...stringField(1), required: true }, maxBytes: quotaField() },
  true,
  "directory workspace",
);

/**
 * A workspace backed by a directory on disk: survives restarts; writes are atomic (temp file + rename); symbolic
 * links are never followed out of the root; operations are serialised so the quota cannot be raced.
 *
 * @param options - the root directory and quota
 * @returns a {@link Workspace}
 * @throws {@link SandboxError} `INVALID_OPTIONS` for bad options.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 *
 * const ws = createDirectoryWorkspace({ root: mkdtempSync(join(tmpdir(), "ws-")), maxBytes: 1_000_000 });
 * await ws.writeFile("skills/double.ts", "export const double = (n: number) => n * 2;");
 * ```
 */
export function createDirectoryWorkspace(options: DirectoryWorkspaceOptions): Workspace {
  const parsed = directoryValidator.parse(options);
  const { maxBytes } = parsed;
  const root = resolve(parsed.root);
  let realRoot: string | undefined;
  let used: number | undefined;
  let files = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };

  const ensureRoot = async (): Promise<string> => {
    if (realRoot === undefined) {
      await mkdir(root, { recursive: true });
      realRoot = await realpath(root);
    }
    return realRoot;
  };

  // Resolves a normalised path under the real root and checks that no existing component is a symbolic link.
  const locate = async (key: string): Promise<string> => {
    const base = await ensureRoot();
    const full = join(base, ...key.split("/"));
    const rel = relative(base, full);
    if (rel.startsWith("..") || rel.includes(`..${sep}`)) throw pathError(key, "it resolves outside the workspace");
    let current = base;
    for (const segment of key === "" ? [] : key.split("/")) {
      current = join(current, segment);
      const info = await lstat(current).catch(() => undefined);
      if (info === undefined) break;
      if (info.isSymbolicLink()) throw pathError(key, "it goes through a symbolic link");
    }
    return full;
  };

  const walk = async (dir: string): Promise<{ bytes: number; files: number }> => {
    let bytes = 0;
    let count = 0;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".tmp-")) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        const inner = await walk(full);
        bytes += inner.bytes;
        count += inner.files;
      } else if (entry.isFile()) {
        bytes += (await lstat(full)).size;
        count++;
      }
    }
    return { bytes, files: count };
  };

  const ensureUsage = async (): Promise<number> => {
    if (used === undefined) {
      const total = await walk(await ensureRoot());
      used = total.bytes;
      files = total.files;
    }
    return used;
  };

  const sizeOf = async (full: string): Promise<number | undefined> => {
    const info = await lstat(full).catch(() => undefined);
    if (info === undefined) return undefined;
    if (!info.isFile()) throw pathError(full, "it is not a regular file");
    return info.size;
  };

  return {
    maxBytes,
    readFile: (path, signal) =>
      serial(async () => {
        checkAbort(signal);
        const full = await locate(normalizeWorkspacePath(path));
        if ((await sizeOf(full)) === undefined) return undefined;
        return readFile(full, "utf8");
      }),
    writeFile: (path, text, signal) =>
      serial(async () => {
        checkAbort(signal);
        const key = normalizeWorkspacePath(path);
        const full = await locate(key);
        const current = await ensureUsage();
        const bytes = Buffer.byteLength(text, "utf8");
        const previous = await sizeOf(full);
        const total = current - (previous ?? 0) + bytes;
        if (total > maxBytes) throw quotaError(total, maxBytes);
        await mkdir(dirname(full), { recursive: true });
        await locate(key); // re-check: no symbolic link was created in between
        const temp = join(dirname(full), `.tmp-${nodeCrypto().randomBytes(6).toString("hex")}`);
        const handle = await open(temp, "wx", 0o600);
        try {
          await handle.writeFile(text, "utf8");
          await handle.sync();
        } finally {
          await handle.close();
        }
        try {
          await rename(temp, full);
        } catch (error) {
          await unlink(temp).catch(() => undefined);
          throw new SandboxError("WORKSPACE_PATH", `Could not write ${JSON.stringify(key)}: ${String(error)}`, {
            cause: error,
          });
        }
        used = total;
        if (previous === undefined) files++;
      }),
    readdir: (path, signal) =>
      serial(async () => {
        checkAbort(signal);
        const full = await locate(normalizeWorkspacePath(path, true));
        const entries = await readdir(full, { withFileTypes: true }).catch(() => []);
        return entries
          .filter((e) => !e.name.startsWith(".tmp-") && (e.isFile() || e.isDirectory()))
          .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
          .sort();
      }),
    remove: (path, signal) =>
      serial(async () => {
        checkAbort(signal);
        const full = await locate(normalizeWorkspacePath(path));
        const size = await sizeOf(full);
        if (size === undefined) return false;
        await ensureUsage();
        await rm(full);
        used = (used ?? size) - size;
        files--;
        return true;
      }),
    usage: (signal) =>
      serial(async () => {
        checkAbort(signal);
        const bytes = await ensureUsage();
        return { bytes, files };
      }),
  };
}
