// Producing to the retry and dead-letter topics. Both keep the record's original key and bytes; the
// headers carry why it was set aside and where it came from.
import { Producer, ProduceAcks } from '@platformatic/kafka'
import type { Config } from '../config/config.ts'
import { kafkaBrokers } from '../config/config.ts'
import { KAFKA_DEFAULTS } from './defaults.ts'

export const Headers = {
  reason: 'x-dlq-reason',
  status: 'x-dlq-status',
  code: 'x-dlq-code',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  firstAttemptAt: 'x-first-attempt-at',
  attempt: 'x-retry-attempt',
  notBefore: 'x-not-before'
} as const

export interface SideRecord {
  topic: string
  key: Buffer | undefined
  value: Buffer | undefined
  headers: Record<string, string>
}

export interface SideProducer {
  send (records: SideRecord[]): Promise<void>
  close (): Promise<void>
}

export function createSideProducer (config: Config, clientId: string): SideProducer {
  const newProducer = () => new Producer({
    clientId,
    bootstrapBrokers: kafkaBrokers(config),
    idempotent: true,
    acks: ProduceAcks.ALL,
    timeout: KAFKA_DEFAULTS.sideTimeoutMs,
    requestTimeout: KAFKA_DEFAULTS.sideRequestTimeoutMs,
    retries: KAFKA_DEFAULTS.sideRetries,
    retryDelay: KAFKA_DEFAULTS.sideRetryDelayMs
  })
  let producer = newProducer()
  // The idempotent producer numbers records per partition; two sends in flight to one partition can
  // arrive out of order and be refused (OutOfOrderSequence), so sends go one at a time.
  let last: Promise<unknown> = Promise.resolve()
  const sendNow = async (records: SideRecord[]) => {
    try {
      await producer.send({
        messages: records.map((r) => ({
          topic: r.topic,
          key: r.key,
          value: r.value,
          headers: new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]))
        }))
      })
    } catch (error) {
      // A failed send may still have been written. This producer's next send would reuse its sequence
      // numbers and the broker would take it for that copy: acknowledged, never written, and its batch
      // committed. A new producer starts new numbers; the failed batch is read and sent again, and a record
      // written twice to a side topic is harmless (stored once, by id).
      const old = producer
      producer = newProducer()
      old.close().catch(() => {})
      throw error
    }
  }
  return {
    async send (records) {
      if (records.length === 0) return
      const current = last.catch(() => {}).then(() => sendNow(records))
      last = current
      await current
    },
    async close () {
      await last.catch(() => {})
      await producer.close()
    }
  }
}
