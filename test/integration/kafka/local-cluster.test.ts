// The local three-node cluster (`npm run kafka -- --brokers 3`) is a real replicated cluster: the services'
// topics get three replicas with two in sync, and a record written with acks=all survives the SIGKILL of
// its partition's leader; the killed node comes back with its data and rejoins the in-sync replicas.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Admin, Consumer, MessagesStreamModes, Producer, ProduceAcks, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config/config.ts'
import type { LocalCluster } from '../../../src/dev/local-kafka.ts'
import { startTestCluster } from '../../helpers/cluster.ts'
import { ensureTopics } from '../../../src/kafka/topics.ts'
import { eventually } from '../../helpers/pipeline.ts'

describe('a local three-node Kafka cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-cluster-'))
  let cluster: LocalCluster
  let admin: Admin
  const config = () => loadConfig({ BOOTSTRAP_SERVER: cluster.bootstrap })

  beforeAll(async () => {
    cluster = await startTestCluster(dir)
    admin = new Admin({ clientId: 'cluster-test', bootstrapBrokers: cluster.bootstrap.split(','), retries: 10, retryDelay: 500 })
  }, 180_000)
  afterAll(async () => {
    await admin?.close()
    await cluster?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers with all three brokers and a quorum leader', async () => {
    const metadata = await admin.metadata({})
    expect([...metadata.brokers.keys()].sort()).toEqual([1, 2, 3])
    expect([1, 2, 3]).toContain(cluster.quorumLeader())
  })

  it('creates the services\' topics with three replicas and min.insync.replicas 2 by default', async () => {
    await ensureTopics(config(), ['cluster-users'], 'cluster-test')
    const metadata = await admin.metadata({ topics: ['cluster-users'] })
    const partitions = metadata.topics.get('cluster-users')?.partitions ?? []
    expect(partitions).toHaveLength(3)
    for (const p of partitions) expect(p.replicas).toHaveLength(3)
    const [described] = await admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: 'cluster-users', configurationKeys: ['min.insync.replicas'] }] })
    expect(described?.configs.find((c) => c.name === 'min.insync.replicas')?.value).toBe('2')
  })

  it('keeps a record acknowledged by all in-sync replicas when its leader is killed, and the node rejoins', async () => {
    const topic = 'cluster-coupons'
    await ensureTopics(config(), [topic], 'cluster-test')
    const bootstrapBrokers = cluster.bootstrap.split(',')
    const producer = new Producer({ clientId: 'cluster-test-producer', bootstrapBrokers, serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL, retries: 20, retryDelay: 500 })
    try {
      await producer.send({ messages: [{ topic, partition: 0, key: 'before', value: 'acknowledged before the kill' }] })
      const leaderOf = async () => (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)?.partitions[0]?.leader
      const leader = await leaderOf()
      const victim = cluster.nodes.find((n) => n.nodeId === leader)
      expect(victim).toBeDefined()
      await victim?.kill()
      // Another replica takes over; with two of three in sync, writes with acks=all go on.
      await eventually(leaderOf, (now) => now !== undefined && now !== leader && now >= 0, 60_000)
      await producer.send({ messages: [{ topic, partition: 0, key: 'after', value: 'acknowledged with a node down' }] })

      const consumer = new Consumer({ clientId: 'cluster-test-reader', groupId: `cluster-test-${Date.now()}`, bootstrapBrokers, deserializers: stringDeserializers })
      try {
        const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false })
        const keys: string[] = []
        await new Promise<void>((resolve, reject) => {
          stream.on('data', (message) => { keys.push(message.key as string); if (keys.length === 2) resolve() })
          stream.once('error', reject)
        })
        await stream.close()
        expect(keys.sort()).toEqual(['after', 'before'])
      } finally {
        await consumer.close(true)
      }

      await victim?.start()
      await eventually(async () => (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)?.partitions[0]?.isr.length, (isr) => isr === 3, 90_000)
    } finally {
      await producer.close()
    }
  }, 240_000)
})
