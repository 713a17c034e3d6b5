// The fault-injection run on one database: start the stack, drive the load through the chaos schedule,
// drain, stop everything with SIGTERM, then compare the ledger of answers with the database record by
// record. Its report holds the per-fault table of docs/reliability.md and every failure found.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { TestDialect } from '../helpers/database.ts'
import { ALL_FAULTS, FAULTS, runChaos, type Fault, type FaultLog } from './chaos.ts'
import { runLoad, type LedgerEntry } from './load.ts'
import { seededRandom } from './records.ts'
import { startStack, type Stack } from './stack.ts'
import { readKafka, readKafkaSettled, readStored } from './verify.ts'

export interface FaultRunOptions {
  dialect: TestDialect
  /** The least number of records offered; more when the faults take longer than planned. */
  records: number
  clients: number
  consumers: number
  /** Kafka nodes; 3 makes it the cluster run (with `apis` API instances and `gateways` gateways). */
  brokers?: number
  apis?: number
  gateways?: number
  seed: number
  /** The faults to inject, each once; default all of FAULTS. */
  faults?: readonly Fault[]
  /** How long the broker stays down. */
  outageMs: number
  /** Records per second; default: spread the records over the planned chaos schedule. */
  rate?: number
  /** Keep the work folder (logs, broker data, SQLite file) and the PostgreSQL schema. */
  keep?: boolean
  log?: (line: string) => void
}

export interface PhaseRow {
  phase: string
  offered: number
  acknowledged: number
  refused: number
  stored: number
  lost: number
  duplicated: number
  /** Refused after an attempt that got no answer, and stored whole: that attempt had reached Kafka. */
  refusedStoredAfterNoAnswer: number
}

export interface FaultRunReport {
  dialect: TestDialect
  /** What ran: the database, and on a cluster how many of each part. */
  setup: string
  seed: number
  records: number
  clients: number
  rate: number
  workDir: string
  faults: Array<FaultLog & HealTimes>
  rows: PhaseRow[]
  total: PhaseRow
  deadLettered: number
  seconds: { load: number, drain: number }
  /** Empty when the run proved what it must; otherwise each sentence is one broken guarantee. */
  failures: string[]
}

export interface HealTimes {
  /** From the fault's start until the gateways' last 503 before the next fault (0: none refused). */
  refusedForMs: number
}

/** Quiet time before each fault and after the last: a fault's after-effects are not counted under the next. */
const GAP_MS: [number, number] = [2000, 5000]
/** A typical fault with its recovery (a restart, the broker's start), to spread the records over the schedule. */
const TYPICAL_FAULT_MS = 9000

