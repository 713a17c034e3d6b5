// The whole stack as child processes of one command (`start`, see cli/commands/start.ts): a local Kafka broker
// unless BOOTSTRAP_SERVER names one, then the API, the gateway and the consumers.
import closeWithGrace from 'close-with-grace'
import type { Config } from '../config/config.ts'
import { LocalBrokerError, localBrokerOptions, startLocalBroker, type LocalBroker } from './local-broker.ts'
import { label, superviseServices } from './supervisor.ts'

/** Polls a service's /ready: 200 once the dependencies it needs answer. */
async function waitForReady (url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/ready`)).ok) return true
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return false
}

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

  const cli = process.argv[1] as string
  const env = { ...process.env, BOOTSTRAP_SERVER: bootstrap }
  const supervisor = superviseServices([
    { name: 'api', args: [cli, 'api'], env },
    { name: 'gateway', args: [cli, 'gateway'], env },
    { name: 'consumer', args: [cli, 'consumer'], env }
  ])

  let stopping = false
  const stopEverything = async () => {
    if (stopping) return
    stopping = true
    await supervisor.stopAll()
    await broker?.stop()
  }
  closeWithGrace({ delay: 60_000 }, async ({ signal }) => {
    process.stdout.write(label('start', `${signal ?? 'exit'}: stopping the services, then the broker...`))
    await stopEverything()
  })

  const apiUrl = `http://${config.host}:${config.apiPort}`
  const gatewayUrl = `http://${config.host}:${config.gatewayPort}`
  const consumerUrl = `http://${config.host}:${config.consumerPort}`
  Promise.all([apiUrl, gatewayUrl, consumerUrl].map(async (url) => waitForReady(url, 120_000))).then((ready) => {
    if (ready.every(Boolean) && !stopping) {
      process.stdout.write(label('start', `ready: API ${apiUrl} (docs ${apiUrl}/docs, dashboard ${apiUrl}/dashboard), gateway ${gatewayUrl}, consumer ${consumerUrl}; Ctrl-C stops everything`))
    }
  }, () => {})

  const failed = await supervisor.firstExit
  if (failed !== undefined && !stopping) {
    process.stdout.write(label('start', `${failed} stopped unexpectedly; stopping the rest`))
    await stopEverything()
    process.exitCode = 1
  }
}
