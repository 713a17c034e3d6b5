// `start`: the whole stack on one machine: a local Kafka broker or cluster (unless BOOTSTRAP_SERVER is set), the
// API, the gateway and the consumers, with labelled logs; Ctrl-C stops them all cleanly. The stack is
// development tooling, loaded from src/dev/ only when the command runs.
import type { Command } from 'commander'
import { configFromEnv } from '../config.ts'
import { brokerCount } from '../arguments.ts'
import { loadDevCommands, type StartCommandOptions } from '../dev-commands.ts'

export function registerStartCommand (program: Command): void {
  program.command('start')
    .description('Run the whole stack: local Kafka broker (when BOOTSTRAP_SERVER is unset), API, gateway and consumers. Ctrl-C stops everything.')
    .option('--brokers <n>', 'run a local Kafka cluster of n nodes instead of one broker (see `kafka --help`)', brokerCount, 1)
    .action(async (options: StartCommandOptions) => {
      const dev = await loadDevCommands('start', 'npm start')
      await dev?.start(configFromEnv(), options)
    })
}