export async function runFaultInjection (options: FaultRunOptions): Promise<FaultRunReport> {
  const log = options.log ?? (() => {})
  const random = seededRandom(options.seed)
  const faultList = options.faults ?? FAULTS
  // Spread the records over the schedule; when it runs longer, more records go out (load.ts).
  const gap = (GAP_MS[0] + GAP_MS[1]) / 2
  const plannedMs = faultList.length * (gap + TYPICAL_FAULT_MS) + gap + options.outageMs
  const rate = options.rate ?? Math.max(10, Math.round(options.records / (plannedMs / 1000)))
  const workDir = mkdtempSync(join(tmpdir(), `betting-faults-${options.dialect}-`))
  const failures: string[] = []
  let passed = false
  log(`${options.dialect}: starting the stack in ${workDir}`)
  const stack = await startStack({ dialect: options.dialect, workDir, consumers: options.consumers, brokers: options.brokers, apis: options.apis, gateways: options.gateways })
  let closed = false
  try {
    let phase = 'steady'
    let chaosOver = false
    log(`${options.dialect}: ${options.records} records from ${options.clients} clients at ${rate}/s, seed ${options.seed}`)
    const loadStart = Date.now()
    const stopLoad = new AbortController()
    const [ledger, faults] = await Promise.all([
      runLoad({
        signal: stopLoad.signal,
        gatewayUrls: stack.gatewayUrls,
        apiKey: stack.apiKey,
        records: options.records,
        clients: options.clients,
        rate,
        random,
        phase: () => phase,
        chaosOver: () => chaosOver
      }),
      runChaos(stack, {
        faults: faultList,
        random,
        outageMs: options.outageMs,
        gapMs: GAP_MS,
        rate,
        lag: async () => (await readKafka(stack.config)).lag,
        setPhase: (next) => {
          phase = next
          log(`${options.dialect}: ${((Date.now() - loadStart) / 1000).toFixed(1)} s ${next}`)
        }
      }).then((logs) => {
        chaosOver = true
        return logs
      }, (error: unknown) => {
        // A fault that could not be injected or recovered from ends the run; the clients stop too.
        stopLoad.abort()
        throw error
      })
    ])
    const loadSeconds = (Date.now() - loadStart) / 1000
    for (const f of faults) failures.push(...f.problems)

    log(`${options.dialect}: load done in ${loadSeconds.toFixed(1)} s; draining`)
    const drainStart = Date.now()
    const drained = await drain(stack)
    if (!drained.ok) failures.push(`not drained after ${DRAIN_TIMEOUT_MS / 1000} s: ${drained.lag} records not committed by the consumers (${drained.behind.join(', ')})`)
    const drainSeconds = (Date.now() - drainStart) / 1000

    // Every service stops with SIGTERM as in a deployment; each must exit cleanly and in time.
    for (const service of [...stack.gateways, ...stack.consumers, ...stack.apis]) {
      if (!service.running) continue // already gone: reported as a crash below
      const exit = await service.stop()
      if (exit.forced) failures.push(`${service.spec.name} did not stop within the grace period after SIGTERM`)
      else if (exit.code !== 0) failures.push(`${service.spec.name} exited with ${String(exit.code ?? exit.signal)} after SIGTERM`)
    }
    for (const service of [...stack.apis, ...stack.gateways, ...stack.consumers]) {
      for (const crash of service.crashes) failures.push(`${service.spec.name} exited on its own (${String(crash.code ?? crash.signal)}) at ${crash.at.toISOString()}`)
    }

    const kafka = await readKafkaSettled(stack.config)
    const stored = await readStored(stack.config)
    const comparison = compare(ledger, stored.records)
    failures.push(...comparison.failures)
    if (kafka.deadLettered > 0) failures.push(`${kafka.deadLettered} records were dead-lettered, though every record was valid and named acknowledged users and events`)
    if (stored.orphanSelections > 0) failures.push(`${stored.orphanSelections} coupons have selections stored without the coupon (half-stored)`)
    failures.push(...stored.counterProblems.map((p) => `recommender counters disagree with the stored coupons: ${p}`))

    await stack.close(options.keep === true)
    closed = true
    passed = failures.length === 0
    const brokers = options.brokers ?? 1
    return {
      dialect: options.dialect,
      setup: brokers === 1 ? options.dialect : `${options.dialect}, ${brokers} brokers, ${options.apis ?? 1} APIs, ${options.gateways ?? 1} gateways, ${options.consumers} consumers`,
      seed: options.seed,
      records: options.records,
      clients: options.clients,
      rate,
      workDir,
      faults: faults.map((f, i) => ({ ...f, refusedForMs: refusedFor(ledger, loadStart + f.startedAtMs, faults[i + 1] === undefined ? Number.POSITIVE_INFINITY : loadStart + (faults[i + 1] as FaultLog).startedAtMs) })),
      rows: comparison.rows,
      total: comparison.total,
      deadLettered: kafka.deadLettered,
      seconds: { load: loadSeconds, drain: drainSeconds },
      failures
    }
  } finally {
    if (!closed) await stack.close(options.keep === true).catch(() => {})
    // A failed run keeps its work folder: the services' logs are how it is understood.
    if (options.keep !== true && passed) rmSync(workDir, { recursive: true, force: true })
  }
}

