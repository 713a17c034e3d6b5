#!/usr/bin/env node
// The project's single command line: every service and tool is a sub-command with its own --help.
import { Command } from 'commander'
import { registerServiceCommands } from './commands/services.ts'

const program = new Command()
  .name('betting')
  .description('Event-driven recommendation platform for sportsbooks. Configuration comes from environment variables (see README).')

registerServiceCommands(program)

await program.parseAsync()
