/**
 * Worker-thread entry of the sandbox pool: runs one program at a time with the same engine as `createWasmSandbox`.
 * Tool calls and workspace operations are forwarded to the main thread, which serves them with the host's objects.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runProgram } from "./engine.js";
import type { ResolvedOptions } from "./options.js";
import { acquireQuickJS, prepareQuickJS, useReleaseWasm } from "./quickjs.js";
import { ensureStripper } from "./transpile.js";
import type { ToolHost } from "./types.js";
import type { FromWorker, ToWorker, WorkerInit, WorkspaceOp } from "./worker-protocol.js";
import type { Workspace } from "./workspace.js";

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const port = parentPort;
if (port !== null) {
  const init = workerData as WorkerInit;
  const options = init.options as ResolvedOptions;
  if (init.wasm !== undefined) useReleaseWasm(init.wasm);
  const pending = new Map<number, Pending>();
  const aborts = new Map<number, AbortController>();
  let nextCall = 0;
  const post = (message: FromWorker): void => port.postMessage(message);

  const ask = (message: (callId: number) => FromWorker): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const callId = ++nextCall;
      pending.set(callId, { resolve, reject });
      post(message(callId));
    });

  // Workers are long-lived: load QuickJS and the TypeScript stripper before reporting ready.
  Promise.all([prepareQuickJS(options.maxMemoryMb), ensureStripper()]).then(
    () => {
      port.on("message", (message: ToWorker) => {
        if (message.type === "reply") {
          const p = pending.get(message.callId);
          if (p === undefined) return;
          pending.delete(message.callId);
          if (message.ok) p.resolve(message.value);
          else
            p.reject(
              Object.assign(new Error(message.message), message.code === undefined ? {} : { code: message.code }),
            );
          return;
        }
        if (message.type === "abort") {
          aborts.get(message.runId)?.abort(new Error("aborted by the host"));
          return;
        }
        const { runId } = message;
        const controller = new AbortController();
        aborts.set(runId, controller);
        const infos = message.tools;
        const tools: ToolHost | undefined =
          infos === undefined
            ? undefined
            : {
                list: () => infos,
                call: (id, args) => ask((callId) => ({ type: "tool", runId, callId, id, args })),
              };
        const fs = (op: WorkspaceOp, ...args: unknown[]): Promise<unknown> =>
          ask((callId) => ({ type: "fs", runId, callId, op, args }));
        const workspace: Workspace | undefined = message.hasWorkspace
          ? {
              maxBytes: Number.MAX_SAFE_INTEGER,
              readFile: (path) => fs("readFile", path) as Promise<string | undefined>,
              writeFile: async (path, text) => {
                await fs("writeFile", path, text);
              },
              readdir: (path) => fs("readdir", path) as Promise<string[]>,
              remove: (path) => fs("remove", path) as Promise<boolean>,
              usage: () => fs("usage") as Promise<{ bytes: number; files: number }>,
            }
          : undefined;
        // Each execution runs in an instance with its memory capped (2 × maxMemoryMb + 32 MiB), given back after.
        acquireQuickJS(options.maxMemoryMb)
          .then((lease) =>
            runProgram(
              lease.module,
              options,
              {
                code: message.code,
                input: message.input,
                executionId: message.executionId,
                timeoutMs: message.timeoutMs,
                signal: controller.signal,
                tools,
                workspace,
                hasSessionState: message.hasSessionState,
                sessionState: message.sessionState,
              },
              lease,
            ).then((raw) => {
              lease.release(raw.moduleSuspect === true);
              return raw;
            }),
          )
          .then((raw) => {
            aborts.delete(runId);
            post({ type: "done", runId, raw });
          });
      });
      post({ type: "ready" });
    },
    (error: unknown) => post({ type: "failed", message: String(error) }),
  );
}
