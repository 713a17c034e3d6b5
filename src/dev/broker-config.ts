// What the local broker is configured with: its server.properties, its log4j2.properties, and the cluster
// id a new KRaft log directory is formatted with.
import { randomBytes } from 'node:crypto'
import { LOCALHOST } from './ports.ts'

/** One node of the local broker or cluster: its id, its client port and its KRaft controller port. */
export interface NodeAddress {
  nodeId: number
  port: number
  controllerPort: number
}

/** `id@host:port` of every controller, as `controller.quorum.voters` lists them. */
export function quorumVoters (nodes: readonly NodeAddress[]): string {
  return nodes.map((n) => `${n.nodeId}@${LOCALHOST}:${n.controllerPort}`).join(',')
}

/**
 * A node that is both broker and controller, listening on the loopback interface. Alone it is a quorum of
 * one (formatted --standalone); in a cluster every node is a voter of a fixed quorum (`controller.quorum.voters`),
 * and the internal topics get three replicas with two in sync, as the topics the services create do.
 */
export function serverProperties (node: NodeAddress, cluster: readonly NodeAddress[], logDir: string): string {
  const { nodeId, port, controllerPort } = node
  const replicas = Math.min(3, cluster.length)
  const minInSync = replicas >= 3 ? 2 : 1
  const quorum = cluster.length === 1
    ? `controller.quorum.bootstrap.servers=${LOCALHOST}:${controllerPort}`
    : `controller.quorum.voters=${quorumVoters(cluster)}`
  return [
    '# Written by src/dev/ on every start; edits are overwritten.',
    'process.roles=broker,controller',
    `node.id=${nodeId}`,
    quorum,
    `listeners=PLAINTEXT://${LOCALHOST}:${port},CONTROLLER://${LOCALHOST}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${LOCALHOST}:${port},CONTROLLER://${LOCALHOST}:${controllerPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${logDir}`,
    `offsets.topic.replication.factor=${replicas}`,
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${minInSync}`,
    `share.coordinator.state.topic.replication.factor=${replicas}`,
    `share.coordinator.state.topic.min.isr=${minInSync}`,
    `default.replication.factor=${replicas}`,
    `min.insync.replicas=${minInSync}`,
    // Consumers join at once instead of waiting 3 s for others that will not come.
    'group.initial.rebalance.delay.ms=0',
    // Topics are created on purpose by the services (with TOPIC_PARTITIONS); a typo must not make a new one.
    'auto.create.topics.enable=false',
    'num.partitions=3',
    // A cluster node that comes back takes its partitions' leadership back soon, so leaders stay spread.
    'leader.imbalance.check.interval.seconds=30',
    ''
  ].join('\n')
}

/**
 * The Maven artifact carries no logging configuration, without which the broker prints nothing at all.
 * Everything at WARN (real trouble from any package), plus the few INFO lines that tell a developer what
 * the broker is doing: its life cycle, the port it listens on, topics created and deleted, signals.
 */
export const LOG4J2_PROPERTIES = [
  '# Written by src/dev/ on every start; edits are overwritten.',
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
