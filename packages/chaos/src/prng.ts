/** A source of uniform numbers in [0, 1): the same seed gives the same sequence. */
export type Random = () => number;

/**
 * FNV-1a over the UTF-16 code units of `text`, as an unsigned 32-bit integer. Used to give every target its own
 * stream of random numbers derived from the engine's seed, independent of the order experiments start in.
 *
 * @param text - any string
 * @returns a 32-bit hash
 */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** splitmix32: spreads one 32-bit seed over the four words sfc32 needs. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * sfc32 (small, fast, passes PractRand to 2^40 bytes) as a class: every instance shares one `next` method, so the
 * engine's hot path calls it monomorphically and V8 inlines it (a closure per instance would not be).
 */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @param seed - any integer (only its low 32 bits are used)
   * @param stream - a second integer mixed into the seed, e.g. `hashString(target)`
   */
  constructor(seed: number, stream = 0) {
    const init = splitmix32((seed ^ Math.imul(stream >>> 0, 0x27d4eb2d)) >>> 0);
    this.a = init();
    this.b = init();
    this.c = init();
    this.d = init();
    // Discard the first outputs: sfc32's early values correlate weakly with its seed words.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** The next uniform number in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    const c = (this.c << 21) | (this.c >>> 11);
    this.c = (c + t) >>> 0;
    return t / 4294967296;
  }
}

/**
 * A seeded PRNG: the same `seed` and `stream` give the same sequence on every run and platform.
 *
 * @param seed - any integer (only its low 32 bits are used)
 * @param stream - a second integer mixed into the seed, e.g. `hashString(target)`
 * @returns a function returning uniform numbers in [0, 1)
 */
export function createRandom(seed: number, stream = 0): Random {
  const generator = new Sfc32(seed, stream);
  return () => generator.next();
}
