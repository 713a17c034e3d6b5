// Ingest rates computed in the page from successive stored counts: the API only reports counts, and the
// difference between two polls over the time between them is what was stored per second in between.
import type { DashboardOverview } from '../schema.ts'

export type Counts = DashboardOverview['counts']
export type Entity = keyof Counts
export const ENTITIES: readonly Entity[] = ['users', 'events', 'coupons']

interface Sample { at: number, counts: Counts }

/** Per-second rates, one point per poll: `times` in epoch seconds (uPlot's x axis), one series per entity. */
export interface RateSeries { times: number[], rates: Record<Entity, number[]> }

export class RateHistory {
  private readonly samples: Sample[] = []

  constructor (private readonly windowMs: number) {}

  /** Records the counts seen at `at` (epoch ms) and forgets samples older than the window. */
  add (at: number, counts: Counts): void {
    this.samples.push({ at, counts })
    // Keep one sample from before the window: the first point inside it needs a predecessor.
    while (this.samples.length > 2 && (this.samples[1] as Sample).at < at - this.windowMs) this.samples.shift()
  }

  series (): RateSeries {
    const series: RateSeries = { times: [], rates: { users: [], events: [], coupons: [] } }
    for (let i = 1; i < this.samples.length; i++) {
      const before = this.samples[i - 1] as Sample
      const after = this.samples[i] as Sample
      const seconds = (after.at - before.at) / 1000
      if (seconds <= 0) continue
      series.times.push(after.at / 1000)
      // Counts only fall when records are deleted behind the API's back; that is no negative ingest.
      for (const entity of ENTITIES) series.rates[entity].push(Math.max(0, after.counts[entity] - before.counts[entity]) / seconds)
    }
    return series
  }

  /** The rate over the last poll interval, per entity; undefined until two polls were seen. */
  latest (): Record<Entity, number> | undefined {
    const { times, rates } = this.series()
    if (times.length === 0) return undefined
    return { users: rates.users.at(-1) ?? 0, events: rates.events.at(-1) ?? 0, coupons: rates.coupons.at(-1) ?? 0 }
  }
}
