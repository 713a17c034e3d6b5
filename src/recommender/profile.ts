// A bettor's taste as plain data: per feature, a time-decayed weight of the coupons that had it, and the
// `all` row with the same for every coupon. A feature's share is the part of the user's recent coupons
// that had it (in [0, 1]); shares are what the affinity and co-bet algorithms score with.
import type { UserFeatureRow } from '../storage/repositories/tastes.ts'
import { valueAt, type Decayed } from './decay.ts'
import { ALL_COUPONS, betEventOf, kindOf, type FeatureKind } from './features.ts'

export interface FeatureWeight extends Decayed { bets: number, coupons: number }

export interface Profile {
  /** Every coupon of the user (undefined: none yet). */
  all: FeatureWeight | undefined
  features: ReadonlyMap<string, FeatureWeight>
  /** The events the user bet on (their `bet:` rows). */
  betEvents: ReadonlySet<number>
}

export const EMPTY_PROFILE: Profile = { all: undefined, features: new Map(), betEvents: new Set() }

export function profileFromRows (rows: readonly UserFeatureRow[]): Profile {
  const features = new Map<string, FeatureWeight>()
  const betEvents = new Set<number>()
  let all: FeatureWeight | undefined
  for (const row of rows) {
    const bet = betEventOf(row.feature)
    if (bet !== undefined) {
      betEvents.add(bet)
      continue
    }
    const weight = { weight: row.weight, at: row.at, bets: row.bets, coupons: row.coupons }
    if (row.feature === ALL_COUPONS) all = weight
    else features.set(row.feature, weight)
  }
  return { all, features, betEvents }
}

/** Shares of every feature at `now`, by key. */
export function sharesAt (profile: Profile, now: number, halfLifeMicros: number): Map<string, number> {
  const shares = new Map<string, number>()
  if (profile.all === undefined) return shares
  const total = valueAt(profile.all, now, halfLifeMicros)
  if (total <= 0) return shares
  for (const [key, weight] of profile.features) shares.set(key, Math.min(1, valueAt(weight, now, halfLifeMicros) / total))
  return shares
}

/** The `n` features of a kind with the largest shares, largest first (ties by key, for stable answers). */
export function topFeatures (shares: ReadonlyMap<string, number>, kind: FeatureKind, n: number): string[] {
  return [...shares].filter(([key]) => kindOf(key) === kind)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n).map(([key]) => key)
}
