// Bet-slip suggestions and related events: open events most often on one coupon with the slip's, then events
// of the leagues bet together with the slip's, nearest the slip's first kick-off first; the user's taste only
// breaks ties. The service's gate (service.ts) decides whether they may be shown at all.
import type { Event } from '../domain/entities.ts'
import { scoreAffinity } from './algorithms/affinity.ts'
import { leagueCandidatesOf, relatedLeagues, scoreCoBet, strongest, type PartnerEvidence } from './algorithms/co-bet.ts'
import { soonness, type Scored } from './algorithms/scored.ts'
import { eventTitle, leagueKey } from './features.ts'
import { CANDIDATE_LIMITS, type RequestInputs } from './inputs.ts'
import type { ReasonDraft } from './reasons.ts'
import { SlotFiller } from './slots.ts'

/** Events chosen for an answer, each with the reason it was chosen. */
export type Chosen = ReadonlyArray<{ event: Event, reason: ReasonDraft }>

export async function suggest (inputs: RequestInputs, slipEvents: Event[], limit: number): Promise<Chosen> {
  const { now, userId, repos } = inputs
  const skip = [...slipEvents.map((e) => e.id), ...await inputs.excluded()]
  const withTitle = slipTitle(slipEvents)
  const partners: PartnerEvidence[] = (await repos.coBets.partners(slipEvents.map((e) => e.id), now, limit * 10, skip))
    .map((p) => ({ ...p, withTitle }))
  const leagues = new Map(slipEvents.map((e) => [leagueKey(e), 1 / slipEvents.length]))
  const related = relatedLeagues(leagues, await inputs.leaguePartners([...leagues.keys()]))
  const candidates = await inputs.candidates(strongest(related, CANDIDATE_LIMITS.relatedLeagues))
  const first = slipEvents[0] as Event
  const firstKickOff = Math.max(now, Math.min(...slipEvents.map((e) => e.begin_timestamp)))
  const scored = scoreCoBet({
    partners,
    leagueCandidates: leagueCandidatesOf(candidates),
    related,
    leagueLabel: slipEvents.length === 1 ? `${first.league} (${first.country})` : undefined,
    // Accumulators are built from one round of fixtures: nearness to the slip's first kick-off counts.
    timing: (begin) => soonness(begin, firstKickOff)
  })
  const skipped = new Set(skip)
  const open = scored.filter((s) => !skipped.has(s.eventId)).sort((a, b) => b.score - a.score)
  // The user's taste breaks ties between equally strong co-bet evidence; it is read only when the
  // events that would fill the slots hold such a tie.
  const tieBreak = new Map<number, number>()
  const tied = open.slice(0, limit + 1).some((s, i, list) => i > 0 && s.score === (list[i - 1] as Scored).score)
  if (userId !== undefined && tied) {
    const taste = await inputs.taste()
    for (const s of scoreAffinity({ candidates, shares: taste.shares, counts: taste.profile.features, totalCoupons: taste.totalCoupons, timing: () => 1 })) tieBreak.set(s.eventId, s.score)
  }
  const begins = new Map([...candidates, ...partners].map((c) => [c.eventId, c.begin]))
  open.sort((a, b) => b.score - a.score || (tieBreak.get(b.eventId) ?? 0) - (tieBreak.get(a.eventId) ?? 0) ||
    (begins.get(a.eventId) ?? 0) - (begins.get(b.eventId) ?? 0) || a.eventId - b.eventId)
  const slots = new SlotFiller<Event>(limit, skipped, now)
  const top = open.slice(0, limit)
  const events = await inputs.events(top.map((s) => s.eventId))
  slots.offer(top.map((s) => events.get(s.eventId)).filter((e): e is Event => e !== undefined))
  const reasons = new Map(top.map((s) => [s.eventId, s.reason]))
  return slots.chosen.map((event) => ({ event, reason: reasons.get(event.id) as ReasonDraft }))
}

/** How a reason names the slip: its event, or its first two and how many more. */
function slipTitle (events: readonly Event[]): string {
  const titles = events.slice(0, 2).map(eventTitle)
  const more = events.length - titles.length
  return `${titles.join(' and ')}${more > 0 ? ` and ${more} more` : ''}`
}
