// One Kafka node (KRaft, broker and controller in one JVM) run with the local Java: its files written and
// formatted once, its process started, supervised and stopped. The single local broker (local-broker.ts)
// and the local cluster (local-cluster.ts) are both made of these.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { Admin } from '@platformatic/kafka'
import { terminateOnExit } from './exit-cleanup.ts'
import { LOG4J2_PROPERTIES, serverProperties, type NodeAddress } from './broker-config.ts'
import { LOCALHOST } from './ports.ts'
import { LocalBrokerError, run, tail } from './toolchain.ts'

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

export interface NodeFiles {
  /** The jars' folder (<cacheDir>/<version>/libs). */
  libsDir: string
  /** server.properties, log4j2.properties, broker.log and the partitions (<dataDir>/logs) live here. */
  dataDir: string
  /** Java heap, e.g. 512m. */
  heap: string
}

/** The paths of one node's files under its data directory. */
function nodePaths (dataDir: string) {
  const root = resolve(dataDir)
  return { root, logDir: join(root, 'logs'), properties: join(root, 'server.properties'), log4j: join(root, 'log4j2.properties'), log: join(root, 'broker.log') }
}

/**
 * Writes the node's configuration (on every start, so a changed port takes effect) and formats its log
 * directory the first time: alone with `--standalone`, in a cluster with the cluster's shared id.
 */
export async function prepareNode (files: NodeFiles, node: NodeAddress, cluster: readonly NodeAddress[], clusterId: string, progress: (message: string) => void): Promise<void> {
  const paths = nodePaths(files.dataDir)
  mkdirSync(paths.root, { recursive: true })
  writeFileSync(paths.properties, serverProperties(node, cluster, paths.logDir))
  writeFileSync(paths.log4j, LOG4J2_PROPERTIES)
  if (existsSync(join(paths.logDir, 'meta.properties'))) return
  progress(`formatting a new KRaft log directory in ${paths.logDir}`)
  const quorum = cluster.length === 1 ? ['--standalone'] : []
  const format = await run('java', ['-cp', `${files.libsDir}/*`, `-Dlog4j2.configurationFile=${paths.log4j}`, 'kafka.tools.StorageTool', 'format', ...quorum, '-t', clusterId, '-c', paths.properties])
  if (format.code !== 0) throw new LocalBrokerError(`Formatting the Kafka log directory ${paths.logDir} failed; the tool said: ${tail(format.output)}`)
}

/** Starts a prepared node's JVM; the handle's `exited` settles when it ends, however it ends. */
export function spawnNode (files: NodeFiles, port: number, onOutput?: (line: string) => void): LocalBroker {
  const paths = nodePaths(files.dataDir)
  // Its own process group: Ctrl-C in a terminal reaches only the command that started it, which then stops
  // the broker last, after the services that still commit offsets to it.
  const child = spawn('java', [
    `-Xms${files.heap}`, `-Xmx${files.heap}`, '-XX:+UseG1GC', '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${paths.log4j}`, '-cp', `${files.libsDir}/*`, 'kafka.Kafka', paths.properties
  ], { cwd: paths.root, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  return superviseNode(child, `${LOCALHOST}:${port}`, createWriteStream(paths.log), onOutput)
}

/** Waits until the node answers; a node that does not is stopped and the error names its log's last lines. */
export async function awaitNode (broker: LocalBroker, files: NodeFiles, readyTimeoutMs: number, brokers = 1): Promise<void> {
  try {
    await waitUntilReady(broker.bootstrap, broker.exited, readyTimeoutMs, brokers)
  } catch (error) {
    await broker.stop()
    const reason = error instanceof Error ? error.message : String(error)
    const logPath = nodePaths(files.dataDir).log
    const log = readFileSync(logPath, 'utf8')
    // The first error says why; the last lines are often only the end of its stack trace.
    const firstError = log.split('\n').find((line) => / (ERROR|FATAL) /.test(line))
    throw new LocalBrokerError(`${reason}; see ${logPath}${firstError === undefined ? '' : `, whose first error is: ${firstError.trim()}`}, which ends with: ${tail(log)}`)
  }
}

/** Wires the node's output to its log file and the caller, and gives the handle that stops it. */
function superviseNode (child: ChildProcess, bootstrap: string, logFile: WriteStream, onOutput?: (line: string) => void): LocalBroker {
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
  terminateOnExit(child)
  const exited = new Promise<number | string | null>((resolve) => {
    child.once('exit', (code, signal) => {
      // Let the last lines (the shutdown messages) reach the file before the exit is reported.
      Promise.all(outputDone).then(() => logFile.end(() => resolve(code ?? signal)))
    })
    child.once('error', () => logFile.end(() => resolve(null)))
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
        // A frozen (SIGSTOP) node would never act on SIGTERM.
        if (running) { child.kill('SIGCONT'); child.kill('SIGTERM') }
        // A node shuts down in a few seconds; one that hangs must not hang the caller.
        const timer = running ? setTimeout(() => child.kill('SIGKILL'), LOCAL_BROKER_DEFAULTS.stopTimeoutMs) : undefined
        await exited
        clearTimeout(timer)
      })()
      return stopping
    }
  }
}

async function waitUntilReady (bootstrap: string, exited: Promise<number | string | null>, timeoutMs: number, brokers: number): Promise<void> {
  let exitCode: number | string | null | undefined
  exited.then((code) => { exitCode = code })
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`The Kafka broker exited during start-up (exit ${String(exitCode)})`)
    if (await brokerAnswers(bootstrap, LOCAL_BROKER_DEFAULTS.startupProbeTimeoutMs, brokers)) return
    await new Promise((resolve) => setTimeout(resolve, LOCAL_BROKER_DEFAULTS.startupProbeIntervalMs))
  }
  throw new Error(`The Kafka broker did not answer at ${bootstrap} within ${timeoutMs / 1000} s`)
}

/**
 * True when a Kafka broker at `bootstrap` answers a metadata request listing at least `brokers` brokers.
 * A KRaft broker opens its client listener only after it has caught up and been unfenced, so an answer
 * means topics can be created and written right away.
 */
export async function brokerAnswers (bootstrap: string, timeoutMs: number = LOCAL_BROKER_DEFAULTS.probeTimeoutMs, brokers = 1): Promise<boolean> {
  const admin = new Admin({ clientId: 'local-broker-probe', bootstrapBrokers: [bootstrap], retries: 0, timeout: timeoutMs, connectTimeout: timeoutMs })
  try {
    const metadata = await admin.metadata({})
    return metadata.brokers.size >= brokers
  } catch {
    return false
  } finally {
    await admin.close().catch(() => {})
  }
}
