// Configuration for a command: an invalid environment stops the command with one clear sentence.
import { ConfigError, loadConfig, type Config } from '../config/config.ts'

export function configFromEnv (): Config {
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
