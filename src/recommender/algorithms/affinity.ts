// affinity: an open event scores by what it shares with the bettor's time-decayed taste — its participants
// most, its league next, its sport least — weighted by how likely it is to be bet in the coming week
// (timing.ts).
import { kindOf, sportOfKey, type FeatureKind } from '../features.ts'
import type { FeatureWeight } from '../profile.ts'
import type { Scored } from './scored.ts'

/** A participant the bettor backs says more than a league, a league more than a sport. */
export const KIND_WEIGHTS: Record<FeatureKind, number> = { team: 1, league: 0.6, sport: 0.25 }

/** An open event and which of the bettor's league and participant features it has. */
export interface TasteCandidate { eventId: number, begin: number, features: readonly string[] }

export interface AffinityInput {
  candidates: readonly TasteCandidate[]
  shares: ReadonlyMap<string, number>
  /** The bettor's counts per feature and overall, for the explanation. */
  counts: ReadonlyMap<string, FeatureWeight>
  totalCoupons: number
  /** The timing weight of an event by its kick-off (timing.ts). */
  timing: (begin: number) => number
}

export function scoreAffinity ({ candidates, shares, counts, totalCoupons, timing }: AffinityInput): Scored[] {
  const scored: Scored[] = []
  for (const candidate of candidates) {
    const keys = new Set(candidate.features)
    if (candidate.features.length > 0) keys.add(sportOfKey(candidate.features[0] as string))
    let score = 0
    let best: { key: string, part: number } | undefined
    for (const key of keys) {
      const kind = kindOf(key)
      const share = shares.get(key) ?? 0
      if (kind === undefined || share === 0) continue
      const part = KIND_WEIGHTS[kind] * share
      score += part
      if (best === undefined || part > best.part) best = { key, part }
    }
    if (best === undefined) continue
    const kind = kindOf(best.key) as FeatureKind
    scored.push({
      eventId: candidate.eventId,
      score: score * timing(candidate.begin),
      reason: { code: `affinity.${kind}`, key: best.key, coupons: counts.get(best.key)?.coupons ?? 0, total: totalCoupons }
    })
  }
  return scored
}
