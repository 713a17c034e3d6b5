// The broker the test run provides really works: a topic can be created, written, read back and deleted.
import { Admin, Consumer, MessagesStreamModes, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import { afterEach, describe, expect, test } from 'vitest'
import { uniqueName } from '../../helpers/database.ts'
import { kafkaBootstrap } from '../../helpers/kafka.ts'

describe('the provided Kafka broker', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    // Last opened, first closed: clients go before the topic they use is deleted.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  test('creates a topic, then delivers a produced message to a new consumer group', async () => {
    const bootstrapBrokers = kafkaBootstrap().split(',')
    const topic = uniqueName('local-broker-test')
    const admin = new Admin({ clientId: 'local-broker-test-admin', bootstrapBrokers })
    cleanups.push(async () => admin.close())
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 })
    cleanups.push(async () => admin.deleteTopics({ topics: [topic] }))
    expect(await admin.listTopics()).toContain(topic)

    const producer = new Producer({ clientId: 'local-broker-test-producer', bootstrapBrokers, serializers: stringSerializers, idempotent: true, acks: -1 })
    cleanups.push(async () => producer.close())
    const value = `hello ${topic}`
    const sent = await producer.send({ messages: [{ topic, key: 'k1', value }] })
    expect(sent.offsets?.[0]).toMatchObject({ topic, partition: 0, offset: 0n })

    const consumer = new Consumer({ clientId: 'local-broker-test-consumer', groupId: uniqueName('local-broker-test-group'), bootstrapBrokers, deserializers: stringDeserializers })
    cleanups.push(async () => consumer.close(true))
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false })
    const received = await new Promise((resolve, reject) => {
      stream.once('data', (message) => resolve({ key: message.key, value: message.value }))
      stream.once('error', reject)
    })
    expect(received).toEqual({ key: 'k1', value })
  })
})
