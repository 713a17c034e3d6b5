// Deterministic randomness for generated data: a small PRNG, independent streams per purpose, and the
// draws the generators use.

export type Random = () => number

/** mulberry32: a tiny, fast PRNG of good enough quality for test data; [0, 1). */
function mulberry32 (seed: number): Random {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Independent streams per purpose, so each can be generated (and re-generated) without the others. */
export function stream (seed: number, salt: number): Random {
  return mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35))
}

export const int = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1))
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T

/** An index drawn with probability proportional to its weight (the last one when all are 0). */
export function weighted (random: Random, weights: readonly number[]): number {
  let total = 0
  for (const w of weights) total += w
  let r = random() * total
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i] as number
    if (r < 0) return i
  }
  return weights.length - 1
}

export function shuffle<T> (random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const tmp = items[i] as T
    items[i] = items[j] as T
    items[j] = tmp
  }
  return items
}

/** A draw from a standard normal distribution (Box-Muller). */
export function normal (random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}
