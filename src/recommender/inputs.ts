// What one recommendation request reads, each piece fetched at most once and only when an algorithm asks
// for it: the I/O half of the recommender (the algorithms are pure functions of these pieces).
//
// Live requests read the state kept on write; `?at=` requests rebuild the user's part from their raw
// coupons placed by then (through the same tally the write path uses, so both agree), and the trending
// list from the raw selections of a recent window. League co-bet figures and bettors' lead times are
// platform-wide statistics: both paths read the stored totals.
import type { Config } from '../config/config.ts'
import type { Event } from '../domain/entities.ts'
import type { Repositories } from '../storage/repositories/index.ts'
import type { LeaguePairDelta } from '../storage/repositories/co-bets.ts'
import type { FeatureMatch, UserSelectionRow } from '../storage/repositories/tastes.ts'
import { eventTitle, kindOf } from './features.ts'
import type { ShortCache } from './cache.ts'
import type { EventCache } from './event-cache.ts'
import type { TasteCandidate } from './algorithms/affinity.ts'
import { relatedLeagues, strongest, type PartnerEvidence } from './algorithms/co-bet.ts'
import { HORIZON_MICROS, leadTimeCdf, timingWeight, type LeadTimeCdf } from './algorithms/timing.ts'
import { rankTrends, trendsAt, trendsFromBets, type Trend } from './algorithms/trending.ts'
import { EMPTY_PROFILE, profileFromRows, sharesAt, topFeatures, type Profile } from './profile.ts'
import { StateTally } from './state.ts'

/** How many of a taste's features look for open events, and how many events each brings. */
export const CANDIDATE_LIMITS = { leagues: 6, teams: 10, relatedLeagues: 6, perLeague: 12, perTeam: 3, openBets: 3, partnersPerBet: 20 } as const

/** How far ahead candidates are looked for: twice a recommendation's week; later events are fill. */
const CANDIDATE_WINDOW_MICROS = 2 * HORIZON_MICROS

/** How many of a sport's soonest open events are cached; a user who bet on more of them reads on from the database. */
export const SPORT_EVENTS_CACHED = 100

/** How far back the `?at=` trending list reads: beyond seven half-lives a bet weighs under 1%. */
const TREND_WINDOW_HALF_LIVES = 7

/** What every request shares for a short time (RECOMMENDER_CACHE_MS). */
export interface RecommenderCaches {
  trends: ShortCache<Trend[]>
  leadTimes: ShortCache<LeadTimeCdf>
  /** Each league's and participant's upcoming events. */
  features: ShortCache<FeatureMatch[]>
  /** The leagues bet together with each league, with how often. */
  leaguePairs: ShortCache<LeaguePairDelta[]>
  /** The longest event stored: it only grows, when an event is stored (which forgets it here). */
  maxEventDuration: ShortCache<number>
  /** Each sport's soonest open events (the frequency rule's source), forgotten when an event is stored. */
  sportEvents: ShortCache<Event[]>
  /** Stored events by id (never stale: events do not change). */
  events: EventCache
}

export interface Taste {
  shares: ReadonlyMap<string, number>
  profile: Profile
  totalCoupons: number
}

/** Where a feature's upcoming events are cached: live, or as of an instant. */
export function featureCacheKey (feature: string, at?: number): string {
  return `${at === undefined ? 'live' : `at:${at}`}:${feature}`
}

/**
 * Rows for each of `keys` from `cache`, reading the ones not cached in one call (`readMissing`) and caching
 * each key's share of that read (`keyOf` tells a row's key).
 */
async function perKey<R> (cache: ShortCache<R[]>, keys: readonly string[], cacheKey: (key: string) => string, readMissing: (keys: string[]) => Promise<R[]>, keyOf: (row: R) => string): Promise<R[]> {
  const lists = keys.map((key) => cache.peek(cacheKey(key)))
  const missing = [...new Set(keys.filter((_, i) => lists[i] === undefined))]
  if (missing.length > 0) {
    const read = readMissing(missing)
    const byKey = new Map(missing.map((key) => [key, read.then((rows) => rows.filter((r) => keyOf(r) === key))]))
    for (const [key, list] of byKey) cache.set(cacheKey(key), list)
    keys.forEach((key, i) => { lists[i] ??= byKey.get(key) })
  }
  return (await Promise.all(lists as Array<Promise<R[]>>)).flat()
}

