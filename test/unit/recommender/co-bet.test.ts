// The co-bet algorithm's pure rules (src/recommender/algorithms/co-bet.ts).
import { describe, expect, it } from 'vitest'
import { relatedLeagues, scoreCoBet } from '../../../src/recommender/algorithms/co-bet.ts'

describe('relatedLeagues', () => {
  it('is the weighted chance of each other league on a coupon with the given ones', () => {
    const related = relatedLeagues(new Map([['a', 1], ['b', 0.5]]), [
      { league: 'a', other: 'a', together: 6 },
      { league: 'a', other: 'c', together: 2 },
      { league: 'b', other: 'c', together: 4 }
    ])
    expect(related.get('a')).toBeCloseTo(0.75)
    expect(related.get('c')).toBeCloseTo(0.25 + 0.5)
  })

  it('ignores pairs of leagues the user does not bet on', () => {
    expect(relatedLeagues(new Map([['a', 1]]), [{ league: 'z', other: 'c', together: 9 }]).size).toBe(0)
  })
})

describe('scoreCoBet', () => {
  it('puts event-level evidence ahead of league-level evidence and names what it was bet with', () => {
    const scored = scoreCoBet({
      partners: [{ eventId: 1, begin: 0, together: 4, withTitle: 'Arsenal v Chelsea' }, { eventId: 2, begin: 0, together: 1, withTitle: 'Arsenal v Chelsea' }],
      leagueCandidates: [{ eventId: 3, begin: 0, league: 'c' }, { eventId: 1, begin: 0, league: 'c' }],
      related: new Map([['c', 0.5]]),
      leagueLabel: 'La Liga (ES)',
      timing: () => 1
    })
    const byId = new Map(scored.map((s) => [s.eventId, s]))
    expect(byId.get(1)?.score).toBeCloseTo(1 + 0.25)
    expect(byId.get(1)?.reason).toEqual({ code: 'co_bet.event', withTitle: 'Arsenal v Chelsea' })
    expect(byId.get(2)?.score).toBeCloseTo(0.25)
    expect(byId.get(3)?.reason).toEqual({ code: 'co_bet.league', withLabel: 'La Liga (ES)' })
  })
})
