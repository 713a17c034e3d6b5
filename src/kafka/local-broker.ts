// A real single-node Apache Kafka broker (KRaft) on this machine: jars fetched once with Maven, run with the local Java.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Admin } from '@platformatic/kafka'
import type { Config } from '../config/config.ts'

/** Resolved from this module, not the working directory, so the CLI works from any folder (src/ under tsx, dist/ built). */
const POM_PATH = fileURLToPath(new URL('../../kafka/pom.xml', import.meta.url))
const LOCALHOST = '127.0.0.1'
const MIN_JAVA = 17

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
  /** How long the broker may take to answer a metadata request. Default 60 s. */
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

export interface KafkaJars {
  version: string
  libsDir: string
}

/** A failure the user can act on; the message is one sentence saying what to do. */
export class LocalBrokerError extends Error {
  override name = 'LocalBrokerError'
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

const writeProgress = (message: string): void => { process.stderr.write(`${message}\n`) }

/** The Kafka version the pom pins (its `kafka.version` property). */
export function kafkaVersion (): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM_PATH, 'utf8'))
  if (match === null) throw new Error(`${POM_PATH} has no <kafka.version> property`)
  return match[1]
}

/**
 * Makes sure the broker's jars are in the cache, fetching them with Maven when they are not.
 * A marker written after a successful fetch records the pom's hash and the jar names: a fetch that was
 * interrupted, a deleted jar or an edited pom all lead to a fresh fetch instead of a broken classpath.
 */
export async function fetchKafka (cacheDir: string, onProgress: (message: string) => void = writeProgress): Promise<KafkaJars> {
  const version = kafkaVersion()
  const versionDir = join(resolve(cacheDir), version)
  const libsDir = join(versionDir, 'libs')
  const markerPath = join(versionDir, 'fetched.json')
  const pomHash = createHash('sha256').update(readFileSync(POM_PATH)).digest('hex')
  if (isFetchComplete(markerPath, libsDir, pomHash)) return { version, libsDir }

  requireTool('mvn', ['-v'], 'Apache Maven')
  onProgress(`fetching Apache Kafka ${version} with Maven (first run only) into ${versionDir}...`)
  const started = Date.now()
  // Fetch into a staging folder and swap it in, so jars of an older pom never mix with the new ones.
  const staging = `${libsDir}.partial-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(versionDir, { recursive: true })
  const result = await run('mvn', ['-B', '-q', '-f', POM_PATH, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`])
  if (result.code !== 0) {
    rmSync(staging, { recursive: true, force: true })
    throw new LocalBrokerError(`Maven could not fetch Apache Kafka ${version} (exit code ${String(result.code)}); its output ends with: ${tail(result.output)}`)
  }
  rmSync(libsDir, { recursive: true, force: true })
  renameSync(staging, libsDir)
  const jars = listJars(libsDir)
  writeFileSync(markerPath, JSON.stringify({ version, pomHash, jars }, null, 2))
  onProgress(`fetched ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return { version, libsDir }
}

function isFetchComplete (markerPath: string, libsDir: string, pomHash: string): boolean {
  if (!existsSync(markerPath)) return false
  try {
    const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as { pomHash?: string, jars?: string[] }
    return marker.pomHash === pomHash && Array.isArray(marker.jars) && marker.jars.length > 0 &&
      marker.jars.every((jar) => existsSync(join(libsDir, jar)))
  } catch {
    return false
  }
}

function listJars (libsDir: string): string[] {
  return readdirSync(libsDir).filter((name) => name.endsWith('.jar'))
}

/** Throws the one-sentence install advice when a tool is missing from PATH. */
function requireTool (command: string, args: string[], name: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  if (result.error !== undefined) {
    throw new LocalBrokerError(`The local Kafka broker needs OpenJDK ${MIN_JAVA}+ and Apache Maven on PATH and \`${command}\` (${name}) was not found: install it, or set BOOTSTRAP_SERVER to an existing broker.`)
  }
  return `${result.stdout}${result.stderr}`
}

