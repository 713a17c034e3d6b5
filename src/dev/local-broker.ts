// A real single-node Apache Kafka broker (KRaft) on this machine, run with the local Java: started,
// supervised and stopped, for development (`npm run kafka`, `npm start`) and as a throw-away one for tests.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Config } from '../config/config.ts'
import { newClusterId } from './broker-config.ts'
import { awaitNode, brokerAnswers, LOCAL_BROKER_DEFAULTS, prepareNode, spawnNode, type LocalBroker } from './broker-node.ts'
import { fetchKafka } from './kafka-jars.ts'
import { firstPortInUse, freePorts, LOCALHOST } from './ports.ts'
import { LocalBrokerError, requireJava, writeProgress } from './toolchain.ts'

export { brokerAnswers, LOCAL_BROKER_DEFAULTS, LocalBrokerError, type LocalBroker }

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
  const files = { libsDir, dataDir: options.dataDir, heap: options.heap }
  const node = { nodeId: 1, port: options.port, controllerPort: options.controllerPort }
  await prepareNode(files, node, [node], newClusterId(), progress)
  progress(`starting Apache Kafka ${version} at ${bootstrap} (data in ${options.dataDir})`)
  const broker = spawnNode(files, options.port, options.onOutput)
  await awaitNode(broker, files, options.readyTimeoutMs ?? LOCAL_BROKER_DEFAULTS.readyTimeoutMs)
  progress(`Kafka broker ready at ${bootstrap}`)
  return broker
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
