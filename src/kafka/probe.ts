// Whether the broker answers, for readiness checks: one long-lived admin client asking for cluster metadata.
import { Admin } from '@platformatic/kafka'
import type { Config } from '../config/config.ts'
import { kafkaBrokers } from '../config/config.ts'
import type { ReadinessCheck } from '../http/readiness.ts'
import { KAFKA_DEFAULTS } from './defaults.ts'

export interface KafkaProbe extends ReadinessCheck { close (): Promise<void> }

export function createKafkaProbe (config: Config, clientId: string): KafkaProbe {
  const admin = new Admin({
    clientId,
    bootstrapBrokers: kafkaBrokers(config),
    retries: KAFKA_DEFAULTS.probeRetries,
    requestTimeout: KAFKA_DEFAULTS.probeTimeoutMs,
    connectTimeout: KAFKA_DEFAULTS.probeTimeoutMs
  })
  return {
    name: 'kafka',
    async probe () {
      await admin.metadata({ topics: [] })
    },
    async close () {
      await admin.close().catch(() => {})
    }
  }
}
