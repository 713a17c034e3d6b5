// The algorithms behind one interface: each ranks open events for a request from the inputs it asks for,
// with its pure rules in algorithms/. Exclusions (ended, already bet, twice) and filling empty slots are
// the service's, the same for all.
import type { AlgorithmName } from '../domain/algorithms.ts'
import type { Event } from '../domain/entities.ts'
import { scoreAffinity } from './algorithms/affinity.ts'
import { leagueCandidatesOf, scoreCoBet } from './algorithms/co-bet.ts'
import { rankSports } from './algorithms/frequency.ts'
import { blend, HYBRID_WEIGHTS } from './algorithms/hybrid.ts'
import { byScore, type Scored } from './algorithms/scored.ts'
import { scoreTrending } from './algorithms/trending.ts'
import type { RequestInputs } from './inputs.ts'
import type { ReasonDraft } from './reasons.ts'
import { SlotFiller } from './slots.ts'

/** An event in preference order: its id (the service fetches it) or, when the algorithm read it, itself. */
export interface Ranked { eventId: number, event?: Event, reason: ReasonDraft }

export type FillSource = 'sports' | 'trending' | 'popular'

export interface Algorithm {
  description: string
  /** Whether the user's own bets choose the events (false: what all bettors do, as trending). */
  personal: boolean
  /**
   * Where empty slots are filled from, in order: the user's most bet sports soonest first (the frequency
   * rule), the trending list, the most-bet-on open events. Frequency itself only takes the last, as its rule says.
   */
  fill: readonly FillSource[]
  /** Events in preference order; may hold excluded ones (the service leaves them out). */
  rank (inputs: RequestInputs, limit: number): Promise<Ranked[]>
}

function sorted (scored: Scored[], begins: ReadonlyMap<number, number>): Ranked[] {
  return scored.sort(byScore(begins)).map(({ eventId, reason }) => ({ eventId, reason }))
}

async function affinityScores (inputs: RequestInputs, features: readonly string[]) {
  const taste = await inputs.taste()
  const candidates = await inputs.candidates(features)
  const scored = scoreAffinity({ candidates, shares: taste.shares, counts: taste.profile.features, totalCoupons: taste.totalCoupons, timing: await inputs.timing() })
  return { scored, candidates }
}

async function coBetScores (inputs: RequestInputs, candidates: Awaited<ReturnType<RequestInputs['candidates']>>) {
  return scoreCoBet({
    partners: await inputs.partners(),
    leagueCandidates: leagueCandidatesOf(candidates),
    related: await inputs.related(),
    leagueLabel: undefined,
    timing: await inputs.timing()
  })
}

function beginsOf (...lists: Array<ReadonlyArray<{ eventId: number, begin: number }>>): Map<number, number> {
  const begins = new Map<number, number>()
  for (const list of lists) for (const { eventId, begin } of list) begins.set(eventId, begin)
  return begins
}

export const algorithms: Record<AlgorithmName, Algorithm> = {
  frequency: {
    personal: true,
    description: "The reference's rule, made deterministic: open events of your most bet sport, soonest first, then your next sports, then the most bet-on open events.",
    fill: ['popular'],
    async rank (inputs, limit) {
      const { repos, userId, now, at } = inputs
      const stats = userId === undefined ? [] : await repos.recommendations.sportStats(userId, at)
      const total = stats.reduce((sum, s) => sum + s.bets, 0)
      const slots = new SlotFiller<Event>(limit, await inputs.excluded(), now)
      const ranked: Ranked[] = []
      for (const sport of rankSports(stats)) {
        if (slots.full) break
        const before = slots.chosen.length
        slots.offer(await inputs.openEventsOfSport(sport, slots.remaining, slots.skipped))
        const bets = stats.find((s) => s.sport === sport)?.bets ?? 0
        for (const event of slots.chosen.slice(before)) ranked.push({ eventId: event.id, event, reason: { code: 'frequency.sport', bets, total } })
      }
      return ranked
    }
  },
  affinity: {
    personal: true,
    fill: ['sports', 'trending', 'popular'],
    description: 'Your own taste: open events sharing participants, league (by sport, country and name) and sport with your coupons, recent ones weighing more; sooner events first among equals.',
    async rank (inputs) {
      const { scored, candidates } = await affinityScores(inputs, await inputs.tasteFeatures())
      return sorted(scored, beginsOf(candidates))
    }
  },
  trending: {
    personal: false,
    fill: ['trending', 'popular'],
    description: 'What bettors back right now: open events by time-decayed bet volume. Needs no history, so it also serves new users.',
    async rank (inputs) {
      return scoreTrending(await inputs.trends()).map(({ eventId, reason }) => ({ eventId, reason }))
    }
  },
  'co-bet': {
    personal: true,
    fill: ['sports', 'trending', 'popular'],
    description: 'Bet together: open events other bettors put on the same coupon as your open bets, and events of the leagues most often bet together with yours.',
    async rank (inputs) {
      const candidates = await inputs.candidates(await inputs.relatedLeagueKeys())
      const partners = await inputs.partners()
      return sorted(await coBetScores(inputs, candidates), beginsOf(candidates, partners))
    }
  },
  hybrid: {
    personal: true,
    fill: ['sports', 'trending', 'popular'],
    description: 'The blend: your taste (affinity) first, refined by what is bet together (co-bet) and what bettors back right now (trending).',
    async rank (inputs) {
      const features = [...new Set([...await inputs.tasteFeatures(), ...await inputs.relatedLeagueKeys()])]
      const { scored: affinity, candidates } = await affinityScores(inputs, features)
      const coBet = await coBetScores(inputs, candidates)
      const trends = await inputs.trends()
      const trending = scoreTrending(trends.slice(0, 200))
      const scored = blend([
        { weight: HYBRID_WEIGHTS.affinity, scored: affinity },
        { weight: HYBRID_WEIGHTS.coBet, scored: coBet },
        { weight: HYBRID_WEIGHTS.trending, scored: trending }
      ])
      return sorted(scored, beginsOf(candidates, await inputs.partners(), trends))
    }
  }
}
