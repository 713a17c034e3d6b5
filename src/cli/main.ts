#!/usr/bin/env node
// The project's single command line: every service and tool is a sub-command with its own --help.
import { Command } from 'commander'
import { registerDataCommands } from './commands/data.ts'
import { registerDlqCommands } from './commands/dlq.ts'
import { registerKafkaCommand } from './commands/kafka.ts'
import { registerServiceCommands } from './commands/services.ts'
import { registerStartCommand } from './commands/start.ts'

const program = new Command()
  .name('betting')
  .description('Event-driven recommendation platform for sportsbooks. Configuration comes from environment variables (see README).')

registerStartCommand(program)
registerServiceCommands(program)
registerKafkaCommand(program)
registerDataCommands(program)
registerDlqCommands(program)

await program.parseAsync()
