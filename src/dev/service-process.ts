// A service as a real child process (`node --import tsx src/cli/main.ts <command>`, or the build's
// `node dist/cli/main.js <command>`), as it is deployed:
// started, stopped with SIGTERM or killed with SIGKILL, started again. `npm start` shows its output
// labelled on the terminal; the tests, the fault run and the benchmark keep it in a log file.
import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { terminateOnExit } from './exit-cleanup.ts'
import { freePorts } from './ports.ts'
import { waitForReady } from './readiness.ts'

/** The project root: children run there, where `--import tsx` and `src/cli/main.ts` resolve. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export const SERVICE_PROCESS_DEFAULTS = {
  /** A consumer is ready once every worker reads its topic, which on a busy machine takes a while. */
  readyTimeoutMs: 120_000,
  /**
   * Longer than a service's own shutdown deadline, SIGKILL after it: the gateway's is REQUEST_TIMEOUT_MS
   * (30 s) + 10 s, since a request in flight may be held until Kafka answers whether it wrote the records.
   */
  stopGraceMs: 60_000,
  /** The newest lines only: a long fault run must not hold every log line in memory. */
  keptLines: 5000,
  /**
   * Node flags of every service: the heap bounded as the Dockerfile bounds it (NODE_OPTIONS). Unbounded,
   * V8 sizes the old generation from the machine's memory and lets garbage pile up to several hundred MB
   * under load before collecting it (docs/benchmarks.md, Memory).
   */
  nodeFlags: ['--max-old-space-size=160']
}

export type ServiceCommand = 'api' | 'gateway' | 'consumer'

export interface ServiceSpec {
  /** Label in messages, the log and on the terminal, e.g. `consumer-2`. */
  name: string
  command: ServiceCommand
  /** Added to this process's environment. */
  env: Record<string, string>
  /** Every line the service prints is appended here, across restarts. */
  logFile?: string
  /** Each line also goes to this process's standard output, prefixed with `[name]`. */
  echo?: boolean
  /** Node flags before the loader, e.g. --cpu-prof. */
  nodeFlags?: string[]
  /**
   * What runs: the TypeScript sources through tsx (default), or the compiled `dist/` the image runs
   * (`npm run build` first). The benchmark runs the build: tsx's loader thread adds some 40 MB per process.
   */
  entry?: ServiceEntry
}

export type ServiceEntry = 'source' | 'build'

const ENTRY_ARGS: Record<ServiceEntry, string[]> = { source: ['--import', 'tsx', 'src/cli/main.ts'], build: ['dist/cli/main.js'] }

export interface Exit { code: number | null, signal: NodeJS.Signals | null }
export interface Stopped extends Exit {
  /** The grace time ran out after SIGTERM and the process was killed. */
  forced: boolean
}

const LABEL_WIDTH = 9

/** One line of terminal output from `name`, its label padded so the lines of several services align. */
export function label (name: string, line: string): string {
  return `${`[${name}]`.padEnd(LABEL_WIDTH)} ${line}\n`
}

export function describeExit ({ code, signal }: Exit): string {
  return signal ?? `code ${String(code)}`
}

interface Run { child: ChildProcess, exit: Promise<Exit>, exitSignal: AbortSignal }

export class ServiceProcess {
  private run: Run | undefined
  private expectingExit = false
  private readonly kept: string[] = []
  /** The consumer's HTTP port when the spec gives none: one free port, kept across restarts. */
  private consumerPort: string | undefined
  /** Exits nobody asked for (a crash): the fault-injection run and the tests fail on any. */
  readonly crashes: Array<Exit & { at: Date }> = []

  constructor (readonly spec: ServiceSpec) {}

  get running (): boolean {
    const child = this.run?.child
    return child !== undefined && child.exitCode === null && child.signalCode === null
  }

  get pid (): number | undefined {
    return this.run?.child.pid
  }

  /** Lines printed since the service was first started (the newest SERVICE_PROCESS_DEFAULTS.keptLines). */
  get lines (): readonly string[] {
    return this.kept
  }

  /** Where the service's HTTP endpoints answer. */
  get url (): string {
    const { env, command } = this.spec
    const port = { api: env.PORT, gateway: env.PRODUCER_PORT, consumer: env.CONSUMER_PORT ?? this.consumerPort }[command]
    return `http://127.0.0.1:${port ?? ''}`
  }

