/**
 * FNV-1a over the UTF-16 code units of a string, 32 bits. Stable across processes and Node versions, which is what
 * shard routing and fingerprints need (it is not a cryptographic hash).
 *
 * @param text - any string
 * @param seed - the offset basis; another seed gives an independent hash
 * @returns an unsigned 32-bit hash
 */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Longest group key or distinct value kept verbatim; longer ones are shortened to a prefix plus a hash. */
export const MAX_KEY_LENGTH = 256;

/**
 * Bounds a key's length so an attacker cannot make one tracked key cost megabytes: keys longer than
 * {@link MAX_KEY_LENGTH} become their first 200 characters, `#`, and two independent 32-bit hashes of the whole key.
 *
 * @param key - a group key or distinct value
 * @returns the key, or its bounded form
 */
export function boundKey(key: string): string {
  if (key.length <= MAX_KEY_LENGTH) return key;
  return `${key.slice(0, 200)}#${fnv1a32(key).toString(16)}${fnv1a32(key, 0x9747b28c).toString(16)}`;
}
