// The development commands the CLI loads from here when one of them runs: `start`, the whole stack
// (stack.ts), and `kafka`, a local broker or cluster in the foreground, or only its jars fetched. The CLI, which sits
// above and is built without this room, names what it expects in cli/dev-commands.ts (`DevCommands`).
import closeWithGrace from 'close-with-grace'
import type { Config } from '../config/config.ts'
import { fetchKafka } from './kafka-jars.ts'
import { LOCAL_BROKER_DEFAULTS, LocalBrokerError } from './local-broker.ts'
import { localKafkaOptions, nodeLogPath, startLocalKafka } from './local-kafka.ts'
import { startStack } from './stack.ts'

/** The `kafka` command's flags, as cli/commands/kafka.ts declares them. */
export interface KafkaCommandOptions {
  fetchOnly?: boolean
  quiet?: boolean
  /** Nodes of the local cluster; 1 is the single broker. */
  brokers: number
}

async function kafka (config: Config, options: KafkaCommandOptions): Promise<void> {
  try {
    await runKafka(config, options)
  } catch (error) {
    // The tooling's own failures are sentences meant for the user; a stack trace would bury them.
    if (!(error instanceof LocalBrokerError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exitCode = 1
  }
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
  const kafka = await startLocalKafka({
    ...localKafkaOptions(config, options.brokers),
    onOutput: options.quiet === true ? undefined : (node, line) => { process.stdout.write(options.brokers === 1 ? `${line}\n` : `[node-${node}] ${line}\n`) }
  })
  let stopping = false
  // Longer than a node's own stop timeout, after which it is killed.
  const graceful = closeWithGrace({ delay: LOCAL_BROKER_DEFAULTS.stopTimeoutMs + 10_000 }, async ({ signal, err }) => {
    stopping = true
    if (err !== undefined) process.stderr.write(`stopping Kafka after an error: ${String(err)}\n`)
    else process.stderr.write(`${signal ?? 'exit'}: stopping Kafka...\n`)
    await kafka.stop()
  })
  const what = options.brokers === 1 ? 'Kafka is' : `A ${options.brokers}-node Kafka cluster is`
  process.stderr.write(`${what} running at ${kafka.bootstrap}; press Ctrl-C to stop it\n`)
  const ended = await Promise.race(kafka.nodes.map(async (node) => ({ node: node.nodeId, code: await node.exited })))
  if (!stopping) {
    // A node died on its own (out of memory, disk full, killed): say so and fail, instead of a silent exit 0.
    graceful.uninstall()
    const log = nodeLogPath(config.kafka.dataDir, options.brokers, ended.node)
    process.stderr.write(`a Kafka node exited unexpectedly (exit ${String(ended.code)}); see ${log}\n`)
    await kafka.stop()
    process.exitCode = 1
  }
}

export const devCommands = { start: startStack, kafka }