const DRAIN_TIMEOUT_MS = 300_000

/** Waits until the consumers committed every record of the main and retry topics, twice in a row. */
async function drain (stack: Stack): Promise<{ ok: boolean, lag: number, behind: string[] }> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS
  let quiet = 0
  let state = { lag: -1, behind: [] as string[] }
  while (Date.now() < deadline) {
    // A failed reading (a partition's leader still moving) is no reading: neither quiet nor behind.
    state = await readKafka(stack.config).catch(() => ({ ...state, lag: -1 }))
    quiet = state.lag === 0 ? quiet + 1 : 0
    if (quiet >= 2) return { ok: true, ...state }
    await sleep(1000)
  }
  return { ok: false, lag: state.lag, behind: state.behind }
}

/** How long after `from` the gateways went on refusing (their last 503 before `until`). */
function refusedFor (ledger: LedgerEntry[], from: number, until: number): number {
  let last = from
  for (const entry of ledger) if (entry.answer === 'refused' && entry.answeredAt >= from && entry.answeredAt < until) last = Math.max(last, entry.answeredAt)
  return last - from
}

function emptyRow (phase: string): PhaseRow {
  return { phase, offered: 0, acknowledged: 0, refused: 0, stored: 0, lost: 0, duplicated: 0, refusedStoredAfterNoAnswer: 0 }
}

/** The ledger against the database, one record at a time, per phase and in total. */
export function compare (ledger: LedgerEntry[], stored: Awaited<ReturnType<typeof readStored>>['records']): { rows: PhaseRow[], total: PhaseRow, failures: string[] } {
  const rows = new Map<string, PhaseRow>()
  const total = emptyRow('all')
  const failures: string[] = []
  const examples: Record<string, string[]> = {}
  const note = (kind: string, entry: LedgerEntry) => {
    examples[kind] ??= []
    examples[kind].push(`${entry.entity.slice(0, -1)} ${entry.id}`)
  }
  const offered = { users: new Set<number>(), events: new Set<number>(), coupons: new Set<number>() }
  for (const entry of ledger) {
    offered[entry.entity].add(entry.id)
    const row = rows.get(entry.phase) ?? emptyRow(entry.phase)
    rows.set(entry.phase, row)
    const bump = (key: Exclude<keyof PhaseRow, 'phase'>) => { row[key]++; total[key]++ }
    bump('offered')
    const found = stored[entry.entity].get(entry.id)
    const whole = found !== undefined && found.checksum === entry.checksum
    if (whole) bump('stored')
    if (found !== undefined && found.copies > 1) { bump('duplicated'); note('duplicated', entry) }
    if (found !== undefined && !whole) note('stored with other content than sent', entry)
    switch (entry.answer) {
      case 'acknowledged':
        bump('acknowledged')
        if (!whole) { bump('lost'); note('acknowledged but not stored', entry) }
        break
      case 'refused':
        bump('refused')
        if (whole && entry.uncertain) bump('refusedStoredAfterNoAnswer')
        else if (whole) note('refused with 503 but stored', entry)
        break
      case 'unanswered':
        note('never answered', entry)
        break
      case 'unexpected':
        note(`answered ${entry.status}`, entry)
        break
    }
  }
  for (const entity of ['users', 'events', 'coupons'] as const) {
    const extra = [...stored[entity].keys()].filter((id) => !offered[entity].has(id))
    if (extra.length > 0) failures.push(`${extra.length} ${entity} stored that no client sent (${extra.slice(0, 5).join(', ')})`)
  }
  for (const [kind, list] of Object.entries(examples)) {
    failures.push(`${list.length} records ${kind} (${list.slice(0, 5).join(', ')}${list.length > 5 ? ', ...' : ''})`)
  }
  const order: string[] = ['steady', ...ALL_FAULTS]
  return { rows: [...rows.values()].sort((a, b) => order.indexOf(a.phase) - order.indexOf(b.phase)), total, failures }
}
