// Once per test run: the real services the suites need must be there. PostgreSQL missing is a failure,
// not a skip: both dialects are part of the contract. Kafka is a throw-away local broker unless
// BOOTSTRAP_SERVER names one; tests get its address with kafkaBootstrap() from helpers/kafka.ts.
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { loadConfig } from '../src/config/config.ts'
import { fetchKafka, startThrowawayBroker } from '../src/kafka/local-broker.ts'
import { POSTGRES_URL } from './helpers/database.ts'

export default async function setup (project: TestProject): Promise<() => Promise<void>> {
  await checkPostgres()

  const config = loadConfig()
  if (config.kafka.bootstrapServers.length > 0) {
    project.provide('kafkaBootstrap', config.kafka.bootstrapServers.join(','))
    return async () => {}
  }
  process.stderr.write('starting a throw-away Kafka broker for the tests (the first run also fetches its jars with Maven)...\n')
  // Fetch first, with progress, so only a first run's download is reported; the start itself stays quiet.
  await fetchKafka(config.kafka.cacheDir)
  const broker = await startThrowawayBroker({ cacheDir: config.kafka.cacheDir, heap: config.kafka.heap, onProgress: () => {} })
  project.provide('kafkaBootstrap', broker.bootstrap)
  return async () => broker.stop()
}

async function checkPostgres (): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    await client.query('select 1')
  } catch (error) {
    throw new Error(`PostgreSQL is required for the tests and is not reachable at ${POSTGRES_URL} (set TEST_POSTGRES_URL): ${String(error)}`)
  } finally {
    await client.end().catch(() => {})
  }
}
