// Sub-commands that run one service each, for deployments that scale them out separately. Each loads
// its service only when run, so `--help` stays instant.
import type { Command } from 'commander'
import { configFromEnv } from '../config.ts'

export function registerServiceCommands (program: Command): void {
  program.command('api')
    .description('Run the main API (port PORT, database DATABASE_URL). Applies migrations at start-up.')
    .action(async () => (await import('../../api/server.ts')).runApi(configFromEnv()))

  program.command('gateway')
    .description('Run the gateway (port PRODUCER_PORT): validates records and produces them to Kafka (BOOTSTRAP_SERVER).')
    .action(async () => (await import('../../gateway/server.ts')).runGateway(configFromEnv()))

  program.command('consumer')
    .description('Run the consumers of the entities in TOPICS: deliver records to the API (API_URL), retry and dead-letter.')
    .action(async () => (await import('../../consumer/server.ts')).runConsumers(configFromEnv()))
}
