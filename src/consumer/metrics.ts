// The consumer's metrics and the recent dead letters its status page lists. One registry per consumer
// process: records per topic and outcome, delivery latency, deliveries per API instance, and lag (refreshed
// by lag.ts).
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { LagSnapshot } from '../kafka/lag.ts'
import type { DeliveryTarget } from './delivery.ts'

/** Dead letters kept for the status page, newest first. */
const RECENT_DEAD_LETTERS = 20

export interface RecentDeadLetter { topic: string, code: string, reason: string, at: string }

export interface TopicRecords { consumed: number, stored: number, retried: number, dead_lettered: number }

/** What a worker reports about each batch it processed (worker.ts). */
export interface WorkerObserver {
  consumed (topic: string, records: number): void
  stored (topic: string, records: number): void
  retried (topic: string, code: string): void
  deadLettered (topic: string, dlqTopic: string, code: string, reason: string): void
  delivered (target: DeliveryTarget, seconds: number): void
  /** A worker joined its group and reads its topic (true), or stopped reading it (false). */
  consuming (topic: string, reading: boolean): void
}

export function consumerMetrics () {
  // Node's default metrics and the service label are added by the HTTP app over it (http/base-app.ts).
  const registry = new Registry()
  const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers: [registry] })
  const consumed = counter('consumer_records_consumed_total', 'Records read from a topic', ['topic'])
  const stored = counter('consumer_records_stored_total', 'Records the API stored (or already had)', ['topic'])
  const retried = counter('consumer_records_retried_total', 'Records set aside on the retry topic, by the code of the refusal', ['topic', 'code'])
  const deadLettered = counter('consumer_records_dead_lettered_total', 'Records dead-lettered, by the code of the refusal (POISON: not a record at all)', ['topic', 'code'])
  const delivery = new Histogram({
    name: 'consumer_delivery_duration_seconds',
    help: 'Time of one bulk delivery to the API, per target endpoint',
    labelNames: ['target'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry]
  })
  const apiDeliveries = counter('consumer_api_deliveries_total', 'Bulk deliveries per API instance (of API_URL), by outcome: ok, or unavailable (the records went to the next instance)', ['api', 'outcome'])
  const lag = new Gauge({ name: 'consumer_lag', help: "Records on a partition not yet committed by the topic's consumer group", labelNames: ['topic', 'partition'], registers: [registry] })
  const deadLetterTotals = new Gauge({ name: 'dead_letter_records', help: 'Records on a dead-letter topic (end minus start offsets)', labelNames: ['topic'], registers: [registry] })

  const perTopic = new Map<string, TopicRecords>()
  const topicRecords = (topic: string): TopicRecords => {
    let records = perTopic.get(topic)
    if (records === undefined) {
      records = { consumed: 0, stored: 0, retried: 0, dead_lettered: 0 }
      perTopic.set(topic, records)
    }
    return records
  }
  const recent: RecentDeadLetter[] = []
  const reading = new Set<string>()

  const observer: WorkerObserver = {
    consumed (topic, n) { consumed.inc({ topic }, n); topicRecords(topic).consumed += n },
    stored (topic, n) { stored.inc({ topic }, n); topicRecords(topic).stored += n },
    retried (topic, code) { retried.inc({ topic, code }); topicRecords(topic).retried++ },
    deadLettered (topic, dlqTopic, code, reason) {
      deadLettered.inc({ topic, code })
      topicRecords(topic).dead_lettered++
      recent.unshift({ topic: dlqTopic, code, reason, at: new Date().toISOString() })
      recent.length = Math.min(recent.length, RECENT_DEAD_LETTERS)
    },
    delivered (target, seconds) { delivery.observe({ target }, seconds) },
    consuming (topic, isReading) { if (isReading) reading.add(topic); else reading.delete(topic) }
  }

  /** Sets the lag and dead-letter gauges from the broker's latest figures. */
  const lagRefreshed = (snapshot: LagSnapshot) => {
    lag.reset()
    for (const p of snapshot.lag) lag.set({ topic: p.topic, partition: String(p.partition) }, p.lag)
    for (const [topic, total] of Object.entries(snapshot.deadLetters)) deadLetterTotals.set({ topic }, total)
  }

  return {
    registry,
    observer,
    lagRefreshed,
    /** An API instance answered a delivery (ok) or could not (unavailable). */
    apiAnswered: (api: string, ok: boolean) => { apiDeliveries.inc({ api, outcome: ok ? 'ok' : 'unavailable' }) },
    records: (): Record<string, TopicRecords> => Object.fromEntries(perTopic),
    /** The topics a worker reads right now. */
    reading: (): ReadonlySet<string> => reading,
    recentDeadLetters: (): readonly RecentDeadLetter[] => recent
  }
}

export type ConsumerMetrics = ReturnType<typeof consumerMetrics>
