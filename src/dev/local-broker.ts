// A real single-node Apache Kafka broker (KRaft) on this machine, run with the local Java: started,
// supervised and stopped, for development (`npm run kafka`, `npm start`) and as a throw-away one for tests.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { Admin } from '@platformatic/kafka'
import type { Config } from '../config/config.ts'
import { LOG4J2_PROPERTIES, newClusterId, serverProperties } from './broker-config.ts'
import { fetchKafka } from './kafka-jars.ts'
import { firstPortInUse, freePorts, LOCALHOST } from './ports.ts'
import { LocalBrokerError, requireJava, run, tail, writeProgress } from './toolchain.ts'

export { LocalBrokerError }

/** The broker tooling's timeouts and pauses, in milliseconds. */
export const LOCAL_BROKER_DEFAULTS = {
  /** How long a started broker may take to answer a metadata request (`readyTimeoutMs`). */
  readyTimeoutMs: 60_000,
  /** How long one metadata request may wait for an answer while the broker starts. */
  startupProbeTimeoutMs: 2000,
  /** The pause between two of those requests. */
  startupProbeIntervalMs: 500,
  /** How long `brokerAnswers` waits for an answer unless told otherwise. */
  probeTimeoutMs: 3000,
  /** After SIGTERM, how long the broker may take to shut down before it is killed. */
  stopTimeoutMs: 30_000
} as const

export interface LocalBrokerOptions {
  /** PLAINTEXT port clients connect to. */
  port: number
  /** KRaft controller port. */
  controllerPort: number
  /** server.properties, log4j2.properties, broker.log and the partitions (<dataDir>/logs) live here. */
  dataDir: string
  /** The jars are kept in <cacheDir>/<kafka version>/libs. */
  cacheDir: string
  /** Java heap, e.g. 512m. */
  heap: string
  /**
   * What to do when a broker already answers on `port`: 'fail' (default) throws a sentence saying so;
   * 'reuse' returns a handle to it whose stop() leaves it running, since this process did not start it.
   */
  ifRunning?: 'fail' | 'reuse'
  /** Each line the broker itself prints; it always goes to <dataDir>/broker.log as well. */
  onOutput?: (line: string) => void
  /** Progress of the tooling (fetching jars, formatting, waiting). Default: standard error. */
  onProgress?: (message: string) => void
  /** How long the broker may take to answer a metadata request. Default `LOCAL_BROKER_DEFAULTS.readyTimeoutMs`. */
  readyTimeoutMs?: number
}

export interface LocalBroker {
  /** host:port for BOOTSTRAP_SERVER and the Kafka clients. */
  bootstrap: string
  /** True when an already running broker was reused (ifRunning: 'reuse'); stop() then does nothing. */
  reused: boolean
  /** The broker's process id; undefined for a reused broker, which this process did not start. */
  pid: number | undefined
  /** Settles with the exit code (or signal name) when the broker process ends, whoever stopped it; never for a reused one. */
  exited: Promise<number | string | null>
  /** SIGTERM, wait for a clean shutdown, SIGKILL after a timeout. Safe to call more than once. */
  stop (): Promise<void>
}

/** The options `npm run kafka` and `npm start` use, from the validated configuration. */
export function localBrokerOptions (config: Config): LocalBrokerOptions {
  return {
    port: config.kafka.localPort,
    controllerPort: config.kafka.localControllerPort,
    dataDir: config.kafka.dataDir,
    cacheDir: config.kafka.cacheDir,
    heap: config.kafka.heap
  }
}

/**
 * Starts the broker and resolves once it answers a metadata request. The data directory keeps topics and
 * offsets between runs; it is formatted only the first time. A port already in use is reported (or the
 * broker there reused, see `ifRunning`) rather than letting a second broker fail obscurely.
 */
