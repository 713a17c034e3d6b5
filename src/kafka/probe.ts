// Whether the broker answers, for readiness checks: one long-lived admin client asking for cluster metadata.
import { Admin } from '@platformatic/kafka'
import type { Config } from '../config/config.ts'
import { kafkaBrokers } from '../config/config.ts'
import type { ReadinessCheck } from '../http/readiness.ts'

export interface KafkaProbe extends ReadinessCheck { close (): Promise<void> }

export function createKafkaProbe (config: Config, clientId: string): KafkaProbe {
  // No retries: a probe reports the broker as it is now; the caller asks again.
  const admin = new Admin({ clientId, bootstrapBrokers: kafkaBrokers(config), retries: 0, requestTimeout: 1500, connectTimeout: 1500 })
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
