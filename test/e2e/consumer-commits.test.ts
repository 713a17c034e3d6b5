// A group offset left behind what a consumer delivered, with nothing more to fetch that would move it on:
// the consumer's commit failed while its stream went on (the broker's coordinator away or loading after a
// restart), or a consumer that had lost the partition committed an older batch after its new owner (seen
// in the fault-injection run: "not drained after 300 s: 20 records not committed"). Every record is
// stored, but the lag stays above zero for good. The worker must see it and commit again.
import { Admin, Consumer } from '@platformatic/kafka'
import { afterEach, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config/config.ts'
import { COMMIT_CHECK_MS } from '../../src/consumer/commits.ts'
import { groupOf } from '../../src/kafka/lag.ts'
import { entityTopics } from '../../src/kafka/topics.ts'
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.ts'
import { countRows, userBody } from '../helpers/records.ts'

type Commit = typeof Consumer.prototype.commit
type Consume = typeof Consumer.prototype.consume

/** Per partition of the users topic: the end offset and the offset its consumer group committed (-1: none). */
async function offsets (config: Config): Promise<Array<{ partition: number, end: bigint, committed: bigint }>> {
  const topic = entityTopics(config.kafka.topicPrefix, 'users').main
  const admin = new Admin({ clientId: 'e2e-commits', bootstrapBrokers: config.kafka.bootstrapServers })
  try {
    const partitions = Array.from({ length: config.kafka.partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n }))
    const [ends] = await admin.listOffsets({ topics: [{ name: topic, partitions }] })
    const [group] = await admin.listConsumerGroupOffsets({ groups: [{ groupId: groupOf(config, topic), topics: [{ name: topic, partitionIndexes: partitions.map((p) => p.partitionIndex) }] }] })
    return partitions.map(({ partitionIndex: partition }) => ({
      partition,
      end: ends?.partitions.find((p) => p.partitionIndex === partition)?.offset ?? 0n,
      committed: group?.topics[0]?.partitions.find((p) => p.partitionIndex === partition)?.committedOffset ?? -1n
    }))
  } finally {
    await admin.close()
  }
}

/** The partitions whose group offset is behind their end, as `partition committed..end`. */
const behind = (list: Awaited<ReturnType<typeof offsets>>) => list.filter((p) => p.end > 0n && p.committed < p.end).map((p) => `${p.partition} ${p.committed}..${p.end}`)
/** Long enough for the worker's check, and for its stream to be woken while idle. */
const HEALED_WITHIN_MS = 3 * COMMIT_CHECK_MS + 10_000

describe('a group offset behind what the consumer delivered', () => {
  const commit = Consumer.prototype.commit
  const consume = Consumer.prototype.consume
  let p: Pipeline | undefined
  afterEach(async () => {
    Consumer.prototype.commit = commit
    Consumer.prototype.consume = consume
    await p?.close()
    p = undefined
  })

  it('is committed again after a failed commit, though no record arrives after it', async () => {
    // Every commit of the users topic's group fails until the records are stored: the batches are
    // delivered, their commits lost, and the stream goes on (no rebalance, no fetch error).
    let failing = true
    let failed = 0
    Consumer.prototype.commit = function (this: Consumer, ...args: Parameters<Commit>) {
      const callback = (args as unknown[])[1] as ((error: Error | null) => void) | undefined
      if (failing && !this.groupId.endsWith('.retry') && this.groupId.endsWith('-users')) {
        failed++
        const error = new Error('commit failed 6 times (injected: the coordinator is not available)')
        if (callback === undefined) return Promise.reject(error) as unknown as ReturnType<Commit>
        process.nextTick(callback, error)
        return undefined as unknown as ReturnType<Commit>
      }
      return (commit as (...a: unknown[]) => ReturnType<Commit>).apply(this, args)
    } as Commit

    p = await startPipeline('sqlite', { TOPICS: 'users' })
    for (const id of [1, 2, 3, 4, 5, 6]) expect((await p.post('/users', userBody({ id }))).status).toBe(202)
    await eventually(() => countRows((p as Pipeline).db.database.db, 'users'), (n) => n === 6)
    await eventually(async () => failed, (n) => n > 0)
    failing = false
    expect(behind(await offsets(p.config)).length).toBeGreaterThan(0)

    // Nothing more is sent: only the worker's own check can move the offsets on.
    await eventually(async () => behind(await offsets((p as Pipeline).config)), (list) => list.length === 0, HEALED_WITHIN_MS)
  }, 120_000)

  it('is committed again after a consumer that had the partition took the offset back', async () => {
    let owner: Consumer | undefined
    Consumer.prototype.consume = async function (this: Consumer, ...args: Parameters<Consume>) {
      if (this.groupId.endsWith('-users')) owner = this
      return (consume as (...a: unknown[]) => ReturnType<Consume>).apply(this, args)
    } as Consume

    p = await startPipeline('sqlite', { TOPICS: 'users' })
    for (const id of [1, 2, 3, 4, 5, 6]) expect((await p.post('/users', userBody({ id }))).status).toBe(202)
    await eventually(() => countRows((p as Pipeline).db.database.db, 'users'), (n) => n === 6)
    await eventually(async () => behind(await offsets((p as Pipeline).config)), (list) => list.length === 0)

    // A late commit of an older batch, as from a consumer that lost the partition in a rebalance: in the
    // group's current generation, so the broker takes it, and no rebalance follows that would make the
    // owner read again.
    const topic = entityTopics(p.config.kafka.topicPrefix, 'users').main
    const written = (await offsets(p.config)).filter((o) => o.end > 0n)
    await (owner as Consumer).commit({ offsets: written.map((o) => ({ topic, partition: o.partition, offset: 0n, leaderEpoch: -1 })) })
    expect(behind(await offsets(p.config)).length).toBe(written.length)

    await eventually(async () => behind(await offsets((p as Pipeline).config)), (list) => list.length === 0, HEALED_WITHIN_MS)
    expect(await countRows(p.db.database.db, 'users')).toBe(6)
  }, 120_000)
})
