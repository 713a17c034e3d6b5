// ensureTopics on the run's real broker: safe from several instances at once, since the broker's "already
// exists" answer (told apart by its error code, not its text) means the topic is there.
import { Admin } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config/config.ts'
import { ensureTopics } from '../../../src/kafka/topics.ts'
import { uniqueName } from '../../helpers/database.ts'
import { kafkaBootstrap } from '../../helpers/kafka.ts'

describe('ensureTopics', () => {
  it('creates the missing topics once, even when several instances ask at the same time', async () => {
    const config = loadConfig({ BOOTSTRAP_SERVER: kafkaBootstrap(), TOPIC_PARTITIONS: '2' })
    const topics = [uniqueName('topics-a'), uniqueName('topics-b')]
    await Promise.all([1, 2, 3, 4].map(async (n) => ensureTopics(config, topics, `topics-test-${n}`)))
    await ensureTopics(config, topics, 'topics-test-again')
    const admin = new Admin({ clientId: 'topics-test-check', bootstrapBrokers: config.kafka.bootstrapServers })
    try {
      const metadata = await admin.metadata({ topics })
      for (const topic of topics) expect(metadata.topics.get(topic)?.partitionsCount).toBe(2)
    } finally {
      await admin.close()
    }
  })
})
