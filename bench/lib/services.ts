// The services under test as real processes (`node --import tsx src/cli/main.ts <service>`), exactly as
// they are deployed, plus the child processes that generate load; and each process's resident memory.
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { terminateOnExit } from '../../src/dev/exit-cleanup.ts'
import { describeExit, ROOT, ServiceProcess, type ServiceCommand } from '../../src/dev/service-process.ts'

export { ROOT }

export type ServiceName = ServiceCommand

export interface Service {
  /** The command, or with several of a kind `consumer-2` and so on. */
  name: string
  pid: number
  /** How it ended on its own (exit code or signal), once it has; a benchmark whose service died measures nothing. */
  readonly ended: string | undefined
  /** SIGTERM, then SIGKILL after the runner's grace time. */
  stop (): Promise<void>
}

export interface ServiceOptions {
  env: Record<string, string>
  /** Where the service's output goes. */
  logFile: string
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[]
}

/** Starts a service and resolves once its /ready answers 200 (a consumer: every worker reads its topic). */
export async function startService (name: ServiceName, options: ServiceOptions): Promise<Service> {
  const service = new ServiceProcess({ name, command: name, ...options })
  await service.start()
  return asService(service)
}

/** The benchmark's view of a started service process: what it measures (pid), whether it died, its stop. */
export function asService (service: ServiceProcess): Service {
  return {
    name: service.spec.name,
    pid: service.pid as number,
    get ended () {
      const crash = service.crashes.at(-1)
      return crash === undefined ? undefined : describeExit(crash)
    },
    async stop () { await service.stop() }
  }
}

/** Resident set size of a process in MB (VmRSS), or undefined once it is gone. */
export async function rssMb (pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]
    return kb === undefined ? undefined : Number(kb) / 1024
  } catch {
    return undefined
  }
}

/** CPU time (user + system) a process has used so far, in seconds; undefined once it is gone. */
export async function cpuSeconds (pid: number): Promise<number | undefined> {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in ticks of 1/100 s.
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return undefined
  }
}

/** Keeps the highest RSS seen per label, sampling every second while running. */
export class RssSampler {
  readonly peaks: Record<string, number> = {}
  private readonly pids = new Map<string, number>()
  private readonly timer = setInterval(() => { this.sample().catch(() => {}) }, 1000)

  watch (label: string, pid: number): void {
    this.pids.set(label, pid)
  }

  async sample (): Promise<void> {
    for (const [label, pid] of this.pids) {
      const mb = await rssMb(pid)
      if (mb !== undefined && mb > (this.peaks[label] ?? 0)) this.peaks[label] = mb
    }
  }

  stop (): void {
    clearInterval(this.timer)
  }
}

/**
 * Runs a bench script (load.ts, feed.ts) as a child process; the JSON spec goes to its standard input
 * (an argument is limited to 128 KiB, less than a list of 20,000 event ids), and it answers one JSON line.
 */
export async function runScript<T> (script: string, spec: unknown): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', script)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe']
  })
  terminateOnExit(child)
  child.stdin.end(JSON.stringify(spec))
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString() })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', resolve)
  })
  if (code !== 0) throw new Error(`${script} failed (exit ${code}): ${err.slice(-2000)}`)
  const last = out.trim().split('\n').pop() ?? ''
  return JSON.parse(last) as T
}

/** The spec a bench script was given on its standard input. */
export async function readSpec<T> (): Promise<T> {
  let text = ''
  for await (const chunk of process.stdin) text += String(chunk)
  return JSON.parse(text) as T
}
