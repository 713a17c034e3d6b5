// Once per test run: the real services the suites need must be there. PostgreSQL missing is a failure,
// not a skip: both dialects are part of the contract (DIALECTS=sqlite leaves it out on purpose). Kafka is
// a throw-away local broker unless BOOTSTRAP_SERVER names one; tests get its address with kafkaBootstrap()
// from helpers/kafka.ts. The integration and e2e projects both name this file and vitest sets each project
// up on its own, so the first one starts the services and the others share them until the last is done.
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { loadConfig } from '../src/config/config.ts'
import { fetchKafka } from '../src/dev/kafka-jars.ts'
import { startThrowawayBroker } from '../src/dev/local-broker.ts'
import { dialects, POSTGRES_URL } from './helpers/database.ts'

interface Services { bootstrap: string, stop (): Promise<void> }
interface Shared { users: number, services: Promise<Services> }

// Every project's setup runs in this one process, each with its own copy of this module: a global is
// what they share.
const SHARED = Symbol.for('betting.test.services')
const registry = globalThis as typeof globalThis & { [SHARED]?: Shared }

export default async function setup (project: TestProject): Promise<() => Promise<void>> {
  const shared = registry[SHARED] ??= { users: 0, services: startServices() }
  shared.users++
  let services: Services
  try {
    services = await shared.services
  } catch (error) {
    shared.users--
    throw error
  }
  project.provide('kafkaBootstrap', services.bootstrap)
  return async () => {
    if (--shared.users > 0) return
    delete registry[SHARED]
    await services.stop()
  }
}

async function startServices (): Promise<Services> {
  if (dialects.includes('postgres')) await checkPostgres()

  const config = loadConfig()
  if (config.kafka.bootstrapServers.length > 0) {
    return { bootstrap: config.kafka.bootstrapServers.join(','), stop: async () => {} }
  }
  process.stderr.write('starting a throw-away Kafka broker for the tests (the first run also fetches its jars with Maven)...\n')
  // Fetch first, with progress, so only a first run's download is reported; the start itself stays quiet.
  await fetchKafka(config.kafka.cacheDir)
  const broker = await startThrowawayBroker({ cacheDir: config.kafka.cacheDir, heap: config.kafka.heap, onProgress: () => {} })
  return { bootstrap: broker.bootstrap, stop: async () => broker.stop() }
}

async function checkPostgres (): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    await client.query('select 1')
  } catch (error) {
    throw new Error(`PostgreSQL is required for the tests and is not reachable at ${POSTGRES_URL} (set TEST_POSTGRES_URL, or DIALECTS=sqlite to leave it out): ${String(error)}`)
  } finally {
    await client.end().catch(() => {})
  }
}
