// The whole stack as child processes of one command (`start`, see cli/commands/start.ts): a local Kafka broker
// unless BOOTSTRAP_SERVER names one, then the API, the gateway and the consumers.
import closeWithGrace from 'close-with-grace'
import type { Config } from '../config/config.ts'
import { LocalBrokerError, localBrokerOptions, startLocalBroker, type LocalBroker } from './local-broker.ts'
import { waitForReady } from './readiness.ts'
import { label, SERVICE_PROCESS_DEFAULTS, ServiceProcess } from './service-process.ts'

export async function startStack (config: Config): Promise<void> {
  let broker: LocalBroker | undefined
  let bootstrap = config.kafka.bootstrapServers.join(',')
  if (bootstrap === '') {
    try {
      broker = await startLocalBroker({
        ...localBrokerOptions(config),
        ifRunning: 'reuse',
        onProgress: (message) => process.stdout.write(label('kafka', message))
      })
    } catch (error) {
      if (!(error instanceof LocalBrokerError)) throw error
      process.stderr.write(`${error.message}\n`)
      process.exitCode = 1
      return
    }
    bootstrap = broker.bootstrap
    process.stdout.write(label('kafka', `broker ${broker.reused ? 'already running' : 'ready'} at ${bootstrap} (its log: ${config.kafka.dataDir}/broker.log)`))
  }

  // The consumer's port named, since without one the runner picks a free port; the others come from the
  // same environment and defaults as this process's configuration.
  const env = { BOOTSTRAP_SERVER: bootstrap, CONSUMER_PORT: String(config.consumerPort) }
  const services = (['api', 'gateway', 'consumer'] as const).map((command) => new ServiceProcess({ name: command, command, env, echo: true }))
  await Promise.all(services.map(async (service) => service.launch()))

  let stopping = false
  // Aborted on stopping: the readiness polls then end, instead of keeping this process alive until their timeout.
  const waiting = new AbortController()
  const stopEverything = async () => {
    if (stopping) return
    stopping = true
    waiting.abort()
    await Promise.all(services.map(async (service) => service.stop()))
    await broker?.stop()
  }
  closeWithGrace({ delay: 60_000 }, async ({ signal }) => {
    process.stdout.write(label('start', `${signal ?? 'exit'}: stopping the services, then the broker...`))
    await stopEverything()
  })

  const apiUrl = `http://${config.host}:${config.apiPort}`
  const gatewayUrl = `http://${config.host}:${config.gatewayPort}`
  const consumerUrl = `http://${config.host}:${config.consumerPort}`
  const readiness = { timeoutMs: SERVICE_PROCESS_DEFAULTS.readyTimeoutMs, signal: waiting.signal }
  Promise.all([apiUrl, gatewayUrl, consumerUrl].map(async (url) => waitForReady(url, readiness))).then(() => {
    if (!stopping) {
      process.stdout.write(label('start', `ready: API ${apiUrl} (docs ${apiUrl}/docs, dashboard ${apiUrl}/dashboard), gateway ${gatewayUrl}, consumer ${consumerUrl}; Ctrl-C stops everything`))
    }
  }, () => {})

  const failed = await Promise.race(services.map(async (service) => { await service.exited; return service }))
  if (!stopping) {
    process.stdout.write(label('start', `${failed.spec.name} stopped unexpectedly; stopping the rest`))
    await stopEverything()
    process.exitCode = 1
  }
}
