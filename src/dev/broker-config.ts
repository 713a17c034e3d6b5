// What the local broker is configured with: its server.properties, its log4j2.properties, and the cluster
// id a new KRaft log directory is formatted with.
import { randomBytes } from 'node:crypto'
import { LOCALHOST } from './ports.ts'

/** A single node that is both broker and controller, listening on the loopback interface. */
export function serverProperties (ports: { port: number, controllerPort: number }, logDir: string): string {
  const { port, controllerPort } = ports
  return [
    '# Written by src/dev/local-broker.ts on every start; edits are overwritten.',
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
export const LOG4J2_PROPERTIES = [
  '# Written by src/dev/local-broker.ts on every start; edits are overwritten.',
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

/**
 * A cluster id as `kafka.tools.StorageTool random-uuid` makes it: 16 random bytes in URL-safe base64
 * without padding, never starting with '-'. Done here to save a JVM start (a second or two) per format.
 */
export function newClusterId (): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}
