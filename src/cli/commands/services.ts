// Sub-commands that run one service each, for deployments that scale them out separately.
import type { Command } from 'commander'
import { runApi } from '../../api/server.ts'
import { runConsumers } from '../../consumer/server.ts'
import { runGateway } from '../../gateway/server.ts'
import { configFromEnv } from '../config.ts'

export function registerServiceCommands (program: Command): void {
  program.command('api')
    .description('Run the main API (port PORT, database DATABASE_URL). Applies migrations at start-up.')
    .action(async () => runApi(configFromEnv()))

  program.command('gateway')
    .description('Run the gateway (port PRODUCER_PORT): validates records and produces them to Kafka (BOOTSTRAP_SERVER).')
    .action(async () => runGateway(configFromEnv()))

  program.command('consumer')
    .description('Run the consumers of the entities in TOPICS: deliver records to the API (API_URL), retry and dead-letter.')
    .action(async () => runConsumers(configFromEnv()))
}
