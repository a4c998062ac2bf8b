import type { RawResult } from "./engine.js";
import type { ResolvedOptions } from "./options.js";
import type { CompiledWasm } from "./quickjs.js";
import type { ToolInfo } from "./types.js";

/** The options a worker needs: everything but the host-side functions. */
export type WorkerOptions = Omit<
  ResolvedOptions,
  "tools" | "outputFilter" | "onSecurityEvent" | "createExecutionId" | "clock"
>;

/** Passed as `workerData`. */
export interface WorkerInit {
  options: WorkerOptions;
  /** The release build's WebAssembly, compiled once on the main thread: the worker only instantiates it. */
  wasm?: CompiledWasm | undefined;
}

/** Main thread → worker. */
export type ToWorker =
  | {
      type: "run";
      runId: number;
      code: string;
      input: unknown;
      executionId: string;
      timeoutMs: number;
      tools: ToolInfo[] | undefined;
      hasWorkspace: boolean;
      hasSessionState: boolean;
      sessionState: unknown;
    }
  | { type: "abort"; runId: number }
  | { type: "reply"; runId: number; callId: number; ok: true; value: unknown }
  | { type: "reply"; runId: number; callId: number; ok: false; message: string; code: string | undefined };

/** Workspace operations a worker asks the main thread to do. */
export type WorkspaceOp = "readFile" | "writeFile" | "readdir" | "remove" | "usage";

/** Worker → main thread. */
export type FromWorker =
  | { type: "ready" }
  | { type: "failed"; message: string }
  | { type: "tool"; runId: number; callId: number; id: string; args: unknown }
  | { type: "fs"; runId: number; callId: number; op: WorkspaceOp; args: unknown[] }
  | { type: "done"; runId: number; raw: RawResult };
