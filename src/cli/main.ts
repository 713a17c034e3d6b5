#!/usr/bin/env node
// The project's single command line: every service and tool is a sub-command with its own --help.
import { Command } from 'commander'
import { ConfigError, loadConfig, type Config } from '../config/config.ts'
import { runApi } from '../api/server.ts'

const program = new Command()
  .name('betting')
  .description('Event-driven recommendation platform for sportsbooks. Configuration comes from environment variables (see README).')

function config (): Config {
  try {
    return loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(2)
    }
    throw error
  }
}

program.command('api')
  .description('Run the main API (port PORT, database DATABASE_URL).')
  .action(async () => runApi(config()))

await program.parseAsync()
