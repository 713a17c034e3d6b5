// What a stored coupon does to the recommender's state (src/recommender/state.ts), read off the tally.
import { describe, expect, it } from 'vitest'
import { profileFromRows, sharesAt, topFeatures } from '../../../src/recommender/profile.ts'
import { StateTally } from '../../../src/recommender/state.ts'

const settings = { algorithm: 'affinity' as const, halfLifeMicros: 1000, trendHalfLifeMicros: 1000, cacheMs: 0 }
const events = new Map([
  [1, { sport: 'Football', country: 'UK', league: 'Premier League', participants: ['Arsenal', 'Chelsea'], begin_timestamp: 5000 }],
  [2, { sport: 'Football', country: 'UK', league: 'Premier League', participants: ['Arsenal', 'Everton'], begin_timestamp: 6000 }]
])

describe('StateTally', () => {
  it('counts a coupon once per feature however many of its selections have it, and selections as bets', () => {
    const tally = new StateTally(settings)
    tally.couponStored({ id: 1, user_id: 7, stake: 1, timestamp: 1000, selections: [{ event_id: 1, odds: 2 }, { event_id: 2, odds: 2 }] }, events)
    tally.couponStored({ id: 2, user_id: 7, stake: 1, timestamp: 2000, selections: [{ event_id: 2, odds: 2 }] }, events)
    const rows = new Map(tally.userFeatureRows().map((r) => [r.feature, r]))
    expect(rows.get('all')).toMatchObject({ coupons: 2, bets: 3, at: 2000 })
    expect(rows.get('all')?.weight).toBeCloseTo(1.5)
    expect(rows.get('team:football|arsenal')).toMatchObject({ coupons: 2, bets: 3 })
    expect(rows.get('team:football|chelsea')).toMatchObject({ coupons: 1, bets: 1, weight: 1, at: 1000 })
    expect(rows.get('league:football|uk|premier league')?.coupons).toBe(2)
  })

  it('keeps one bet row per event the user bet on, which the profile reads as the user\'s bets and not as taste', () => {
    const tally = new StateTally(settings)
    tally.couponStored({ id: 1, user_id: 7, stake: 1, timestamp: 1000, selections: [{ event_id: 1, odds: 2 }, { event_id: 2, odds: 2 }] }, events)
    tally.couponStored({ id: 2, user_id: 7, stake: 1, timestamp: 2000, selections: [{ event_id: 2, odds: 2 }] }, events)
    const rows = tally.userFeatureRows()
    expect(rows.filter((r) => r.feature.startsWith('bet:')).map((r) => [r.feature, r.coupons])).toEqual([['bet:1', 1], ['bet:2', 2]])
    const profile = profileFromRows(rows)
    expect([...profile.betEvents].sort()).toEqual([1, 2])
    expect([...profile.features.keys()].some((key) => key.startsWith('bet:'))).toBe(false)
    expect(profile.all?.coupons).toBe(2)
    expect(topFeatures(sharesAt(profile, 2000, 1000), 'team', 10).sort()).toEqual(['team:football|arsenal', 'team:football|chelsea', 'team:football|everton'])
  })

  it('writes pairs both ways, lead times per hour, and each new event\'s features', async () => {
    const tally = new StateTally(settings)
    tally.eventStored({ id: 3, begin_timestamp: 10, end_timestamp: 20, sport: 'Tennis', country: 'WORLD', league: 'ATP', participants: ['A', 'B'], participants_id: 1 })
    tally.couponStored({ id: 1, user_id: 7, stake: 1, timestamp: 0, selections: [{ event_id: 1, odds: 2 }, { event_id: 2, odds: 2 }, { event_id: 1, odds: 3 }] }, events)
    const written: Record<string, unknown[]> = {}
    const record = (name: string) => async (rows: unknown[]) => { written[name] = rows }
    await tally.apply({
      tastes: { addEventFeatures: record('features'), addUserFeatures: record('users') },
      events: { addBets: record('bets') },
      recommendations: { addUserSportBets: record('sports') },
      trends: { addLeadTimes: record('leads') },
      coBets: { addEventPairs: record('eventPairs'), addLeaguePairs: record('leaguePairs') }
    } as never)
    expect(written.eventPairs).toEqual([{ eventId: 1, otherId: 2, together: 1 }, { eventId: 2, otherId: 1, together: 1 }])
    expect(written.leaguePairs).toEqual([{ league: 'league:football|uk|premier league', other: 'league:football|uk|premier league', together: 2 }])
    expect(written.leads).toEqual([{ hours: 0, bets: 3 }])
    expect(written.bets).toEqual([{ eventId: 1, bets: 2, trend: 2, at: 0 }, { eventId: 2, bets: 1, trend: 1, at: 0 }])
    expect((written.features as Array<{ feature: string }>).map((f) => f.feature)).toEqual(['sport:tennis', 'league:tennis|world|atp', 'team:tennis|a', 'team:tennis|b'])
  })
})
