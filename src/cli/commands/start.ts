// `start`: the whole stack on one machine: a local Kafka broker (unless BOOTSTRAP_SERVER is set), the
// API, the gateway and the consumers, with labelled logs; Ctrl-C stops them all cleanly.
import type { Command } from 'commander'
import { configFromEnv } from '../config.ts'

export function registerStartCommand (program: Command): void {
  program.command('start')
    .description('Run the whole stack: local Kafka broker (when BOOTSTRAP_SERVER is unset), API, gateway and consumers. Ctrl-C stops everything.')
    .action(async () => {
      const { startStack } = await import('../stack.ts')
      await startStack(configFromEnv())
    })
}
