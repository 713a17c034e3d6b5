// Time decay: a bet counts fully when placed and half as much every half-life after. A decayed sum is kept
// as (weight, at): its value at `at`. Adding to it is commutative, so coupons stored out of time order
// give the same state as in order; the same arithmetic runs in SQL (user features, event trends).

export interface Decayed { weight: number, at: number }

export const MICROS_PER_HOUR = 3_600_000_000
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR

export function decayFactor (elapsedMicros: number, halfLifeMicros: number): number {
  return elapsedMicros <= 0 ? 1 : 0.5 ** (elapsedMicros / halfLifeMicros)
}

/** `sum` plus `weight` placed at `at`, expressed at the later of the two instants. */
export function addDecayed (sum: Decayed | undefined, weight: number, at: number, halfLifeMicros: number): Decayed {
  if (sum === undefined) return { weight, at }
  const latest = Math.max(sum.at, at)
  return {
    weight: sum.weight * decayFactor(latest - sum.at, halfLifeMicros) + weight * decayFactor(latest - at, halfLifeMicros),
    at: latest
  }
}

/** The sum's value at `now` (never grown for a `now` before its last bet). */
export function valueAt (sum: Decayed, now: number, halfLifeMicros: number): number {
  return sum.weight * decayFactor(now - sum.at, halfLifeMicros)
}
