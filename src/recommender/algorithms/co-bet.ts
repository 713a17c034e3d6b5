// co-bet: item-to-item from coupons with several selections, learnt from every bettor. Events expire at
// kick-off, so what outlives them is learnt at the league level — which leagues are bet together — beside
// the event level for events still open (the next leg of a slip).
import type { LeaguePairDelta } from '../../storage/repositories/co-bets.ts'
import { kindOf } from '../features.ts'
import type { ReasonDraft } from '../reasons.ts'
import { maxScore, type Scored } from './scored.ts'

/** An open event bet together with one already chosen, and which one (for the explanation). */
export interface PartnerEvidence { eventId: number, begin: number, together: number, withTitle: string }

/** An open event of a league related to the user's or the slip's leagues. */
export interface LeagueCandidate { eventId: number, begin: number, league: string }

/** The league-matched candidates among open events found by feature, as co-bet's league candidates. */
export function leagueCandidatesOf (candidates: ReadonlyArray<{ eventId: number, begin: number, features: readonly string[] }>): LeagueCandidate[] {
  return candidates.flatMap((c) => c.features.filter((f) => kindOf(f) === 'league').map((league) => ({ eventId: c.eventId, begin: c.begin, league })))
}

/** How strongly a league goes with the one(s) given: Σ weight(l) · P(other | l), from league pair counts. */
export function relatedLeagues (weights: ReadonlyMap<string, number>, pairs: readonly LeaguePairDelta[]): Map<string, number> {
  const totals = new Map<string, number>()
  for (const p of pairs) totals.set(p.league, (totals.get(p.league) ?? 0) + p.together)
  const related = new Map<string, number>()
  for (const p of pairs) {
    const weight = weights.get(p.league) ?? 0
    const total = totals.get(p.league) ?? 0
    if (weight === 0 || total === 0) continue
    related.set(p.other, (related.get(p.other) ?? 0) + weight * p.together / total)
  }
  return related
}

/** The `n` keys with the largest values, largest first (ties by key, for stable answers). */
export function strongest (values: ReadonlyMap<string, number>, n: number): string[] {
  return [...values].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([key]) => key)
}

/** Event-level evidence counts fully; league-level evidence half (it is a weaker, broader signal). */
export const LEAGUE_EVIDENCE_WEIGHT = 0.5

export interface CoBetInput {
  partners: readonly PartnerEvidence[]
  leagueCandidates: readonly LeagueCandidate[]
  related: ReadonlyMap<string, number>
  /** What a league-level reason names: the slip's league, or nothing for a user's mix of leagues. */
  leagueLabel: string | undefined
  /** The timing weight of an event by its kick-off: the coming week for a user, nearness to the slip for a slip. */
  timing: (begin: number) => number
}

export function scoreCoBet ({ partners, leagueCandidates, related, leagueLabel, timing }: CoBetInput): Scored[] {
  const byEvent = new Map<number, { score: number, reason: ReasonDraft, part: number }>()
  const add = (eventId: number, part: number, reason: ReasonDraft) => {
    const entry = byEvent.get(eventId)
    if (entry === undefined) byEvent.set(eventId, { score: part, reason, part })
    else {
      entry.score += part
      if (part > entry.part) Object.assign(entry, { reason, part })
    }
  }
  const maxTogether = maxScore(partners.map((p) => p.together))
  for (const p of partners) {
    if (maxTogether > 0) add(p.eventId, p.together / maxTogether * timing(p.begin), { code: 'co_bet.event', withTitle: p.withTitle })
  }
  for (const c of leagueCandidates) {
    const strength = related.get(c.league) ?? 0
    if (strength > 0) add(c.eventId, LEAGUE_EVIDENCE_WEIGHT * strength * timing(c.begin), { code: 'co_bet.league', withLabel: leagueLabel })
  }
  return [...byEvent].map(([eventId, e]) => ({ eventId, score: e.score, reason: e.reason }))
}