function once<T> (load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined
  return () => (value ??= load())
}

export class RequestInputs {
  readonly taste: () => Promise<Taste>
  readonly excluded: () => Promise<ReadonlySet<number>>
  readonly notBefore: () => Promise<number>
  readonly trends: () => Promise<Trend[]>
  readonly related: () => Promise<Map<string, number>>
  readonly partners: () => Promise<PartnerEvidence[]>
  /** The timing weight of an event by its kick-off, from the platform's lead times (timing.ts). */
  readonly timing: () => Promise<(begin: number) => number>

  constructor (
    readonly repos: Repositories,
    private readonly settings: Config['recommender'],
    private readonly caches: RecommenderCaches,
    readonly userId: number | undefined,
    readonly now: number,
    readonly at: number | undefined
  ) {
    this.taste = once(() => this.loadTaste())
    // Live, the user's bets are rows of their profile (one range scan serves both); as of an instant, they
    // are read from the coupons placed by then.
    this.excluded = once(async () => {
      if (userId === undefined) return new Set<number>()
      return at === undefined ? (await this.liveProfile()).betEvents : repos.recommendations.betEventIds(userId, at)
    })
    // An event open at `now` began at most the longest event's duration earlier.
    this.notBefore = once(async () => now - await caches.maxEventDuration.get('all', async () => repos.recommendations.maxEventDuration()))
    this.trends = () => caches.trends.get(at === undefined ? 'live' : `at:${at}`, () => this.loadTrends())
    this.timing = once(async () => timingWeight(await caches.leadTimes.get('all', async () => leadTimeCdf(await repos.trends.leadTimes())), now))
    this.related = once(() => this.loadRelated())
    this.partners = once(() => this.loadPartners())
  }

  /**
   * Open events of `sport`, soonest first (then lowest id), at most `limit`, other than `skip`. Live, they
   * are taken from the sport's cached soonest events (ended ones dropped) and read on from the database
   * only past the end of that list, so the answer is the one the query alone would give.
   */
  async openEventsOfSport (sport: string, limit: number, skip: readonly number[]): Promise<Event[]> {
    const notBefore = await this.notBefore()
    if (this.at !== undefined) return this.repos.recommendations.openEventsOfSport(sport, this.now, notBefore, limit, skip)
    const soonest = await this.caches.sportEvents.get(sport, () => this.repos.recommendations.openEventsOfSport(sport, this.now, notBefore, SPORT_EVENTS_CACHED))
    const skipped = new Set(skip)
    const events = soonest.filter((e) => e.end_timestamp > this.now && !skipped.has(e.id)).slice(0, limit)
    if (events.length === limit || soonest.length < SPORT_EVENTS_CACHED) return events
    const after = await this.repos.recommendations.openEventsOfSport(sport, this.now, notBefore, limit - events.length, [...skip, ...soonest.map((e) => e.id)])
    return [...events, ...after]
  }

  /** The stored events among `ids`. */
  async events (ids: readonly number[]): Promise<Map<number, Event>> {
    return this.caches.events.findMany(ids)
  }

  /**
   * Open events having any of `features` (league and team keys), with which of them each has. A feature's
   * upcoming events are the same for every user, so they are shared through the cache; the features not
   * in it are read in one statement. An event that ended meanwhile is left out when the slots are filled.
   */
  async candidates (features: readonly string[]): Promise<TasteCandidate[]> {
    const notBefore = await this.notBefore()
    const matches = await perKey(this.caches.features, features, (feature) => featureCacheKey(feature, this.at), (missing) => {
      const lookups = missing.map((key) => ({ key, limit: kindOf(key) === 'team' ? CANDIDATE_LIMITS.perTeam : CANDIDATE_LIMITS.perLeague }))
      return this.repos.tastes.openEventsByFeature(lookups, this.now, notBefore, this.now + CANDIDATE_WINDOW_MICROS)
    }, (m) => m.feature)
    const byEvent = new Map<number, { begin: number, features: string[] }>()
    for (const m of matches) {
      const entry = byEvent.get(m.eventId)
      if (entry === undefined) byEvent.set(m.eventId, { begin: m.begin, features: [m.feature] })
      else entry.features.push(m.feature)
    }
    return [...byEvent].map(([eventId, e]) => ({ eventId, begin: e.begin, features: e.features }))
  }

