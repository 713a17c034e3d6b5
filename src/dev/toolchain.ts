// The tools the local broker needs (OpenJDK, Apache Maven): checks that they are installed, running one of
// their commands to completion, and the one-sentence error the broker tooling reports to the user.
import { CodedError, ErrorCodes } from '../domain/errors.ts'
import { spawn, spawnSync } from 'node:child_process'

const MIN_JAVA = 17

/** A failure the user can act on; the message is one sentence saying what to do. */
export class LocalBrokerError extends CodedError {
  override name = 'LocalBrokerError'
  constructor (message: string, options?: ErrorOptions) {
    super(ErrorCodes.localBrokerFailed, message, false, options)
  }
}

/** Where the tooling reports its progress unless told otherwise: standard error. */
export const writeProgress = (message: string): void => { process.stderr.write(`${message}\n`) }

/** Throws the one-sentence install advice when a tool is missing from PATH. */
export function requireTool (command: string, args: string[], name: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  if (result.error !== undefined) {
    throw new LocalBrokerError(`The local Kafka broker needs OpenJDK ${MIN_JAVA}+ and Apache Maven on PATH and \`${command}\` (${name}) was not found: install it, or set BOOTSTRAP_SERVER to an existing broker.`)
  }
  return `${result.stdout}${result.stderr}`
}

export function requireJava (): void {
  const output = requireTool('java', ['-version'], `OpenJDK ${MIN_JAVA}+`)
  // `java -version` prints e.g. `openjdk version "17.0.15"`, or `"1.8.0_402"` for Java 8.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output)
  const major = match === null ? 0 : (match[1] === '1' ? Number(match[2]) : Number(match[1]))
  if (major < MIN_JAVA) {
    throw new LocalBrokerError(`The local Kafka broker needs OpenJDK ${MIN_JAVA}+ but \`java\` is version ${match === null ? 'unknown' : String(major)}: install a newer JDK, or set BOOTSTRAP_SERVER to an existing broker.`)
  }
}

/** Runs a command to completion, keeping its combined output for error messages. */
export async function run (command: string, args: string[]): Promise<{ code: number | null, output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, output }))
  })
}

/** The last lines of a tool's output as one line, for an error message. */
export function tail (text: string, lines = 5): string {
  const last = text.trim().split('\n').slice(-lines).join(' | ')
  return last === '' ? '(nothing)' : last
}
