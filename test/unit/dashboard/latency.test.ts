// The dashboard's latency figures: quantiles estimated from histogram buckets as Prometheus does, read
// from a real prom-client registry.
import { Histogram, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { histogramQuantile, LATENCY_METRIC, recommendationLatency } from '../../../src/dashboard/latency.ts'

describe('histogramQuantile', () => {
  const upperBounds = [0.001, 0.01, 0.1, Infinity]

  it('interpolates linearly inside the bucket holding the rank', () => {
    // 10 answers, all between 1 and 10 ms: the median is halfway through that bucket.
    expect(histogramQuantile(0.5, { upperBounds, counts: [0, 10, 10, 10] })).toBeCloseTo(0.0055, 10)
    // 4 under 1 ms, 6 more under 10 ms: rank 9.5 is 5.5 of those 6 in.
    expect(histogramQuantile(0.95, { upperBounds, counts: [4, 10, 10, 10] })).toBeCloseTo(0.001 + 0.009 * 5.5 / 6, 10)
    expect(histogramQuantile(0.5, { upperBounds, counts: [10, 10, 10, 10] })).toBeCloseTo(0.0005, 10)
  })

  it('answers the highest finite bound for a rank beyond it, and nothing without observations', () => {
    expect(histogramQuantile(0.5, { upperBounds, counts: [0, 0, 1, 4] })).toBe(0.1)
    expect(histogramQuantile(0.5, { upperBounds, counts: [0, 0, 0, 0] })).toBeUndefined()
  })
})

describe('recommendationLatency', () => {
  it('gives one row per path and algorithm, in milliseconds', async () => {
    const registry = new Registry()
    const histogram = new Histogram({ name: LATENCY_METRIC, help: 'h', labelNames: ['path', 'algorithm'], buckets: [0.001, 0.01, 0.1], registers: [registry] })
    for (let i = 0; i < 10; i++) histogram.observe({ path: 'recommendation', algorithm: 'frequency' }, 0.005)
    histogram.observe({ path: 'slip', algorithm: 'co-bet' }, 0.05)
    const rows = await recommendationLatency(registry)
    expect(rows.map((r) => [r.path, r.algorithm, r.count])).toEqual([['recommendation', 'frequency', 10], ['slip', 'co-bet', 1]])
    expect(rows[0]?.p50_ms).toBeCloseTo(5.5, 6)
    expect(rows[1]?.p95_ms).toBeCloseTo(10 + 90 * 0.95, 6)
  })

  it('is empty when the API has no such histogram', async () => {
    expect(await recommendationLatency(new Registry())).toEqual([])
  })
})
