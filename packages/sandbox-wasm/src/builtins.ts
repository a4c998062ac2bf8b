/**
 * Node built-ins that pull in many internal modules (`worker_threads` loads the streams stack, `crypto` ~15 modules),
 * loaded on first use with `process.getBuiltinModule` (Node >= 20.16) instead of a static import: importing this
 * package and running a first program in-process needs neither, and each costs milliseconds of startup.
 */

/** `node:crypto`, loaded on first use. */
export function nodeCrypto(): typeof import("node:crypto") {
  return process.getBuiltinModule("node:crypto");
}

/** `node:worker_threads`, loaded on first use (only the pool needs it). */
export function workerThreads(): typeof import("node:worker_threads") {
  return process.getBuiltinModule("node:worker_threads");
}
