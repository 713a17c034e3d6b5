// A service as a real child process (`node --import tsx src/cli/main.ts <command>`), as it is deployed:
// started, stopped with SIGTERM or killed with SIGKILL, started again; its output kept in a log file.
import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { freePorts } from '../../src/dev/ports.ts'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export type ServiceCommand = 'api' | 'gateway' | 'consumer'

export interface ServiceSpec {
  /** Label in messages and the log, e.g. `consumer-2`. */
  name: string
  command: ServiceCommand
  /** Added to this process's environment. */
  env: Record<string, string>
  /** Every line the service prints is appended here, across restarts. */
  logFile: string
}

export interface Exit { code: number | null, signal: NodeJS.Signals | null }

/** Keeps the newest lines only: a long fault run must not hold every log line in memory. */
const MAX_KEPT_LINES = 5000

export class ServiceProcess {
  private child: ChildProcess | undefined
  private exit: Promise<Exit> | undefined
  private expectingExit = false
  private readonly kept: string[] = []
  /** The consumer's HTTP port when the spec gives none: one free port, kept across restarts. */
  private consumerPort: string | undefined
  /** Exits nobody asked for (a crash): the fault-injection run and the tests fail on any. */
  readonly crashes: Array<Exit & { at: Date }> = []
  starts = 0

  constructor (readonly spec: ServiceSpec) {}

  get running (): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
  }

  get pid (): number | undefined {
    return this.child?.pid
  }

  /** Lines printed since the service was first started (the newest MAX_KEPT_LINES). */
  get lines (): readonly string[] {
    return this.kept
  }

  /** Where the service's HTTP endpoints answer. */
  get url (): string {
    const port = { api: this.spec.env.PORT, gateway: this.spec.env.PRODUCER_PORT, consumer: this.spec.env.CONSUMER_PORT ?? this.consumerPort }[this.spec.command]
    return `http://127.0.0.1:${port ?? ''}`
  }

  /** Starts the process and resolves once its /ready answers 200 (a consumer: every worker reads its topic). */
  async start (timeoutMs = 120_000): Promise<void> {
    if (this.running) throw new Error(`${this.spec.name} is already running`)
    if (this.spec.command === 'consumer' && this.spec.env.CONSUMER_PORT === undefined) this.consumerPort ??= String((await freePorts(1))[0])
    const env = { ...process.env, ...this.spec.env, ...(this.consumerPort === undefined ? {} : { CONSUMER_PORT: this.consumerPort }) }
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', this.spec.command], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    this.expectingExit = false
    this.starts++
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        appendFileSync(this.spec.logFile, `${line}\n`)
        this.kept.push(line)
        if (this.kept.length > MAX_KEPT_LINES) this.kept.splice(0, this.kept.length - MAX_KEPT_LINES)
      })
    }
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => {
      if (!this.expectingExit) this.crashes.push({ code, signal, at: new Date() })
      resolve({ code, signal })
    }))

    const deadline = Date.now() + timeoutMs
    while (!(await this.ready())) {
      if (!this.running) throw new Error(`${this.spec.name} exited during start-up; see ${this.spec.logFile}`)
      if (Date.now() > deadline) {
        await this.kill()
        throw new Error(`${this.spec.name} was not ready within ${timeoutMs / 1000} s; see ${this.spec.logFile}`)
      }
      await sleep(100)
    }
  }

  private async ready (): Promise<boolean> {
    try {
      return (await fetch(`${this.url}/ready`)).ok
    } catch {
      return false
    }
  }

  /** SIGTERM and wait for the exit; SIGKILL after graceMs, reported as `forced`. */
  async stop (graceMs = 30_000): Promise<Exit & { forced: boolean }> {
    return this.end('SIGTERM', graceMs)
  }

  /** SIGKILL: the process gets no chance to finish anything. */
  async kill (): Promise<Exit & { forced: boolean }> {
    return this.end('SIGKILL', 0)
  }

  private async end (signal: NodeJS.Signals, graceMs: number): Promise<Exit & { forced: boolean }> {
    const child = this.child
    const exit = this.exit
    if (child === undefined || exit === undefined) throw new Error(`${this.spec.name} was never started`)
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
}
