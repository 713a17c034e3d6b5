// trending: what bettors back right now — open events by time-decayed bet volume. Needs no history of the
// user, so it serves cold starts and fills every other algorithm's empty slots.
import type { RecentBet, TrendRow } from '../../storage/repositories/trends.ts'
import { addDecayed, valueAt, type Decayed } from '../decay.ts'
import type { Scored } from './scored.ts'

export interface Trend { eventId: number, sport: string, begin: number, value: number }

/** Stored trends brought to `now`. */
export function trendsAt (rows: readonly TrendRow[], now: number, halfLifeMicros: number): Trend[] {
  return rows.map((r) => ({ eventId: r.eventId, sport: r.sport, begin: r.begin, value: valueAt({ weight: r.trend, at: r.at }, now, halfLifeMicros) }))
}

/** The same trends computed from raw selections (the `?at=` path): each selection adds 1, decayed. */
export function trendsFromBets (bets: readonly RecentBet[], now: number, halfLifeMicros: number): Trend[] {
  const sums = new Map<number, { sport: string, begin: number, sum: Decayed }>()
  for (const bet of bets) {
    const entry = sums.get(bet.eventId)
    if (entry === undefined) sums.set(bet.eventId, { sport: bet.sport, begin: bet.begin, sum: { weight: 1, at: bet.placedAt } })
    else entry.sum = addDecayed(entry.sum, 1, bet.placedAt, halfLifeMicros)
  }
  return [...sums].map(([eventId, e]) => ({ eventId, sport: e.sport, begin: e.begin, value: valueAt(e.sum, now, halfLifeMicros) }))
}

/** Most backed first; ties to the sooner event, then the lower id. */
export function rankTrends (trends: readonly Trend[]): Trend[] {
  return [...trends].sort((a, b) => b.value - a.value || a.begin - b.begin || a.eventId - b.eventId)
}

export function scoreTrending (ranked: readonly Trend[]): Scored[] {
  return ranked.map((t) => ({ eventId: t.eventId, score: t.value, reason: { code: 'trending' } }))
}
