// The load of the fault-injection run: concurrent clients post records to the gateways at a steady rate
// and a ledger keeps, per record, what the gateway answered. A client that gets no answer (the gateway
// is restarting, the connection dropped) or a 504 (outcome unknown) sends the same record again, to the
// next gateway when there are several (as a load balancer would), as a real client must; a 503 is a
// refusal and is final for that record.
import { setTimeout as sleep } from 'node:timers/promises'
import { checksum, RecordFactory, type Content, type Entity } from './records.ts'

export type Answer = 'acknowledged' | 'refused' | 'unanswered' | 'unexpected'

export interface LedgerEntry {
  entity: Entity
  id: number
  checksum: string
  /** The chaos phase when the record was first offered. */
  phase: string
  answer: Answer
  /** The last HTTP status (0: no answer). */
  status: number
  attempts: number
  /** Some attempt got no answer or a 504, so it may have reached Kafka whatever the final answer. */
  uncertain: boolean
  /** When the final answer came (ms since the epoch): how long a fault made the gateways refuse. */
  answeredAt: number
}

export interface LoadOptions {
  /** Client i starts on gateway i mod n. */
  gatewayUrls: string[]
  apiKey: string
  /** The least number of records to offer; more go out while the chaos schedule is still running. */
  records: number
  clients: number
  /** Records per second, all clients together. */
  rate: number
  random: () => number
  /** The chaos phase right now. */
  phase: () => string
  /** True once the chaos schedule is over: from then on the load ends as soon as `records` were offered. */
  chaosOver: () => boolean
  /** Ends the load early (the chaos failed): no new records, no more resending. */
  signal?: AbortSignal
  /** How long a client keeps re-sending one unanswered record before it gives up on it. */
  giveUpAfterMs?: number
}

const REFUSED_BACKOFF_MS = 1000
const SHARES: Array<[Entity, number]> = [['users', 0.25], ['events', 0.1], ['coupons', 0.65]]

export async function runLoad (options: LoadOptions): Promise<LedgerEntry[]> {
  const factory = new RecordFactory(options.random)
  const ledger: LedgerEntry[] = []
  const nextId: Record<Entity, number> = { users: 1, events: 1, coupons: 1 }
  // Coupons name only users and events the gateway acknowledged: a coupon whose user was refused could
  // never be stored, and telling that apart from a lost record is what the run must not blur.
  const acknowledged: Record<'users' | 'events', number[]> = { users: [], events: [] }
  const start = Date.now()
  let issued = 0

  /** Waits for the next record's turn on a steady schedule; false when the load is over. */
  async function nextSlot (): Promise<boolean> {
    if (options.signal?.aborted === true || (issued >= options.records && options.chaosOver())) return false
    const due = start + issued++ * 1000 / options.rate
    if (due > Date.now()) await sleep(due - Date.now())
    return true
  }

  function nextContent (): Content {
    let roll = options.random()
    let entity: Entity = 'coupons'
    for (const [name, share] of SHARES) {
      if (roll < share) { entity = name; break }
      roll -= share
    }
    if (entity === 'coupons' && (acknowledged.users.length === 0 || acknowledged.events.length === 0)) {
      entity = acknowledged.users.length === 0 ? 'users' : 'events'
    }
    const id = nextId[entity]++
    if (entity === 'users') return factory.user(id)
    if (entity === 'events') return factory.event(id)
    const pick = (ids: number[]) => ids[Math.floor(options.random() * ids.length)] as number
    const events = Array.from({ length: 1 + Math.floor(options.random() * 4) }, () => pick(acknowledged.events))
    return factory.coupon(id, pick(acknowledged.users), events)
  }

  async function offer (client: { gateway: number }, content: Content): Promise<void> {
    const entry: LedgerEntry = { entity: content.entity, id: content.id, checksum: checksum(content), phase: options.phase(), answer: 'unanswered', status: 0, attempts: 0, uncertain: false, answeredAt: 0 }
    ledger.push(entry)
    const body = JSON.stringify(factory.body(content))
    const deadline = Date.now() + (options.giveUpAfterMs ?? 180_000)
    while (Date.now() < deadline && options.signal?.aborted !== true) {
      entry.attempts++
      try {
        const gatewayUrl = options.gatewayUrls[client.gateway % options.gatewayUrls.length] as string
        const res = await fetch(`${gatewayUrl}/${content.entity}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': options.apiKey },
          body,
          signal: AbortSignal.timeout(120_000)
        })
        await res.arrayBuffer()
        entry.status = res.status
        entry.answeredAt = Date.now()
        if (res.status === 202) {
          entry.answer = 'acknowledged'
          if (content.entity !== 'coupons') acknowledged[content.entity].push(content.id)
          return
        }
        if (res.status === 503) {
          entry.answer = 'refused'
          // A refused client backs off, as a well-behaved one does, rather than race through its backlog
          // with records the gateway can only refuse while the broker is away.
          await sleep(REFUSED_BACKOFF_MS)
          return
        }
        if (res.status !== 504) {
          entry.answer = 'unexpected'
          return
        }
      } catch {
        entry.status = 0
      }
      entry.uncertain = true
      client.gateway++
      await sleep(250)
    }
  }

  await Promise.all(Array.from({ length: options.clients }, async (_, i) => {
    const client = { gateway: i }
    while (await nextSlot()) await offer(client, nextContent())
  }))
  return ledger
}
