// Runs the gateway: create missing topics, open the producer, listen; on SIGTERM stop accepting,
// let in-flight produces finish (their clients get their 202), then close the producer.
import closeWithGrace from 'close-with-grace'
import type { Config } from '../config/config.ts'
import { createLogger } from '../config/logger.ts'
import { createIdGenerator } from '../domain/ids.ts'
import { ENTITIES, ensureTopics, entityTopics } from '../kafka/topics.ts'
import { buildGateway } from './app.ts'
import { GATEWAY_DEFAULTS } from './defaults.ts'
import { createRecordProducer } from './producer.ts'

export async function runGateway (config: Config): Promise<void> {
  await ensureTopics(config, ENTITIES.map((e) => entityTopics(config.kafka.topicPrefix, e).main), 'betting-gateway-admin')
  const log = createLogger(config, 'gateway')
  const producer = createRecordProducer(config, 'betting-gateway', log)
  const app = await buildGateway({ config, producer, nextId: createIdGenerator(config.instanceId), logger: log })
  // In-flight requests may wait up to the request timeout for Kafka to confirm their records (producer.ts).
  closeWithGrace({ delay: config.security.requestTimeoutMs + GATEWAY_DEFAULTS.shutdownGraceExtraMs }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'stopping after an error')
    app.log.info({ signal }, 'gateway stopping')
    await app.close()
    await producer.close()
  })
  await app.listen({ host: config.host, port: config.gatewayPort })
  app.log.info('gateway ready')
}
