// The gateway's one long-lived Kafka producer: idempotent, acks from all in-sync replicas, keyed by id.
// Concurrent requests are coalesced: while one produce request is in flight for a topic, the records of
// later requests queue and leave together in the next one (group commit), so throughput grows with load
// while a lone request still goes out at once.
import { defaultPartitioner, Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka'
import type { Config } from '../config/config.ts'
import { kafkaBrokers } from '../config/config.ts'

export interface OutgoingRecord { key: string, value: string }
export interface Acknowledgement { partition: number, offset: number }

export interface RecordProducer {
  /** Resolves once Kafka acknowledged every record; one acknowledgement per record, in order. */
  send (topic: string, records: OutgoingRecord[]): Promise<Acknowledgement[]>
  close (): Promise<void>
}

/** Keeps one produce request under the broker's default batch limit unless a single record is larger. */
const MAX_FLUSH_BYTES = 900 * 1024

interface Pending { records: OutgoingRecord[], resolve: (acks: Acknowledgement[]) => void, reject: (error: unknown) => void }

export function createRecordProducer (config: Config, clientId = 'betting-gateway'): RecordProducer {
  const producer = new Producer({
    clientId,
    bootstrapBrokers: kafkaBrokers(config),
    serializers: stringSerializers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    // Fail within a few seconds when the broker is gone, so the client gets a 503 instead of a hung request.
    timeout: 5000,
    retries: 3,
    retryDelay: 250
  })
  const queues = new Map<string, { pending: Pending[], flushing: boolean }>()

  /** Sends records with explicit partitions, so each record's offset can be told from the per-partition base offsets. */
  async function produce (topic: string, records: OutgoingRecord[]): Promise<Acknowledgement[]> {
    const metadata = await producer.metadata({ topics: [topic] })
    const partitions = metadata.topics.get(topic)?.partitionsCount ?? 1
    const messages = records.map((r) => ({
      topic,
      key: r.key,
      value: r.value,
      partition: defaultPartitioner(undefined as never, Buffer.from(r.key)) % partitions
    }))
    const result = await producer.send({ messages })
    const base = new Map((result.offsets ?? []).map((o) => [o.partition, Number(o.offset)]))
    const seen = new Map<number, number>()
    return messages.map(({ partition }) => {
      const index = seen.get(partition) ?? 0
      seen.set(partition, index + 1)
      const first = base.get(partition)
      if (first === undefined) throw new Error(`Kafka did not acknowledge ${topic} partition ${partition}`)
      return { partition, offset: first + index }
    })
  }

  async function flush (topic: string): Promise<void> {
    const queue = queues.get(topic)
    if (queue === undefined || queue.flushing) return
    queue.flushing = true
    try {
      while (queue.pending.length > 0) {
        const batch = takeBatch(queue.pending)
        try {
          const acks = await produce(topic, batch.flatMap((p) => p.records))
          let at = 0
          for (const p of batch) {
            p.resolve(acks.slice(at, at + p.records.length))
            at += p.records.length
          }
        } catch (error) {
          for (const p of batch) p.reject(error)
        }
      }
    } finally {
      queue.flushing = false
    }
  }

  return {
    send (topic, records) {
      return new Promise((resolve, reject) => {
        let queue = queues.get(topic)
        if (queue === undefined) {
          queue = { pending: [], flushing: false }
          queues.set(topic, queue)
        }
        queue.pending.push({ records, resolve, reject })
        flush(topic).catch(reject)
      })
    },
    async close () {
      await producer.close()
    }
  }
}

function takeBatch (pending: Pending[]): Pending[] {
  let bytes = 0
  let count = 0
  for (const p of pending) {
    const size = p.records.reduce((sum, r) => sum + r.value.length + r.key.length, 0)
    if (count > 0 && bytes + size > MAX_FLUSH_BYTES) break
    bytes += size
    count++
  }
  return pending.splice(0, count)
}
