// The commands that run development tooling (`start`, `kafka`) load it from src/dev/ when they run. The
// production build leaves src/dev/ out, so its module is named through a variable: the compiler neither
// follows nor emits it, and the compiled CLI says where those commands run instead of failing obscurely.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Config } from '../config/config.ts'

/** The `kafka` command's flags. */
export interface KafkaCommandOptions {
  fetchOnly?: boolean
  quiet?: boolean
  /** Nodes of the local cluster; 1 is the single broker. */
  brokers: number
}

/** The `start` command's flags. */
export interface StartCommandOptions {
  /** Local Kafka nodes when BOOTSTRAP_SERVER is unset. */
  brokers: number
}

/**
 * What src/dev/commands.ts exports as `devCommands`. This room is built without src/dev/ and so cannot
 * import its types: the two are kept in step by hand (`npm start` and `npm run kafka` use both).
 */
export interface DevCommands {
  start (config: Config, options: StartCommandOptions): Promise<void>
  kafka (config: Config, options: KafkaCommandOptions): Promise<void>
}

const DEV_DIR = new URL('../dev/', import.meta.url)
const DEV_COMMANDS: string = '../dev/commands.ts'

/**
 * The development commands, or undefined, after one sentence on standard error and exit code 2, when
 * this is the compiled build, which has no src/dev/: `npmScript` is how to run `command` from the source tree.
 */
export async function loadDevCommands (command: string, npmScript: string): Promise<DevCommands | undefined> {
  if (!existsSync(fileURLToPath(DEV_DIR))) {
    process.stderr.write(`\`${command}\` runs from the source tree only (\`${npmScript}\` in a checkout of the project), since the compiled build leaves out the development tooling it needs.\n`)
    process.exitCode = 2
    return undefined
  }
  const { devCommands } = await import(DEV_COMMANDS) as { devCommands: DevCommands }
  return devCommands
}
