// The consumer's own small HTTP server (CONSUMER_PORT): /health, /ready (the broker and the API answer),
// /metrics, and /status — the figures the API's dashboard shows: records per topic, lag per partition,
// dead-letter totals and the latest reasons; and the state of each API instance deliveries go to.
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config/config.ts'
import type { Logger } from '../config/logger.ts'
import { createBaseApp } from '../http/base-app.ts'
import { installReadiness, type ReadinessCheck } from '../http/readiness.ts'
import type { LagMonitor } from '../kafka/lag.ts'
import type { InstanceReport } from './api-instances.ts'
import type { ConsumerMetrics } from './metrics.ts'

export interface ConsumerHttpOptions {
  config: Config
  metrics: ConsumerMetrics
  lag: LagMonitor
  /** Each API instance as the deliveries found it. */
  apiInstances: () => InstanceReport[]
  checks: readonly ReadinessCheck[]
  logger: Logger | false
}

export async function buildConsumerHttp ({ config, metrics, lag, apiInstances, checks, logger }: ConsumerHttpOptions) {
  const { app } = createBaseApp({ config, service: 'consumer', logger, registry: metrics.registry })
  installReadiness(app as unknown as FastifyInstance, 'consumer', checks)
  app.get('/status', { schema: { hide: true } }, async () => {
    const { lag: partitions, deadLetters, refreshedAt } = lag.snapshot()
    return {
      service: 'consumer',
      entities: config.consumer.entities,
      records: metrics.records(),
      lag: partitions,
      lag_refreshed_at: refreshedAt,
      dead_letters: { totals: deadLetters, latest: metrics.recentDeadLetters() },
      api: apiInstances()
    }
  })
  await app.ready()
  return app
}
