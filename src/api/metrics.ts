// The API's own metrics beyond HTTP latency: recommendation time per path and algorithm, answers withheld
// by responsible-gambling flags, database time per repository call, and rows per table.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { RecommenderObserver } from '../recommender/service.ts'
import type { Database } from '../storage/database.ts'
import { histogramChildren } from '../http/histogram-children.ts'
import { observeQueries } from '../storage/query-timing.ts'
import type { Tables } from '../storage/tables.ts'

/** Tables whose row counts are shown; counted when scraped, at most every ROWS_REFRESH_MS. */
const COUNTED_TABLES: ReadonlyArray<keyof Tables> = ['users', 'events', 'coupons', 'selections', 'participants', 'guardrail_history']
const ROWS_REFRESH_MS = 10_000

export function apiMetrics (registry: Registry, database: Database): { recommender: RecommenderObserver } {
  const latency = new Histogram({
    name: 'recommendation_duration_seconds',
    help: 'Time to compute a recommendation answer, per path (recommendation, slip, related) and algorithm',
    labelNames: ['path', 'algorithm'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry]
  })
  const latencyOf = histogramChildren(latency)
  const withheld = new Counter({
    name: 'recommendations_withheld_total',
    help: "Recommendation answers a user's responsible-gambling flags changed: self_excluded (no events) or marketing_opt_out (non-personalised)",
    labelNames: ['reason', 'path'],
    registers: [registry]
  })
  const queries = new Histogram({
    name: 'db_query_duration_seconds',
    help: 'Time of each repository call (one or a few SQL statements), per repository and call',
    labelNames: ['repository', 'call'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1],
    registers: [registry]
  })
  const queriesOf = histogramChildren(queries)
  observeQueries((repository, call, seconds) => queriesOf(repository, call).observe(seconds))

  let counted: { at: number, rows: Array<[string, number]> } | undefined
  new Gauge({ // eslint-disable-line no-new -- registered with the registry, read on scrape
    name: 'db_rows',
    help: 'Rows per table (counted at most every 10 s)',
    labelNames: ['table'],
    registers: [registry],
    async collect () {
      if (counted === undefined || Date.now() - counted.at > ROWS_REFRESH_MS) {
        const rows: Array<[string, number]> = []
        for (const table of COUNTED_TABLES) {
          const row = await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
          rows.push([table, Number(row.n)])
        }
        counted = { at: Date.now(), rows }
      }
      for (const [table, n] of counted.rows) this.set({ table }, n)
    }
  })

  return {
    recommender: {
      answered: (path, algorithm, seconds) => latencyOf(path, algorithm).observe(seconds),
      withheld: (reason, path) => withheld.inc({ reason, path })
    }
  }
}