  /** Resolves when the current run of the process has exited, however it ended. */
  get exited (): Promise<Exit> {
    return this.current().exit
  }

  /** Starts the process and resolves once its /ready answers 200; a process that is not is killed. */
  async start (timeoutMs = SERVICE_PROCESS_DEFAULTS.readyTimeoutMs): Promise<void> {
    await this.launch()
    try {
      await waitForReady(this.url, { timeoutMs, signal: this.current().exitSignal })
    } catch (error) {
      const exitedFirst = this.current().exitSignal.aborted
      if (this.running) await this.kill()
      const reason = (error as Error).message
      throw new Error(`${exitedFirst ? reason : `${this.spec.name} was not ready: ${reason}`}; see ${this.whereLogged()}`, { cause: error })
    }
  }

  /** Starts the process without waiting for it to be ready (`npm start` reports readiness of all at once). */
  async launch (): Promise<void> {
    if (this.running) throw new Error(`${this.spec.name} is already running`)
    const { command, env, nodeFlags = [], entry = 'source' } = this.spec
    if (command === 'consumer' && env.CONSUMER_PORT === undefined) this.consumerPort ??= String((await freePorts(1))[0])
    const child = spawn(process.execPath, [...SERVICE_PROCESS_DEFAULTS.nodeFlags, ...nodeFlags, ...ENTRY_ARGS[entry], command], {
      cwd: ROOT,
      env: { ...process.env, ...env, ...(this.consumerPort === undefined ? {} : { CONSUMER_PORT: this.consumerPort }) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: Ctrl-C in a terminal then reaches only the command that started it, which
      // stops each service once (SIGTERM), instead of every service seeing SIGINT and then SIGTERM as a second signal.
      detached: true
    })
    // Should this process end without stopping it, the service must not linger holding its port.
    terminateOnExit(child)
    this.expectingExit = false
    for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => this.record(line))
    // Aborted on exit, so a wait for readiness ends at once with the reason instead of at its timeout.
    const exited = new AbortController()
    const exit = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => {
      const how = describeExit({ code, signal })
      if (!this.expectingExit) {
        this.crashes.push({ code, signal, at: new Date() })
        this.note(`exited (${how})`)
      }
      exited.abort(new Error(`${this.spec.name} exited (${how}) before it was ready`))
      resolve({ code, signal })
    }))
    this.run = { child, exit, exitSignal: exited.signal }
  }

  /** SIGTERM and wait for the exit; SIGKILL after graceMs, reported as `forced`. */
  async stop (graceMs = SERVICE_PROCESS_DEFAULTS.stopGraceMs): Promise<Stopped> {
    return this.end('SIGTERM', graceMs)
  }

  /** SIGKILL: the process gets no chance to finish anything. */
  async kill (): Promise<Stopped> {
    return this.end('SIGKILL', 0)
  }

  private async end (signal: NodeJS.Signals, graceMs: number): Promise<Stopped> {
    const { child, exit } = this.current()
    // Before any await: an exit from here on is one somebody asked for, not a crash.
    this.expectingExit = true
    if (!this.running) return { ...(await exit), forced: false }
    child.kill(signal)
    let forced = false
    const timer = signal === 'SIGKILL'
      ? undefined
      : setTimeout(() => { forced = true; child.kill('SIGKILL') }, graceMs)
    const result = await exit
    clearTimeout(timer)
    return { ...result, forced }
  }

  private current (): Run {
    if (this.run === undefined) throw new Error(`${this.spec.name} was never started`)
    return this.run
  }

  /** A line the service printed: kept, logged, echoed. */
  private record (line: string): void {
    this.kept.push(line)
    if (this.kept.length > SERVICE_PROCESS_DEFAULTS.keptLines) this.kept.splice(0, this.kept.length - SERVICE_PROCESS_DEFAULTS.keptLines)
    this.write(line, line)
  }

  /** A line about the service from this runner: not kept as its output, and labelled in the log too. */
  private note (line: string): void {
    this.write(line, `[${this.spec.name}] ${line}`)
  }

  private write (line: string, logLine: string): void {
    // Synchronous, so the log holds every line up to a crash, or up to a kill of the run itself.
    if (this.spec.logFile !== undefined) appendFileSync(this.spec.logFile, `${logLine}\n`)
    if (this.spec.echo === true) process.stdout.write(label(this.spec.name, line))
  }

  private whereLogged (): string {
    return this.spec.logFile ?? 'its output above'
  }
}
