// The hybrid blend (src/recommender/algorithms/hybrid.ts): reciprocal rank fusion of the components.
import { describe, expect, it } from 'vitest'
import { blend, RRF_K } from '../../../src/recommender/algorithms/hybrid.ts'
import type { Scored } from '../../../src/recommender/algorithms/scored.ts'

const scored = (eventId: number, score: number): Scored => ({ eventId, score, reason: { code: eventId % 2 === 0 ? 'trending' : 'popular' } })

describe('blend', () => {
  it('adds weight / (k + rank) per component, whatever the components\' score scales', () => {
    const result = new Map(blend([
      { weight: 1, scored: [scored(1, 1000), scored(2, 10)] },
      { weight: 0.5, scored: [scored(2, 0.9), scored(3, 0.1)] }
    ]).map((s) => [s.eventId, s]))
    expect(result.get(1)?.score).toBeCloseTo(1 / (RRF_K + 1))
    expect(result.get(2)?.score).toBeCloseTo(1 / (RRF_K + 2) + 0.5 / (RRF_K + 1))
    expect(result.get(3)?.score).toBeCloseTo(0.5 / (RRF_K + 2))
  })

  it('keeps the reason of the component that gave an event most', () => {
    const [only] = blend([{ weight: 0.1, scored: [{ eventId: 5, score: 1, reason: { code: 'trending' } }] }, { weight: 1, scored: [{ eventId: 5, score: 1, reason: { code: 'popular' } }] }])
    expect(only?.reason).toEqual({ code: 'popular' })
  })
})
