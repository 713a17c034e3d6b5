// The chaos schedule of the fault-injection run: each fault once, in an order and at moments drawn from
// the run's seed, one at a time, so every record can be attributed to the fault it was offered under.
// The load runs all along (load.ts), so every fault happens with records in flight before, during and
// after it.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Stack } from './stack.ts'

/**
 * The four faults the reliability contract names, and two harder ones: the API killed mid-transaction, and
 * the broker frozen (SIGSTOP, as in a long pause or a network partition), which leaves produce requests
 * and commits without an answer, so their outcome is unknown to the client.
 */
export const FAULTS = ['consumer-kill', 'api-restart', 'broker-outage', 'gateway-restart', 'api-kill', 'broker-freeze'] as const
export type Fault = typeof FAULTS[number]

export interface FaultLog {
  fault: Fault
  /** Milliseconds since the load started. */
  startedAtMs: number
  durationMs: number
  detail: string
  /** Problems seen while injecting it (a SIGTERM that needed SIGKILL, a non-zero exit). */
  problems: string[]
}

export interface ChaosOptions {
  faults: readonly Fault[]
  random: () => number
  /** How long the broker stays down. */
  outageMs: number
  /** Time before each fault, drawn between these bounds; the same again after the last one. */
  gapMs: [number, number]
  setPhase: (phase: string) => void
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
        detail = `SIGKILL api, ready again ${seconds(starting)} after its start`
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
    }
    options.setPhase('steady')
    logs.push({ fault, startedAtMs: began - start, durationMs: Date.now() - began, detail, problems })
  }
  await sleep(between(options.gapMs))
  return logs
}
