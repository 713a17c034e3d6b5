// The pipeline on a local three-node Kafka cluster: the broker coordinating a consumer group is frozen long
// enough for the cluster to fence it and move its partitions and groups to the other two, then wakes up;
// the consumers go on storing, and committing, so the lag drains to 0. (The client keeps the coordinator it
// first found for the consumer's life; in the cluster's fault run a woken broker then answered every commit
// with NOT_COORDINATOR. The worker's reaction to that, a new consumer, is unit-tested in
// test/unit/kafka/errors.test.ts; the fault run shows it healing.)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Admin, FindCoordinatorKeyTypes } from '@platformatic/kafka'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalCluster } from '../../src/dev/local-kafka.ts'
import { startTestCluster } from '../helpers/cluster.ts'
import { groupOf } from '../../src/kafka/lag.ts'
import { entityTopics } from '../../src/kafka/topics.ts'
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.ts'
import { userBody } from '../helpers/records.ts'

describe('the pipeline on a three-node Kafka cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-failover-'))
  let cluster: LocalCluster
  let pipeline: Pipeline
  let admin: Admin

  beforeAll(async () => {
    cluster = await startTestCluster(dir)
    pipeline = await startPipeline('sqlite', { BOOTSTRAP_SERVER: cluster.bootstrap, TOPICS: 'users', LOG_LEVEL: 'fatal' })
    admin = new Admin({ clientId: 'failover-test', bootstrapBrokers: cluster.bootstrap.split(','), retries: 10, retryDelay: 500 })
  }, 240_000)
  afterAll(async () => {
    await admin?.close()
    await pipeline?.close()
    await cluster?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const stored = async (ids: number[]) => {
    const found = await Promise.all(ids.map(async (id) => (await fetch(`${pipeline.apiUrl}/users/${id}`)).status))
    return found.filter((status) => status === 200).length
  }

  /** Records of the topic the group has not committed yet; -1 while the broker cannot tell (leadership moving). */
  const lag = async (topic: string, group: string): Promise<number> => readLag(topic, group).catch(() => -1)
  const readLag = async (topic: string, group: string): Promise<number> => {
    const partitions = [0, 1, 2]
    const [ends] = await admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) }] })
    const [committed] = await admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: partitions }] }] })
    let behind = 0n
    for (const p of ends?.partitions ?? []) {
      const offset = committed?.topics[0]?.partitions.find((c) => c.partitionIndex === p.partitionIndex)?.committedOffset ?? -1n
      behind += p.offset - (offset < 0n ? 0n : offset)
    }
    return Number(behind)
  }

  it('stores and commits every record after the group coordinator\'s broker was frozen for 20 s', async () => {
    const topic = entityTopics(pipeline.config.kafka.topicPrefix, 'users').main
    const group = groupOf(pipeline.config, topic)
    const before = Array.from({ length: 20 }, (_, i) => 1000 + i)
    for (const id of before) expect((await pipeline.post('/users', userBody({ id }))).status).toBe(202)
    await eventually(async () => stored(before), (n) => n === before.length, 60_000)
    await eventually(async () => lag(topic, group), (n) => n === 0, 60_000)

    const [coordinator] = await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [group] })
    const victim = cluster.nodes.find((n) => n.nodeId === coordinator?.nodeId)
    expect(victim).toBeDefined()
    // Longer than the broker's session with the controller (9 s): it is fenced and its partitions and
    // groups move to the other two; on SIGCONT it rejoins as a follower.
    victim?.pause()
    await new Promise((resolve) => setTimeout(resolve, 20_000))
    victim?.resume()

    const after = Array.from({ length: 20 }, (_, i) => 2000 + i)
    // The gateway may refuse while partition leadership moves; a refused record is sent again, as a client does.
    for (const id of after) await eventually(async () => (await pipeline.post('/users', userBody({ id }))).status, (status) => status === 202, 60_000)
    await eventually(async () => stored(after), (n) => n === after.length, 90_000)
    expect(await eventually(async () => lag(topic, group), (n) => n === 0, 120_000)).toBe(0)
  }, 360_000)
})
