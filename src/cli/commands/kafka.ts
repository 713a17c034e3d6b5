// The `kafka` sub-command: a local Kafka broker or cluster in the foreground, or just its jars fetched.
// The broker tooling is development tooling, loaded from src/dev/ only when the command runs.
import type { Command } from 'commander'
import { brokerCount } from '../arguments.ts'
import { configFromEnv } from '../config.ts'
import { loadDevCommands, type KafkaCommandOptions } from '../dev-commands.ts'

export function registerKafkaCommand (program: Command): void {
  program.command('kafka')
    .description('Run a local Apache Kafka broker (KRaft; a cluster with --brokers) in the foreground on 127.0.0.1:KAFKA_PORT ' +
      '(controller on KAFKA_CONTROLLER_PORT, data in KAFKA_DATA_DIR) until Ctrl-C. Needs OpenJDK 17+; the first run ' +
      'fetches the jars with Apache Maven into KAFKA_CACHE_DIR. Not needed when BOOTSTRAP_SERVER points at a broker.')
    .option('--fetch-only', 'only fetch the Kafka jars into KAFKA_CACHE_DIR, then exit (CI warm-up)')
    .option('--brokers <n>', 'run a cluster of n nodes (each broker and controller; node k on KAFKA_PORT+2(k-1) and ' +
      'KAFKA_CONTROLLER_PORT+2(k-1), data in KAFKA_DATA_DIR/node-k); topics then get 3 replicas, 2 in sync', brokerCount, 1)
    .option('--quiet', 'do not echo the broker\'s own log lines (they still go to KAFKA_DATA_DIR/broker.log)')
    .action(async (options: KafkaCommandOptions) => {
      const dev = await loadDevCommands('kafka', 'npm run kafka')
      await dev?.kafka(configFromEnv(), options)
    })
}
