// The frequency algorithm's pure rules (src/recommender/frequency.ts), one test per rule, no I/O.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { rankSports } from '../../../src/recommender/algorithms/frequency.ts'
import { SlotFiller, type Candidate } from '../../../src/recommender/slots.ts'
import type { SportStat } from '../../../src/storage/repositories/recommendations.ts'

const stat = (sport: string, bets: number, lastBetAt: number): SportStat => ({ sport, bets, lastBetAt })
const event = (id: number, end = 1_000): Candidate => ({ id, end_timestamp: end })

describe('rankSports', () => {
  it('puts the sport with the most selections first', () => {
    expect(rankSports([stat('tennis', 2, 900), stat('football', 5, 100), stat('golf', 3, 999)])).toEqual(['football', 'golf', 'tennis'])
  })

  it('breaks a tie in selections by the most recent bet', () => {
    expect(rankSports([stat('tennis', 2, 100), stat('football', 2, 300), stat('golf', 2, 200)])).toEqual(['football', 'golf', 'tennis'])
  })

  it('breaks a tie in selections and time alphabetically', () => {
    expect(rankSports([stat('tennis', 2, 100), stat('basketball', 2, 100), stat('football', 2, 100)])).toEqual(['basketball', 'football', 'tennis'])
  })

  it('answers nothing for a user without bets, and does not change its input', () => {
    expect(rankSports([])).toEqual([])
    const stats = [stat('b', 1, 1), stat('a', 2, 1)]
    rankSports(stats)
    expect(stats.map((s) => s.sport)).toEqual(['b', 'a'])
  })

  it('orders any set of sports by (bets desc, last bet desc, name asc), whatever the input order', () => {
    const stats = fc.uniqueArray(fc.record({ sport: fc.string({ minLength: 1, maxLength: 4 }), bets: fc.integer({ min: 1, max: 4 }), lastBetAt: fc.integer({ min: 0, max: 3 }) }), { selector: (s) => s.sport })
    fc.assert(fc.property(stats, (list) => {
      const ranked = rankSports(list)
      const shuffled = rankSports([...list].reverse())
      expect(shuffled).toEqual(ranked)
      const bySport = new Map(list.map((s) => [s.sport, s]))
      for (let i = 1; i < ranked.length; i++) {
        const a = bySport.get(ranked[i - 1] as string) as SportStat
        const b = bySport.get(ranked[i] as string) as SportStat
        const inOrder = a.bets > b.bets || (a.bets === b.bets && (a.lastBetAt > b.lastBetAt || (a.lastBetAt === b.lastBetAt && a.sport < b.sport)))
        expect(inOrder).toBe(true)
      }
    }))
  })
})

describe('SlotFiller', () => {
  it('fills at most limit slots, in the order offered', () => {
    const slots = new SlotFiller(2, new Set(), 0)
    slots.offer([event(3), event(1), event(2)])
    expect(slots.chosen.map((e) => e.id)).toEqual([3, 1])
    expect(slots.full).toBe(true)
    slots.offer([event(9)])
    expect(slots.chosen.map((e) => e.id)).toEqual([3, 1])
  })

  it('never takes an event the user bet on', () => {
    const slots = new SlotFiller(5, new Set([2, 4]), 0)
    slots.offer([event(1), event(2), event(3), event(4)])
    expect(slots.chosen.map((e) => e.id)).toEqual([1, 3])
  })

  it('never takes an ended event: one ending at or before now', () => {
    const slots = new SlotFiller(5, new Set(), 500)
    slots.offer([event(1, 499), event(2, 500), event(3, 501)])
    expect(slots.chosen.map((e) => e.id)).toEqual([3])
  })

  it('never takes the same event twice, across sources', () => {
    const slots = new SlotFiller(5, new Set(), 0)
    slots.offer([event(1), event(2), event(1)])
    slots.offer([event(2), event(3)])
    expect(slots.chosen.map((e) => e.id)).toEqual([1, 2, 3])
  })

  it('asks a source for enough rows to fill the remaining slots despite exclusions', () => {
    const slots = new SlotFiller(3, new Set([7, 8]), 0)
    expect(slots.fetchSize).toBe(3 + 2)
    slots.offer([event(1)])
    // Two slots left; a source may yield the two bet-on events and the one already taken before new ones.
    expect(slots.fetchSize).toBe(2 + 2 + 1)
  })

  it('fills from any sources exactly as far as the rules allow', () => {
    const source = fc.array(fc.record({ id: fc.integer({ min: 0, max: 20 }), end_timestamp: fc.integer({ min: 0, max: 10 }) }), { maxLength: 15 })
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.uniqueArray(fc.integer({ min: 0, max: 20 })), fc.integer({ min: 0, max: 10 }), fc.array(source, { maxLength: 4 }),
      (limit, excluded, now, sources) => {
        const slots = new SlotFiller(limit, new Set(excluded), now)
        for (const s of sources) slots.offer(s)
        const ids = slots.chosen.map((e) => e.id)
        expect(ids.length).toBeLessThanOrEqual(limit)
        expect(new Set(ids).size).toBe(ids.length)
        for (const e of slots.chosen) {
          expect(excluded).not.toContain(e.id)
          expect(e.end_timestamp).toBeGreaterThan(now)
        }
        // Greedy: every eligible offered event is chosen unless the slots are full.
        const eligible = new Set(sources.flat().filter((e) => !excluded.includes(e.id) && e.end_timestamp > now).map((e) => e.id))
        if (ids.length < limit) expect(new Set(ids)).toEqual(eligible)
      }))
  })
})
