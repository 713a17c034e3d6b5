// The trending algorithm's pure rules (src/recommender/algorithms/trending.ts).
import { describe, expect, it } from 'vitest'
import { rankTrends, trendsAt, trendsFromBets } from '../../../src/recommender/algorithms/trending.ts'

const H = 100

describe('trending', () => {
  it('brings stored trends to now and computes the same from raw bets', () => {
    const stored = trendsAt([{ eventId: 1, sport: 'Tennis', begin: 500, trend: 2, at: 100 }], 200, H)
    const raw = trendsFromBets([{ eventId: 1, sport: 'Tennis', begin: 500, placedAt: 100 }, { eventId: 1, sport: 'Tennis', begin: 500, placedAt: 100 }], 200, H)
    expect(stored[0]?.value).toBeCloseTo(1)
    expect(raw[0]?.value).toBeCloseTo(1)
  })

  it('ranks the most backed first, ties to the sooner event, then the lower id', () => {
    const ranked = rankTrends([
      { eventId: 3, sport: 'x', begin: 10, value: 1 },
      { eventId: 2, sport: 'x', begin: 5, value: 1 },
      { eventId: 4, sport: 'x', begin: 5, value: 1 },
      { eventId: 9, sport: 'x', begin: 50, value: 3 }
    ])
    expect(ranked.map((t) => t.eventId)).toEqual([9, 2, 4, 3])
  })
})
