// The affinity algorithm's pure scoring (src/recommender/algorithms/affinity.ts).
import { describe, expect, it } from 'vitest'
import { scoreAffinity, type AffinityInput } from '../../../src/recommender/algorithms/affinity.ts'
import type { FeatureWeight } from '../../../src/recommender/profile.ts'

const LEAGUE = 'league:football|uk|premier league'
const ARSENAL = 'team:football|arsenal'
const count = (coupons: number): FeatureWeight => ({ weight: coupons, at: 0, bets: coupons, coupons })

function input (overrides: Partial<AffinityInput> = {}): AffinityInput {
  return {
    candidates: [],
    shares: new Map([['sport:football', 1], [LEAGUE, 0.8], [ARSENAL, 0.5]]),
    counts: new Map([['sport:football', count(10)], [LEAGUE, count(8)], [ARSENAL, count(5)]]),
    totalCoupons: 10,
    timing: () => 1,
    ...overrides
  }
}

describe('scoreAffinity', () => {
  it('ranks a fixture of a backed participant above another of the same league, and that above nothing shared', () => {
    const scored = scoreAffinity(input({
      candidates: [
        { eventId: 1, begin: 0, features: [LEAGUE] },
        { eventId: 2, begin: 0, features: [LEAGUE, ARSENAL] },
        { eventId: 3, begin: 0, features: ['league:tennis|world|atp'] }
      ]
    }))
    const byId = new Map(scored.map((s) => [s.eventId, s]))
    expect((byId.get(2)?.score ?? 0)).toBeGreaterThan(byId.get(1)?.score ?? 0)
    expect(byId.has(3)).toBe(false)
  })

  it('explains by the feature that gave most, with the user\'s coupon counts', () => {
    // The league gives 0.6 x 0.9 = 0.54, the team 1 x 0.5.
    const [team] = scoreAffinity(input({ shares: new Map([[LEAGUE, 0.9], [ARSENAL, 0.5]]), candidates: [{ eventId: 2, begin: 0, features: [LEAGUE, ARSENAL] }] }))
    expect(team?.reason).toEqual({ code: 'affinity.league', key: LEAGUE, coupons: 8, total: 10 })
    const [backed] = scoreAffinity(input({ shares: new Map([[LEAGUE, 0.3], [ARSENAL, 0.9]]), candidates: [{ eventId: 2, begin: 0, features: [LEAGUE, ARSENAL] }] }))
    expect(backed?.reason).toEqual({ code: 'affinity.team', key: ARSENAL, coupons: 5, total: 10 })
  })

  it('weighs each candidate by its timing', () => {
    const timing = (begin: number) => begin === 0 ? 1 : 0.25
    const [soon, later] = scoreAffinity(input({ timing, candidates: [{ eventId: 1, begin: 0, features: [LEAGUE] }, { eventId: 2, begin: 5, features: [LEAGUE] }] }))
    expect(later?.score).toBeCloseTo((soon?.score ?? 0) / 4)
  })
})
