// The `kafka` sub-command: a local single-node Kafka broker in the foreground, or just its jars fetched.
import closeWithGrace from 'close-with-grace'
import type { Command } from 'commander'
import type { Config } from '../../config/config.ts'
import { fetchKafka, LocalBrokerError, localBrokerOptions, startLocalBroker } from '../../kafka/local-broker.ts'
import { configFromEnv } from '../config.ts'

interface KafkaCommandOptions {
  fetchOnly?: boolean
  quiet?: boolean
}

export function registerKafkaCommand (program: Command): void {
  program.command('kafka')
    .description('Run a local single-node Apache Kafka broker (KRaft) in the foreground on 127.0.0.1:KAFKA_PORT ' +
      '(controller on KAFKA_CONTROLLER_PORT, data in KAFKA_DATA_DIR) until Ctrl-C. Needs OpenJDK 17+; the first run ' +
      'fetches the jars with Apache Maven into KAFKA_CACHE_DIR. Not needed when BOOTSTRAP_SERVER points at a broker.')
    .option('--fetch-only', 'only fetch the Kafka jars into KAFKA_CACHE_DIR, then exit (CI warm-up)')
    .option('--quiet', 'do not echo the broker\'s own log lines (they still go to KAFKA_DATA_DIR/broker.log)')
    .action(async (options: KafkaCommandOptions) => {
      try {
        await runKafka(configFromEnv(), options)
      } catch (error) {
        // The tooling's own failures are sentences meant for the user; a stack trace would bury them.
        if (!(error instanceof LocalBrokerError)) throw error
        process.stderr.write(`${error.message}\n`)
        process.exitCode = 1
      }
    })
}

async function runKafka (config: Config, options: KafkaCommandOptions): Promise<void> {
  if (options.fetchOnly === true) {
    const { version, libsDir } = await fetchKafka(config.kafka.cacheDir)
    process.stdout.write(`Apache Kafka ${version} jars are in ${libsDir}\n`)
    return
  }
  if (config.kafka.bootstrapServers.length > 0) {
    process.stderr.write(`note: BOOTSTRAP_SERVER is set (${config.kafka.bootstrapServers.join(',')}), so the services will use that broker, not this one\n`)
  }
  const broker = await startLocalBroker({
    ...localBrokerOptions(config),
    onOutput: options.quiet === true ? undefined : (line) => { process.stdout.write(`${line}\n`) }
  })
  let stopping = false
  const graceful = closeWithGrace({ delay: 40_000 }, async ({ signal, err }) => {
    stopping = true
    if (err !== undefined) process.stderr.write(`stopping the broker after an error: ${String(err)}\n`)
    else process.stderr.write(`${signal ?? 'exit'}: stopping the Kafka broker...\n`)
    await broker.stop()
  })
  process.stderr.write(`Kafka is running at ${broker.bootstrap}; press Ctrl-C to stop it\n`)
  const code = await broker.exited
  if (!stopping) {
    // The broker died on its own (out of memory, disk full, killed): say so and fail, instead of a silent exit 0.
    graceful.uninstall()
    process.stderr.write(`the Kafka broker exited unexpectedly (exit ${String(code)}); see ${config.kafka.dataDir}/broker.log\n`)
    process.exitCode = 1
  }
}