function requireJava (): void {
  const output = requireTool('java', ['-version'], `OpenJDK ${MIN_JAVA}+`)
  // `java -version` prints e.g. `openjdk version "17.0.15"`, or `"1.8.0_402"` for Java 8.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output)
  const major = match === null ? 0 : (match[1] === '1' ? Number(match[2]) : Number(match[1]))
  if (major < MIN_JAVA) {
    throw new LocalBrokerError(`The local Kafka broker needs OpenJDK ${MIN_JAVA}+ but \`java\` is version ${match === null ? 'unknown' : String(major)}: install a newer JDK, or set BOOTSTRAP_SERVER to an existing broker.`)
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
    await waitUntilReady(bootstrap, broker.exited, options.readyTimeoutMs ?? 60_000)
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
        const timer = running ? setTimeout(() => child.kill('SIGKILL'), 30_000) : undefined
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
    if (await brokerAnswers(bootstrap, 2000)) return
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`The Kafka broker did not answer at ${bootstrap} within ${timeoutMs / 1000} s`)
}

/**
 * True when a Kafka broker at `bootstrap` answers a metadata request listing at least one broker.
 * A KRaft broker opens its client listener only after it has caught up and been unfenced, so an answer
 * means topics can be created and written right away.
 */
export async function brokerAnswers (bootstrap: string, timeoutMs = 3000): Promise<boolean> {
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

/** Ports the OS reports free right now; held together until all are known so none is handed out twice. */
export async function freePorts (count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, async () => {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, LOCALHOST, resolve)
    })
    return server
  }))
  const ports = servers.map((server) => (server.address() as AddressInfo).port)
  await Promise.all(servers.map(async (server) => new Promise((resolve) => server.close(resolve))))
  return ports
}

async function firstPortInUse (ports: number[]): Promise<number | undefined> {
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(false))
      server.listen(port, LOCALHOST, () => server.close(() => resolve(true)))
    })
    if (!free) return port
  }
  return undefined
}

/**
 * A cluster id as `kafka.tools.StorageTool random-uuid` makes it: 16 random bytes in URL-safe base64
 * without padding, never starting with '-'. Done here to save a JVM start (a second or two) per format.
 */
function newClusterId (): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

function serverProperties (options: LocalBrokerOptions, logDir: string): string {
  const { port, controllerPort } = options
  return [
    '# Written by src/kafka/local-broker.ts on every start; edits are overwritten.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=${LOCALHOST}:${controllerPort}`,
    `listeners=PLAINTEXT://${LOCALHOST}:${port},CONTROLLER://${LOCALHOST}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${LOCALHOST}:${port},CONTROLLER://${LOCALHOST}:${controllerPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${logDir}`,
    // One node: every internal topic can only have one replica.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Consumers join at once instead of waiting 3 s for others that will not come.
    'group.initial.rebalance.delay.ms=0',
    // Topics are created on purpose by the services (with TOPIC_PARTITIONS); a typo must not make a new one.
    'auto.create.topics.enable=false',
    'num.partitions=3',
    ''
  ].join('\n')
}

/**
 * The Maven artifact carries no logging configuration, without which the broker prints nothing at all.
 * Everything at WARN (real trouble from any package), plus the few INFO lines that tell a developer what
 * the broker is doing: its life cycle, the port it listens on, topics created and deleted, signals.
 */
const LOG4J2_PROPERTIES = [
  '# Written by src/kafka/local-broker.ts on every start; edits are overwritten.',
  'status = warn',
  // The console appender writes synchronously; log4j's own shutdown hook only races Kafka's and warns.
  'shutdownHook = disable',
  'appender.console.type = Console',
  'appender.console.name = STDOUT',
  'appender.console.layout.type = PatternLayout',
  'appender.console.layout.pattern = [%d{HH:mm:ss.SSS}] %p %m (%c{1})%n',
  'rootLogger.level = WARN',
  'rootLogger.appenderRef.stdout.ref = STDOUT',
  ...['kafka.server.KafkaRaftServer', 'kafka.server.BrokerLifecycleManager', 'kafka.network.DataPlaneAcceptor',
    'org.apache.kafka.controller.ReplicationControlManager', 'org.apache.kafka.common.utils.LoggingSignalHandler']
    .flatMap((name, i) => [`logger.info${i}.name = ${name}`, `logger.info${i}.level = INFO`]),
  ''
].join('\n')

/** Runs a command to completion, keeping its combined output for error messages. */
async function run (command: string, args: string[]): Promise<{ code: number | null, output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, output }))
  })
}

function tail (text: string, lines = 5): string {
  const last = text.trim().split('\n').slice(-lines).join(' | ')
  return last === '' ? '(nothing)' : last
}