export async function startLocalBroker (options: LocalBrokerOptions): Promise<LocalBroker> {
  const progress = options.onProgress ?? writeProgress
  const bootstrap = `${LOCALHOST}:${options.port}`

  const blocked = await firstPortInUse([options.port, options.controllerPort])
  if (blocked !== undefined) {
    if (blocked === options.port && await brokerAnswers(bootstrap)) {
      if (options.ifRunning === 'reuse') {
        progress(`a Kafka broker already answers at ${bootstrap}; using it (it keeps running afterwards)`)
        return { bootstrap, reused: true, pid: undefined, exited: new Promise(() => {}), stop: async () => {} }
      }
      throw new LocalBrokerError(`A Kafka broker already answers at ${bootstrap}: use it by setting BOOTSTRAP_SERVER=${bootstrap}, or stop it before starting another.`)
    }
    throw new LocalBrokerError(`Port ${blocked} on ${LOCALHOST} is already in use by another program: free it or set KAFKA_PORT and KAFKA_CONTROLLER_PORT to free ports.`)
  }

  requireJava()
  const { version, libsDir } = await fetchKafka(options.cacheDir, progress)
  const dataDir = resolve(options.dataDir)
  const logDir = join(dataDir, 'logs')
  mkdirSync(dataDir, { recursive: true })
  const propertiesPath = join(dataDir, 'server.properties')
  const log4jPath = join(dataDir, 'log4j2.properties')
  writeFileSync(propertiesPath, serverProperties(options, logDir))
  writeFileSync(log4jPath, LOG4J2_PROPERTIES)
  const classpath = `${libsDir}/*`

  if (!existsSync(join(logDir, 'meta.properties'))) {
    progress(`formatting a new KRaft log directory in ${logDir}`)
    const format = await run('java', ['-cp', classpath, `-Dlog4j2.configurationFile=${log4jPath}`, 'kafka.tools.StorageTool', 'format', '--standalone', '-t', newClusterId(), '-c', propertiesPath])
    if (format.code !== 0) throw new LocalBrokerError(`Formatting the Kafka log directory ${logDir} failed; the tool said: ${tail(format.output)}`)
  }

  progress(`starting Apache Kafka ${version} at ${bootstrap} (data in ${dataDir})`)
  const logPath = join(dataDir, 'broker.log')
  const logFile = createWriteStream(logPath)
  // Its own process group: Ctrl-C in a terminal reaches only this process, which then stops the broker last,
  // after the services that still commit offsets to it.
  const child = spawn('java', [
    `-Xms${options.heap}`, `-Xmx${options.heap}`, '-XX:+UseG1GC', '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jPath}`, '-cp', classpath, 'kafka.Kafka', propertiesPath
  ], { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const broker = superviseBroker(child, bootstrap, logFile, options.onOutput)

  try {
    await waitUntilReady(bootstrap, broker.exited, options.readyTimeoutMs ?? LOCAL_BROKER_DEFAULTS.readyTimeoutMs)
  } catch (error) {
    await broker.stop()
    const reason = error instanceof Error ? error.message : String(error)
    throw new LocalBrokerError(`${reason}; see ${logPath}, which ends with: ${tail(readFileSync(logPath, 'utf8'))}`)
  }
  progress(`Kafka broker ready at ${bootstrap}`)
  return broker
}

/** Wires the broker's output to its log file and the caller, and gives the handle that stops it. */
function superviseBroker (child: ChildProcess, bootstrap: string, logFile: WriteStream, onOutput?: (line: string) => void): LocalBroker {
  const outputDone: Array<Promise<void>> = []
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue
    const lines = createInterface({ input: stream, crlfDelay: Infinity })
    lines.on('line', (line) => {
      logFile.write(`${line}\n`)
      onOutput?.(line)
    })
    outputDone.push(new Promise((resolve) => lines.once('close', resolve)))
  }
  // Should this process end without calling stop(), the broker must not linger holding the ports.
  const killOnExit = (): void => { child.kill('SIGTERM') }
  process.on('exit', killOnExit)
  const exited = new Promise<number | string | null>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit)
      // Let the last lines (the shutdown messages) reach the file before the exit is reported.
      Promise.all(outputDone).then(() => logFile.end(() => resolve(code ?? signal)))
    })
    child.once('error', () => {
      process.off('exit', killOnExit)
      logFile.end(() => resolve(null))
    })
  })

  let stopping: Promise<void> | undefined
  return {
    bootstrap,
    reused: false,
    pid: child.pid,
    exited,
    stop () {
      stopping ??= (async () => {
        const running = child.exitCode === null && child.signalCode === null
        if (running) child.kill('SIGTERM')
        // A single node shuts down in a few seconds; one that hangs must not hang the caller.
        const timer = running ? setTimeout(() => child.kill('SIGKILL'), LOCAL_BROKER_DEFAULTS.stopTimeoutMs) : undefined
        await exited
        clearTimeout(timer)
      })()
      return stopping
    }
  }
}

async function waitUntilReady (bootstrap: string, exited: Promise<number | string | null>, timeoutMs: number): Promise<void> {
  let exitCode: number | string | null | undefined
  exited.then((code) => { exitCode = code })
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`The Kafka broker exited during start-up (exit ${String(exitCode)})`)
    if (await brokerAnswers(bootstrap, LOCAL_BROKER_DEFAULTS.startupProbeTimeoutMs)) return
    await new Promise((resolve) => setTimeout(resolve, LOCAL_BROKER_DEFAULTS.startupProbeIntervalMs))
  }
  throw new Error(`The Kafka broker did not answer at ${bootstrap} within ${timeoutMs / 1000} s`)
}

/**
 * True when a Kafka broker at `bootstrap` answers a metadata request listing at least one broker.
 * A KRaft broker opens its client listener only after it has caught up and been unfenced, so an answer
 * means topics can be created and written right away.
 */
export async function brokerAnswers (bootstrap: string, timeoutMs: number = LOCAL_BROKER_DEFAULTS.probeTimeoutMs): Promise<boolean> {
  const admin = new Admin({ clientId: 'local-broker-probe', bootstrapBrokers: [bootstrap], retries: 0, timeout: timeoutMs, connectTimeout: timeoutMs })
  try {
    const metadata = await admin.metadata({})
    return metadata.brokers.size > 0
  } catch {
    return false
  } finally {
    await admin.close().catch(() => {})
  }
}

/**
 * A broker for one test run: free ports unless given, a fresh temporary data directory that stop()
 * removes, and its output kept out of the test report (it is in <dataDir>/broker.log while it runs).
 */
export async function startThrowawayBroker (options: Pick<LocalBrokerOptions, 'cacheDir' | 'heap'> & Partial<Omit<LocalBrokerOptions, 'dataDir'>>): Promise<LocalBroker> {
  const [port, controllerPort] = options.port !== undefined && options.controllerPort !== undefined
    ? [options.port, options.controllerPort]
    : await freePorts(2)
  const dataDir = mkdtempSync(join(tmpdir(), 'betting-kafka-'))
  const removeDataDir = (): void => rmSync(dataDir, { recursive: true, force: true })
  let broker: LocalBroker
  try {
    broker = await startLocalBroker({ ...options, port, controllerPort, dataDir, ifRunning: 'fail' })
  } catch (error) {
    removeDataDir()
    throw error
  }
  return {
    ...broker,
    async stop () {
      await broker.stop()
      removeDataDir()
    }
  }
}
