// Everything a stored event or coupon does to the recommender's state, gathered per write transaction and
// applied once at its end (`apply`): the catalog's one call. Rows go in key order, so concurrent batches
// lock them in the same order and cannot deadlock on PostgreSQL.
//
// Per coupon: bets per event (all-time and time-decayed: trending), selections per user and sport
// (frequency), decayed weight per user and feature (affinity), how long before kick-off each selection
// was placed (timing), and the pairs of events and of leagues on the same coupon (co-bet). Per event: its features, so a taste finds its open events.
import type { Coupon, Event } from '../domain/entities.ts'
import type { EventFeatureRow, UserFeatureDelta, UserFeatureRow } from '../storage/repositories/tastes.ts'
import type { EventBetDelta } from '../storage/repositories/events.ts'
import type { Repositories } from '../storage/repositories/index.ts'
import type { UserSportBets } from '../storage/repositories/recommendations.ts'
import type { EventPairDelta, LeaguePairDelta } from '../storage/repositories/co-bets.ts'
import { addDecayed } from './decay.ts'
import { leadHours } from './algorithms/timing.ts'
import { ALL_COUPONS, betKey, eventFeatures, leagueKey, type EventFacts } from './features.ts'
import type { Config } from '../config/config.ts'

/** What a coupon's tally needs of each of its events. */
export type CouponEventFacts = EventFacts & { begin_timestamp: number }

export class StateTally {
  private readonly events: EventFeatureRow[] = []
  private readonly byEvent = new Map<number, EventBetDelta>()
  private readonly byUserSport = new Map<string, UserSportBets>()
  private readonly byUserFeature = new Map<string, UserFeatureDelta>()
  private readonly eventPairs = new Map<string, EventPairDelta>()
  private readonly leaguePairs = new Map<string, LeaguePairDelta>()
  private readonly leadTimes = new Map<number, number>()

  constructor (private readonly settings: Config['recommender']) {}

  eventStored (event: Event): void {
    for (const { key } of eventFeatures(event)) {
      this.events.push({ feature: key, eventId: event.id, begin: event.begin_timestamp, end: event.end_timestamp })
    }
  }

  /** A coupon just stored; `facts` holds each of its events. */
  couponStored (coupon: Coupon, facts: ReadonlyMap<number, CouponEventFacts>): void {
    const at = coupon.timestamp
    const inCoupon = new Set<string>()
    this.addUserFeature(coupon.user_id, ALL_COUPONS, at, coupon.selections.length, inCoupon)
    for (const { event_id: eventId } of coupon.selections) {
      const event = facts.get(eventId) as CouponEventFacts
      this.addEventBet(eventId, at)
      const hours = leadHours(event.begin_timestamp, at)
      this.leadTimes.set(hours, (this.leadTimes.get(hours) ?? 0) + 1)
      this.addUserSport(coupon.user_id, event.sport, at)
      this.addUserFeature(coupon.user_id, betKey(eventId), at, 1, inCoupon)
      for (const { key } of eventFeatures(event)) this.addUserFeature(coupon.user_id, key, at, 1, inCoupon)
    }
    const distinct = [...new Set(coupon.selections.map((s) => s.event_id))].map((id) => ({ id, league: leagueKey(facts.get(id) as EventFacts) }))
    for (const a of distinct) {
      for (const b of distinct) {
        if (a.id === b.id) continue
        this.addPair(this.eventPairs, `${a.id}\u0000${b.id}`, () => ({ eventId: a.id, otherId: b.id, together: 0 }))
        this.addPair(this.leaguePairs, `${a.league}\u0000${b.league}`, () => ({ league: a.league, other: b.league, together: 0 }))
      }
    }
  }

  /** The features of the events this tally stored: their lists of upcoming events changed. */
  storedEventFeatures (): string[] {
    return [...new Set(this.events.map((e) => e.feature))]
  }

  /** The users' feature rows this tally holds, as the store would hold them (the `?at=` profile). */
  userFeatureRows (): UserFeatureRow[] {
    return [...this.byUserFeature.values()].map((d) => ({ feature: d.feature, weight: d.weight, at: d.at, bets: d.bets, coupons: d.coupons }))
  }

  async apply (repos: Repositories): Promise<void> {
    const { halfLifeMicros, trendHalfLifeMicros } = this.settings
    // Only what this tally holds: a write of users alone (or of nothing new) touches no state table.
    if (this.events.length > 0) await repos.tastes.addEventFeatures(this.events)
    if (this.byEvent.size > 0) await repos.events.addBets([...this.byEvent.values()], trendHalfLifeMicros)
    if (this.byUserSport.size > 0) await repos.recommendations.addUserSportBets([...this.byUserSport.values()])
    if (this.byUserFeature.size > 0) await repos.tastes.addUserFeatures([...this.byUserFeature.values()], halfLifeMicros)
    if (this.leadTimes.size > 0) await repos.trends.addLeadTimes([...this.leadTimes].map(([hours, bets]) => ({ hours, bets })))
    if (this.eventPairs.size > 0) await repos.coBets.addEventPairs([...this.eventPairs.values()])
    if (this.leaguePairs.size > 0) await repos.coBets.addLeaguePairs([...this.leaguePairs.values()])
  }

  private addEventBet (eventId: number, at: number): void {
    const row = this.byEvent.get(eventId)
    if (row === undefined) {
      this.byEvent.set(eventId, { eventId, bets: 1, trend: 1, at })
      return
    }
    const sum = addDecayed({ weight: row.trend, at: row.at }, 1, at, this.settings.trendHalfLifeMicros)
    row.bets++
    row.trend = sum.weight
    row.at = sum.at
  }

  private addUserSport (userId: number, sport: string, at: number): void {
    const key = `${userId}\u0000${sport}`
    const row = this.byUserSport.get(key)
    if (row === undefined) this.byUserSport.set(key, { userId, sport, bets: 1, lastBetAt: at })
    else {
      row.bets++
      row.lastBetAt = Math.max(row.lastBetAt, at)
    }
  }

  /**
   * `bets` selections of one coupon on a feature. Weight and `coupons` count the coupon once per feature
   * (`inCoupon`), so a feature's weight over the `all` row's is the share of the user's recent coupons that
   * have it: a five-leg accumulator of one league is one coupon on that league, not five.
   */
  private addUserFeature (userId: number, feature: string, at: number, bets: number, inCoupon: Set<string>): void {
    const key = `${userId}\u0000${feature}`
    const firstInCoupon = !inCoupon.has(feature)
    inCoupon.add(feature)
    const row = this.byUserFeature.get(key)
    if (row === undefined) {
      this.byUserFeature.set(key, { userId, feature, weight: 1, at, bets, coupons: 1 })
      return
    }
    row.bets += bets
    if (!firstInCoupon) return
    const sum = addDecayed(row, 1, at, this.settings.halfLifeMicros)
    row.weight = sum.weight
    row.at = sum.at
    row.coupons++
  }

  private addPair<P extends { together: number }> (pairs: Map<string, P>, key: string, create: () => P): void {
    let pair = pairs.get(key)
    if (pair === undefined) {
      pair = create()
      pairs.set(key, pair)
    }
    pair.together++
  }
}
