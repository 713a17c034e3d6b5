// Time-decayed sums (src/recommender/decay.ts): half as much per half-life, the same whatever the order.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addDecayed, decayFactor, valueAt, type Decayed } from '../../../src/recommender/decay.ts'

const H = 1000

describe('decay', () => {
  it('halves a weight every half-life and never grows it for an earlier instant', () => {
    expect(decayFactor(H, H)).toBeCloseTo(0.5)
    expect(decayFactor(3 * H, H)).toBeCloseTo(0.125)
    expect(decayFactor(-5, H)).toBe(1)
    expect(valueAt({ weight: 8, at: 0 }, 2 * H, H)).toBeCloseTo(2)
  })

  it('adds a later bet at full weight and an earlier one decayed, keeping the later instant', () => {
    expect(addDecayed({ weight: 4, at: 0 }, 1, H, H)).toEqual({ weight: 3, at: H })
    expect(addDecayed({ weight: 4, at: H }, 2, 0, H)).toEqual({ weight: 5, at: H })
    expect(addDecayed(undefined, 1, 7, H)).toEqual({ weight: 1, at: 7 })
  })

  it('gives the same sum whatever order the bets arrive in', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 20 * H })), { minLength: 1, maxLength: 20 }), (bets) => {
      const sum = (list: typeof bets) => list.reduce<Decayed | undefined>((acc, [w, at]) => addDecayed(acc, w, at, H), undefined) as Decayed
      const a = sum(bets)
      const b = sum([...bets].reverse())
      expect(b.at).toBe(a.at)
      expect(b.weight).toBeCloseTo(a.weight, 9)
    }))
  })
})
