// Offline ranking metrics (bench/evaluate/metrics.ts).
import { describe, expect, it } from 'vitest'
import { hitRate, ndcg, quantile, recall, summarise } from '../../../bench/evaluate/metrics.ts'

const r = (recommended: number[], truth: number[]) => ({ recommended, truth: new Set(truth) })

describe('metrics', () => {
  it('counts a hit in the first k', () => {
    expect(hitRate(r([1, 2, 3], [3]), 3)).toBe(1)
    expect(hitRate(r([1, 2, 3], [3]), 2)).toBe(0)
  })

  it('gives NDCG 1 for the ideal order and less for hits further down', () => {
    expect(ndcg(r([5, 6, 1], [5, 6]), 10)).toBeCloseTo(1)
    expect(ndcg(r([1, 5], [5]), 10)).toBeCloseTo(1 / Math.log2(3))
    expect(ndcg(r([1, 2], [9]), 10)).toBe(0)
  })

  it('caps recall\'s denominator at k', () => {
    expect(recall(r([1, 2], [1, 2, 3, 4]), 2)).toBe(1)
    expect(recall(r([1, 9], [1, 2, 3, 4]), 10)).toBe(0.25)
  })

  it('averages over users and measures coverage of the open events', () => {
    const m = summarise([r([1, 2], [1]), r([1, 3], [4])], 10)
    expect(m).toMatchObject({ users: 2, hr10: 0.5, coverage: 0.3 })
    expect(quantile([5, 1, 3, 2, 4], 0.95)).toBe(5)
  })
})
