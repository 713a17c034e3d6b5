// Sub-commands that run the services.
import type { Command } from 'commander'
import { runApi } from '../../api/server.ts'
import { configFromEnv } from '../config.ts'

export function registerServiceCommands (program: Command): void {
  program.command('api')
    .description('Run the main API (port PORT, database DATABASE_URL).')
    .action(async () => runApi(configFromEnv()))
}
