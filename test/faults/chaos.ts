// The chaos schedule of the fault-injection run: each fault once, in an order and at moments drawn from
// the run's seed, one at a time, so every record can be attributed to the fault it was offered under.
// The load runs all along (load.ts), so every fault happens with records in flight before, during and
// after it.
import { setTimeout as sleep } from 'node:timers/promises'
import { Admin } from '@platformatic/kafka'
import { kafkaBrokers } from '../../src/config/config.ts'
import type { ClusterNode } from '../../src/dev/local-kafka.ts'
import type { Stack } from './stack.ts'

/**
 * The four faults the reliability contract names, and two harder ones: the API killed mid-transaction, and
 * the broker frozen (SIGSTOP, as in a long pause or a network partition), which leaves produce requests
 * and commits without an answer, so their outcome is unknown to the client.
 */
export const FAULTS = ['consumer-kill', 'api-restart', 'broker-outage', 'gateway-restart', 'api-kill', 'broker-freeze'] as const

/**
 * The faults only a cluster has (three Kafka nodes, two API instances): the node leading most partitions
 * killed (SIGKILL, started again later), one node frozen for 20 s, one API instance killed while the other
 * serves, and the controller quorum's leader restarted.
 */
export const CLUSTER_FAULTS = ['leader-kill', 'node-freeze', 'api-instance-kill', 'controller-restart'] as const
export const ALL_FAULTS = [...FAULTS, ...CLUSTER_FAULTS] as const
export type Fault = typeof ALL_FAULTS[number]

export interface FaultLog {
  fault: Fault
  /** Milliseconds since the load started. */
  startedAtMs: number
  durationMs: number
  detail: string
  /** Problems seen while injecting it (a SIGTERM that needed SIGKILL, a non-zero exit). */
  problems: string[]
  /** From the fault's start until the consumers' lag was back under one second of load; undefined if it never was. */
  lagHealedMs: number | undefined
}

export interface ChaosOptions {
  faults: readonly Fault[]
  random: () => number
  /** How long the broker stays down. */
  outageMs: number
  /** Time before each fault, drawn between these bounds; the same again after the last one. */
  gapMs: [number, number]
  setPhase: (phase: string) => void
  /** Records the consumers have not committed yet, read from the broker. */
  lag: () => Promise<number>
  /** The load's records per second: a lag under one second of them is the steady state. */
  rate: number
}

/** How long the run waits for the lag to settle after a fault before it moves on regardless. */
const HEAL_TIMEOUT_MS = 120_000

/** Polls the lag until it is under one second of load; the time since `since`, or undefined after the timeout. */
async function lagHealed (options: ChaosOptions, since: number): Promise<number | undefined> {
  const deadline = Date.now() + HEAL_TIMEOUT_MS
  while (Date.now() < deadline) {
    const lag = await options.lag().catch(() => Number.POSITIVE_INFINITY)
    if (lag <= options.rate) return Date.now() - since
    await sleep(250)
  }
  return undefined
}

/** The Kafka node leading the most partitions of the run's topics, as the cluster's metadata says. */
async function busiestLeader (stack: Stack): Promise<ClusterNode> {
  const admin = new Admin({ clientId: 'faults-chaos', bootstrapBrokers: kafkaBrokers(stack.config), retries: 5, retryDelay: 500 })
  try {
    const metadata = await admin.metadata({ forceUpdate: true })
    const led = new Map<number, number>()
    for (const topic of metadata.topics.values()) for (const p of topic.partitions) led.set(p.leader, (led.get(p.leader) ?? 0) + 1)
    const [leaderId] = [...led.entries()].sort((a, b) => b[1] - a[1])[0] ?? [1]
    return nodeById(stack, leaderId)
  } finally {
    await admin.close()
  }
}

function nodeById (stack: Stack, nodeId: number): ClusterNode {
  const node = stack.kafka.nodes.find((n) => n.nodeId === nodeId)
  if (node === undefined) throw new Error(`no Kafka node ${nodeId} in this run`)
  return node
}

