// Runs services as child processes of this command: each one's output labelled line by line, all of
// them stopped together (SIGTERM, then SIGKILL after a grace period) when one fails or on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface ServiceSpec { name: string, args: string[], env: NodeJS.ProcessEnv }

export interface Supervisor {
  /** Resolves with the name of the first service that exited on its own (undefined after stopAll). */
  firstExit: Promise<string | undefined>
  stopAll (graceMs?: number): Promise<void>
}

const LABEL_WIDTH = 9

export function label (name: string, line: string): string {
  return `${`[${name}]`.padEnd(LABEL_WIDTH)} ${line}\n`
}

export function superviseServices (services: ServiceSpec[]): Supervisor {
  let stopping = false
  const children = new Map<string, ChildProcess>()
  const exits: Array<Promise<string | undefined>> = []
  for (const service of services) {
    // The same Node binary and loader flags as this process, so `tsx` and built runs behave alike.
    const child = spawn(process.execPath, [...process.execArgv, ...service.args], { env: service.env, stdio: ['ignore', 'pipe', 'pipe'] })
    children.set(service.name, child)
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => process.stdout.write(label(service.name, line)))
    }
    exits.push(new Promise((resolve) => child.once('exit', (code, signal) => {
      if (!stopping) process.stdout.write(label(service.name, `exited (${signal ?? `code ${String(code)}`})`))
      resolve(stopping ? undefined : service.name)
    })))
  }
  return {
    firstExit: Promise.race(exits),
    async stopAll (graceMs = 30_000) {
      stopping = true
      const running = [...children.values()].filter((c) => c.exitCode === null && c.signalCode === null)
      await Promise.all(running.map((child) => new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
        child.once('exit', () => { clearTimeout(timer); resolve() })
        child.kill('SIGTERM')
      })))
    }
  }
}
