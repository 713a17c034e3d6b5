// The whole stack as child processes of one command (`start`, see cli/commands/start.ts): a local Kafka
// broker or cluster unless BOOTSTRAP_SERVER names one, then the API, the gateway and the consumers.
import closeWithGrace from 'close-with-grace'
import type { Config } from '../config/config.ts'
import { LocalBrokerError } from './local-broker.ts'
import { localKafkaOptions, nodeLogPath, startLocalKafka, type LocalCluster } from './local-kafka.ts'
import { waitForReady } from './readiness.ts'
import { label, SERVICE_PROCESS_DEFAULTS } from './service-process.ts'
import { defineServiceStack } from './service-stack.ts'

export interface StartOptions {
  /** Local Kafka nodes: 1, or a cluster (3) whose topics get three replicas. */
  brokers: number
}

export async function startStack (config: Config, { brokers }: StartOptions): Promise<void> {
  let kafka: LocalCluster | undefined
  let bootstrap = config.kafka.bootstrapServers.join(',')
  if (bootstrap === '') {
    try {
      kafka = await startLocalKafka({
        ...localKafkaOptions(config, brokers),
        ifRunning: 'reuse',
        onProgress: (message) => process.stdout.write(label('kafka', message))
      })
    } catch (error) {
      if (!(error instanceof LocalBrokerError)) throw error
      process.stderr.write(`${error.message}\n`)
      process.exitCode = 1
      return
    }
    bootstrap = kafka.bootstrap
    const logs = nodeLogPath(config.kafka.dataDir, brokers)
    process.stdout.write(label('kafka', `${brokers === 1 ? 'broker' : `${brokers}-node cluster`} ${kafka.reused ? 'already running' : 'ready'} at ${bootstrap} (logs: ${logs})`))
  }

  // The ports come from the same environment and defaults as this process's configuration.
  const services = await defineServiceStack({
    bootstrap,
    env: {},
    ports: { api: config.apiPort, gateway: config.gatewayPort, consumer: config.consumerPort },
    echo: true
  })
  await services.launch()

  let stopping = false
  // Aborted on stopping: the readiness polls then end, instead of keeping this process alive until their timeout.
  const waiting = new AbortController()
  const stopEverything = async () => {
    if (stopping) return
    stopping = true
    waiting.abort()
    await services.stop()
    await kafka?.stop()
  }
  closeWithGrace({ delay: 60_000 }, async ({ signal }) => {
    process.stdout.write(label('start', `${signal ?? 'exit'}: stopping the services, then Kafka...`))
    await stopEverything()
  })

  const readiness = { timeoutMs: SERVICE_PROCESS_DEFAULTS.readyTimeoutMs, signal: waiting.signal }
  const [apiUrl, gatewayUrl, consumerUrl] = [services.apiUrls[0], services.gatewayUrls[0], services.consumerUrls[0]] as string[]
  Promise.all(services.all.map(async (service) => waitForReady(service.url, readiness))).then(() => {
    if (!stopping) {
      process.stdout.write(label('start', `ready: API ${apiUrl} (docs ${apiUrl}/docs, dashboard ${apiUrl}/dashboard), gateway ${gatewayUrl}, consumer ${consumerUrl}; Ctrl-C stops everything`))
    }
  }, () => {})

  const failed = await Promise.race(services.all.map(async (service) => { await service.exited; return service }))
  if (!stopping) {
    process.stdout.write(label('start', `${failed.spec.name} stopped unexpectedly; stopping the rest`))
    await stopEverything()
    process.exitCode = 1
  }
}
