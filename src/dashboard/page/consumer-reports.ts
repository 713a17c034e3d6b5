// The consumers' GET /status reports, merged into one picture. Every instance of a consumer group reports
// the same group-wide lag and topic-wide dead-letter totals, so those are merged rather than added; the
// records counters are each instance's own, so those are added.
import type { ConsumerState, ConsumerStatusBody } from '../schema.ts'

type LagRow = ConsumerStatusBody['lag'][number]
type Records = ConsumerStatusBody['records'][string]
type DeadLetter = ConsumerStatusBody['dead_letters']['latest'][number]

/** One topic's lag, by partition. */
export interface TopicLag { topic: string, partitions: Map<number, LagRow> }

/** The consumers' reports, and the API's own reading of the broker (which shows lag when no consumer runs). */
export const reportsOf = (consumers: readonly ConsumerState[], broker: ConsumerStatusBody | null): ConsumerStatusBody[] =>
  [...consumers.flatMap((c) => c.status_body === undefined ? [] : [c.status_body]), ...(broker === null ? [] : [broker])]

/** When the newest of the reports measured the lag (ISO-8601), if any did. */
export const lagMeasuredAt = (reports: readonly ConsumerStatusBody[]): string | undefined =>
  reports.map((r) => r.lag_refreshed_at).filter((at): at is string => at !== null).sort().at(-1)

/** Per topic (and group) the newest measurement of each partition, topics by name. */
export function mergedLag (reports: readonly ConsumerStatusBody[]): TopicLag[] {
  const newestFirst = [...reports].sort((a, b) => (b.lag_refreshed_at ?? '').localeCompare(a.lag_refreshed_at ?? ''))
  const topics = new Map<string, TopicLag>()
  for (const report of newestFirst) {
    for (const row of report.lag) {
      const key = `${row.group}\u0000${row.topic}`
      const topic = topics.get(key) ?? { topic: row.topic, partitions: new Map() }
      if (!topic.partitions.has(row.partition)) topic.partitions.set(row.partition, row)
      topics.set(key, topic)
    }
  }
  return [...topics.values()].sort((a, b) => a.topic.localeCompare(b.topic))
}

export function addedRecords (reports: readonly ConsumerStatusBody[]): Array<[string, Records]> {
  const totals = new Map<string, Records>()
  for (const report of reports) {
    for (const [topic, r] of Object.entries(report.records)) {
      const sum = totals.get(topic) ?? { consumed: 0, stored: 0, retried: 0, dead_lettered: 0 }
      totals.set(topic, {
        consumed: sum.consumed + r.consumed,
        stored: sum.stored + r.stored,
        retried: sum.retried + r.retried,
        dead_lettered: sum.dead_lettered + r.dead_lettered
      })
    }
  }
  return [...totals.entries()].sort(([a], [b]) => a.localeCompare(b))
}

export function deadLetterTotals (reports: readonly ConsumerStatusBody[]): Array<[string, number]> {
  const totals = new Map<string, number>()
  for (const report of reports) {
    for (const [topic, n] of Object.entries(report.dead_letters.totals)) totals.set(topic, Math.max(n, totals.get(topic) ?? 0))
  }
  return [...totals.entries()].sort(([a], [b]) => a.localeCompare(b))
}

/** The newest `count` dead letters any instance saw, each once. */
export function latestDeadLetters (reports: readonly ConsumerStatusBody[], count: number): DeadLetter[] {
  const unique = new Map<string, DeadLetter>()
  for (const d of reports.flatMap((r) => r.dead_letters.latest)) unique.set(`${d.topic}\u0000${d.at}\u0000${d.reason}`, d)
  return [...unique.values()].sort((a, b) => b.at.localeCompare(a.at)).slice(0, count)
}