export async function runChaos (stack: Stack, options: ChaosOptions): Promise<FaultLog[]> {
  const { random } = options
  const between = ([low, high]: [number, number]) => Math.round(low + random() * (high - low))
  const order = [...options.faults].sort(() => random() - 0.5)
  const start = Date.now()
  const logs: FaultLog[] = []

  const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`

  /** SIGTERM, which must be a clean shutdown (in time, exit code 0), then a start; says how long each took. */
  const restart = async (service: Stack['api'], problems: string[]): Promise<string> => {
    const stopping = Date.now()
    const exit = await service.stop()
    if (exit.forced) problems.push(`${service.spec.name} did not stop within the grace period after SIGTERM and was killed`)
    else if (exit.code !== 0) problems.push(`${service.spec.name} exited with ${String(exit.code ?? exit.signal)} after SIGTERM`)
    const stopped = seconds(stopping)
    const starting = Date.now()
    await service.start()
    return `SIGTERM ${service.spec.name}: exited in ${stopped}, ready again ${seconds(starting)} after its start`
  }

  for (const fault of order) {
    await sleep(between(options.gapMs))
    options.setPhase(fault)
    const began = Date.now()
    const problems: string[] = []
    let detail = ''
    switch (fault) {
      case 'consumer-kill': {
        const victim = stack.consumers[Math.floor(random() * stack.consumers.length)]
        if (victim === undefined) throw new Error('the stack has no consumer')
        const downMs = between([1000, 3000])
        await victim.kill()
        await sleep(downMs)
        const starting = Date.now()
        await victim.start()
        detail = `SIGKILL ${victim.spec.name}, started again ${downMs} ms later, consuming ${seconds(starting)} after its start`
        break
      }
      case 'api-restart':
        detail = await restart(stack.api, problems)
        break
      case 'broker-outage': {
        await stack.stopBroker()
        await sleep(options.outageMs)
        const starting = Date.now()
        await stack.startBroker()
        detail = `broker stopped for ${options.outageMs / 1000} s, ready ${seconds(starting)} after its start`
        break
      }
      case 'gateway-restart':
        detail = await restart(stack.gateway, problems)
        break
      case 'api-kill': {
        await stack.api.kill()
        const starting = Date.now()
        await stack.api.start()
        detail = `SIGKILL ${stack.api.spec.name}, ready again ${seconds(starting)} after its start`
        break
      }
      case 'broker-freeze': {
        const frozenMs = between([10_000, 15_000])
        stack.pauseBroker()
        await sleep(frozenMs)
        stack.resumeBroker()
        detail = `broker frozen (SIGSTOP) for ${frozenMs} ms, then SIGCONT`
        break
      }
      case 'leader-kill': {
        const victim = await busiestLeader(stack)
        const downMs = between([8000, 12_000])
        await victim.kill()
        await sleep(downMs)
        const starting = Date.now()
        await victim.start()
        detail = `SIGKILL node ${victim.nodeId} (leading most partitions), started again ${downMs} ms later, answering ${seconds(starting)} after its start`
        break
      }
      case 'node-freeze': {
        const victim = stack.kafka.nodes[Math.floor(random() * stack.kafka.nodes.length)] as ClusterNode
        victim.pause()
        await sleep(20_000)
        victim.resume()
        detail = `node ${victim.nodeId} frozen (SIGSTOP) for 20 s, then SIGCONT`
        break
      }
      case 'api-instance-kill': {
        const victim = stack.apis[Math.floor(random() * stack.apis.length)] as Stack['api']
        const downMs = between([8000, 12_000])
        await victim.kill()
        await sleep(downMs)
        const starting = Date.now()
        await victim.start()
        detail = `SIGKILL ${victim.spec.name} while the other instances served, started again ${downMs} ms later, ready ${seconds(starting)} after its start`
        break
      }
      case 'controller-restart': {
        const leader = stack.kafka.quorumLeader()
        const victim = nodeById(stack, leader ?? 1)
        const stopping = Date.now()
        await victim.stop()
        const stopped = seconds(stopping)
        const starting = Date.now()
        await victim.start()
        detail = `SIGTERM node ${victim.nodeId} (${leader === undefined ? 'a quorum voter' : 'the quorum leader'}): exited in ${stopped}, answering again ${seconds(starting)} after its start`
        break
      }
    }
    options.setPhase('steady')
    const durationMs = Date.now() - began
    const lagHealedMs = await lagHealed(options, began)
    logs.push({ fault, startedAtMs: began - start, durationMs, detail, problems, lagHealedMs })
  }
  await sleep(between(options.gapMs))
  return logs
}
