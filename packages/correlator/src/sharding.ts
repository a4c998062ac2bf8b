import type { SecurityEvent } from "./event.js";
import type { FieldPath } from "./filter.js";
import { fnv1a32 } from "./hash.js";
import { compileKeyReader } from "./runtime.js";

/**
 * The group key the correlator would use for an event: the same text, joined the same way, bounded the same way.
 * Route events to shards by it.
 *
 * @param event - an event
 * @param groupBy - the group-by of the patterns a shard runs
 * @returns the key, or `undefined` when the event lacks a group field (no pattern grouping this way takes it)
 * @example
 * ```ts
 * import { groupKeyOf } from "@athena/correlator";
 *
 * groupKeyOf({ type: "AUTHENTICATION_FAILURE", source: "sshd", severity: "medium", timestamp: 0, ipAddress: "203.0.113.9" }, "ipAddress");
 * // → "203.0.113.9"
 * ```
 */
export function groupKeyOf(event: SecurityEvent, groupBy: FieldPath | readonly FieldPath[]): string | undefined {
  return compileKeyReader(typeof groupBy === "string" ? [groupBy] : groupBy)(event);
}

/**
 * Which of `shards` shards owns a group key: FNV-1a of the key modulo the shard count. Stable across processes,
 * machines and Node versions, so every router agrees.
 *
 * @param key - a group key from {@link groupKeyOf}
 * @param shards - the number of shards (a positive integer)
 * @returns the shard index in [0, shards)
 * @throws RangeError when `shards` is not a positive integer
 * @example
 * ```ts
 * import { groupKeyOf, shardForKey } from "@athena/correlator";
 *
 * const event = { type: "AUTHENTICATION_FAILURE", source: "sshd", severity: "medium" as const, timestamp: 0, ipAddress: "203.0.113.9" };
 * const shard = shardForKey(groupKeyOf(event, "ipAddress") ?? "", 4); // 0..3, the same in every process
 * ```
 */
export function shardForKey(key: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1)
    throw new RangeError(`shards must be a positive integer (got ${shards})`);
  return fnv1a32(key) % shards;
}