  /** The leagues bet together with each of `leagues` (platform-wide totals, shared through the cache). */
  async leaguePartners (leagues: readonly string[]): Promise<LeaguePairDelta[]> {
    return perKey(this.caches.leaguePairs, leagues, (league) => league, (missing) => this.repos.coBets.leaguePartners(missing), (p) => p.league)
  }

  /** The league and team keys a taste looks for open events with. */
  async tasteFeatures (): Promise<string[]> {
    const { shares } = await this.taste()
    return [...topFeatures(shares, 'league', CANDIDATE_LIMITS.leagues), ...topFeatures(shares, 'team', CANDIDATE_LIMITS.teams)]
  }

  async relatedLeagueKeys (): Promise<string[]> {
    return strongest(await this.related(), CANDIDATE_LIMITS.relatedLeagues)
  }

  /** The user's profile as stored (live requests). */
  private readonly liveProfile = once(async () => this.userId === undefined ? EMPTY_PROFILE : profileFromRows(await this.repos.tastes.userFeatures(this.userId)))

  private async loadTaste (): Promise<Taste> {
    const { repos, settings, userId, now, at } = this
    if (userId === undefined) return { shares: new Map(), profile: EMPTY_PROFILE, totalCoupons: 0 }
    let profile: Profile
    if (at === undefined) profile = await this.liveProfile()
    else {
      // The user's coupons placed by `at`, through the write path's own tally.
      const tally = new StateTally(settings)
      const rows = await repos.tastes.userSelections(userId, at)
      let i = 0
      while (i < rows.length) {
        const first = rows[i] as (typeof rows)[number]
        const selections: Array<{ event_id: number, odds: number }> = []
        const facts = new Map<number, UserSelectionRow>()
        for (; i < rows.length && (rows[i] as typeof first).couponId === first.couponId; i++) {
          const row = rows[i] as typeof first
          selections.push({ event_id: row.eventId, odds: 0 })
          facts.set(row.eventId, row)
        }
        tally.couponStored({ id: first.couponId, user_id: userId, stake: 0, timestamp: first.placedAt, selections }, facts)
      }
      profile = profileFromRows(tally.userFeatureRows())
    }
    return { shares: sharesAt(profile, now, settings.halfLifeMicros), profile, totalCoupons: profile.all?.coupons ?? 0 }
  }

  private async loadTrends (): Promise<Trend[]> {
    const { repos, settings, now, at } = this
    if (at === undefined) return rankTrends(trendsAt(await repos.trends.openTrends(now, await this.notBefore()), now, settings.trendHalfLifeMicros))
    const bets = await repos.trends.recentBets(at - TREND_WINDOW_HALF_LIVES * settings.trendHalfLifeMicros, at)
    return rankTrends(trendsFromBets(bets, now, settings.trendHalfLifeMicros))
  }

  private async loadRelated (): Promise<Map<string, number>> {
    const { shares } = await this.taste()
    const leagues = new Map(topFeatures(shares, 'league', CANDIDATE_LIMITS.leagues).map((key) => [key, shares.get(key) ?? 0]))
    return relatedLeagues(leagues, await this.leaguePartners([...leagues.keys()]))
  }

  private async loadPartners (): Promise<PartnerEvidence[]> {
    const { repos, userId, now, at } = this
    if (userId === undefined) return []
    const open = await repos.tastes.openBets(userId, now, CANDIDATE_LIMITS.openBets, at)
    const skip = [...await this.excluded()]
    const evidence: PartnerEvidence[] = []
    for (const bet of open) {
      for (const p of await repos.coBets.partners([bet.eventId], now, CANDIDATE_LIMITS.partnersPerBet, skip, at)) {
        evidence.push({ eventId: p.eventId, begin: p.begin, together: p.together, withTitle: eventTitle(bet) })
      }
    }
    return evidence
  }
}
