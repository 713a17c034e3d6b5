// Recommendation latency for the dashboard, read from the API's own histogram: per algorithm and path, how
// many answers and their p50/p95, estimated from the buckets the way Prometheus' histogram_quantile does.
import type { Registry } from 'prom-client'
import type { LatencyRow } from './schema.ts'

export const LATENCY_METRIC = 'recommendation_duration_seconds'

/** One histogram series: cumulative counts per upper bound (seconds), ascending, the last one +Inf. */
export interface Buckets { upperBounds: number[], counts: number[] }

/**
 * The q-quantile (0 < q <= 1) in seconds: the bucket holding rank q * total, interpolated linearly inside
 * it. A rank in the +Inf bucket answers the highest finite bound, the most the buckets can tell.
 */
export function histogramQuantile (q: number, { upperBounds, counts }: Buckets): number | undefined {
  const total = counts.at(-1) ?? 0
  if (total === 0) return undefined
  const rank = q * total
  const index = counts.findIndex((count) => count >= rank)
  const upper = upperBounds[index] as number
  const lower = index === 0 ? 0 : upperBounds[index - 1] as number
  if (upper === Infinity) return lower
  const below = index === 0 ? 0 : counts[index - 1] as number
  return lower + (upper - lower) * (rank - below) / ((counts[index] as number) - below)
}

const upperBoundOf = (le: string | number | undefined): number => le === '+Inf' ? Infinity : Number(le)

export async function recommendationLatency (registry: Registry): Promise<LatencyRow[]> {
  // Another part of the API registers the histogram; an API without it simply has no latency to show.
  const metric = registry.getSingleMetric(LATENCY_METRIC)
  if (metric === undefined) return []
  const { values } = await metric.get()
  const series = new Map<string, { algorithm: string, path: string, bounds: Array<[number, number]> }>()
  for (const value of values) {
    if ((value as { metricName?: string }).metricName !== `${LATENCY_METRIC}_bucket`) continue
    const algorithm = String(value.labels.algorithm ?? '')
    const path = String(value.labels.path ?? '')
    const key = `${path}\u0000${algorithm}`
    const entry = series.get(key) ?? { algorithm, path, bounds: [] }
    entry.bounds.push([upperBoundOf(value.labels.le), value.value])
    series.set(key, entry)
  }
  const rows: LatencyRow[] = []
  for (const { algorithm, path, bounds } of series.values()) {
    bounds.sort((a, b) => a[0] - b[0])
    const buckets = { upperBounds: bounds.map((b) => b[0]), counts: bounds.map((b) => b[1]) }
    const p50 = histogramQuantile(0.5, buckets)
    const p95 = histogramQuantile(0.95, buckets)
    if (p50 === undefined || p95 === undefined) continue
    rows.push({ algorithm, path, count: buckets.counts.at(-1) as number, p50_ms: p50 * 1000, p95_ms: p95 * 1000 })
  }
  return rows.sort((a, b) => a.path.localeCompare(b.path) || a.algorithm.localeCompare(b.algorithm))
}
