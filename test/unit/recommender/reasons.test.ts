// Reasons in plain words (src/recommender/reasons.ts), written from the event's own names.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { explain, REASON_CODES } from '../../../src/recommender/reasons.ts'

const event = { id: 1, begin_timestamp: 0, end_timestamp: 1, sport: 'Football', country: 'UK', league: 'Premier League', participants: ['Arsenal FC', 'Chelsea FC'], participants_id: 1 }

describe('explain', () => {
  it.each([
    [{ code: 'affinity.team', key: 'team:football|arsenal fc', coupons: 5, total: 8 }, 'You backed Arsenal FC in 5 of your 8 coupons'],
    [{ code: 'affinity.league', key: 'league:football|uk|premier league', coupons: 1, total: 1 }, 'You bet on Premier League (UK) in 1 of your 1 coupon'],
    [{ code: 'co_bet.event', withTitle: 'Liverpool FC v Everton' }, 'Often bet together with Liverpool FC v Everton'],
    [{ code: 'co_bet.league', withLabel: undefined }, 'Premier League (UK) is often bet together with the leagues you bet on'],
    [{ code: 'trending' }, 'Among the most backed Football events right now'],
    [{ code: 'frequency.sport', bets: 12, total: 20 }, 'You placed 12 of your 20 selections on Football'],
    [{ code: 'popular' }, 'Among the most bet-on open events']
  ] as const)('%j reads %j', (draft, text) => {
    expect(explain(draft, event)).toEqual({ code: draft.code, text })
  })

  it('documents every code, in the README too', () => {
    expect(Object.keys(REASON_CODES).sort()).toEqual(['affinity.league', 'affinity.sport', 'affinity.team', 'co_bet.event', 'co_bet.league', 'frequency.sport', 'popular', 'trending'])
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
    for (const code of Object.keys(REASON_CODES)) expect(readme, code).toContain(`\`${code}\``)
  })
})
