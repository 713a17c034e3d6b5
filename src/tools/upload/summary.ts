// Accounting of an upload: each record's outcome tallied per entity (stored, refused with examples, failed),
// the failure budget that stops a hopeless upload, and the summary as data and as text.
import type { EntityName } from '../../domain/entities.ts'
import { parseJson, type RecordOutcomes } from './http.ts'
import type { CheckedOptions, UploadTarget } from './options.ts'

export interface RefusalExample { id?: number | string, detail: string }
export interface Refusals { status: number, count: number, examples: RefusalExample[] }

export interface EntitySummary {
  entity: EntityName
  /** Records of this entity in the dataset. */
  total: number
  sent: number
  /** Answered 2xx: stored by the API (200) or accepted by the gateway (202). */
  stored: number
  /** Answered 4xx: the server's verdict on the record, not retried. */
  refused: number
  refusals: Refusals[]
  /** 5xx or network errors after every retry. */
  failed: number
  /** Requests sent again after a network error, 429 or 502-504: high numbers mean a struggling server. */
  retried: number
  failures: string[]
  elapsedSeconds: number
  recordsPerSecond: number
}

export interface UploadSummary {
  target: UploadTarget
  url: string
  concurrency: number
  bulk?: number
  entities: EntitySummary[]
  sent: number
  stored: number
  refused: number
  failed: number
  elapsedSeconds: number
  recordsPerSecond: number
  /** Why the upload stopped early, when it did. */
  aborted?: string
  /** Every record was stored or refused with a 4xx, and nothing was left unsent: exit code 0. */
  ok: boolean
}

// Enough examples to see what went wrong without flooding the report when thousands of records did.
const EXAMPLES_KEPT = 5
const FAILURES_KEPT = 5

const rate = (count: number, seconds: number): number => seconds > 0 ? Math.round(count / seconds) : 0

/** "user 7", or "record" when the record has no readable id. */
const recordLabel = (entity: EntityName, id: number | string | undefined): string => id === undefined ? 'record' : `${entity.slice(0, -1)} ${id}`

/** The record's id as the client gave it (`id` or the seed's `<entity>_id`), for the refusal report. */
function recordId (entity: EntityName, text: string): number | string | undefined {
  const record = parseJson(text) as Record<string, unknown> | undefined
  const id = record?.id ?? record?.[`${entity.slice(0, -1)}_id`]
  if (typeof id === 'number') return id
  if (typeof id === 'string') return /^\d{1,15}$/.test(id) ? Number(id) : id
  return undefined
}

/** Failed records across every entity: past the limit the server is likely down, and the upload stops. */
export class FailureBudget {
  failures = 0
  aborted: string | undefined

  constructor (private readonly maxFailures: number) {}

  spend (): void {
    if (++this.failures >= this.maxFailures) this.aborted ??= `stopped after ${this.failures} failed records (is the server up?)`
  }
}

/** One entity's outcomes, record by record. */
export class Tally implements RecordOutcomes {
  sent = 0
  stored = 0
  refused = 0
  failed = 0
  retried = 0
  readonly refusals = new Map<number, Refusals>()
  readonly failures: string[] = []

  constructor (readonly entity: EntityName, private readonly budget: FailureBudget) {}

  refuse (status: number, record: string, detail: string): void {
    this.refused++
    let group = this.refusals.get(status)
    if (group === undefined) this.refusals.set(status, group = { status, count: 0, examples: [] })
    group.count++
    if (group.examples.length < EXAMPLES_KEPT) group.examples.push({ id: recordId(this.entity, record), detail })
  }

  fail (record: string, reason: string): void {
    this.failed++
    if (this.failures.length < FAILURES_KEPT) this.failures.push(`${recordLabel(this.entity, recordId(this.entity, record))}: ${reason}`)
    this.budget.spend()
  }

  answer (record: string, status: number, detail: () => string): void {
    if (status >= 200 && status < 300) this.stored++
    else if (status >= 400 && status < 500) this.refuse(status, record, detail())
    else this.fail(record, `${status} ${detail()}`)
  }

  summary (total: number, elapsedSeconds: number): EntitySummary {
    return {
      entity: this.entity,
      total,
      sent: this.sent,
      stored: this.stored,
      refused: this.refused,
      refusals: [...this.refusals.values()].sort((a, b) => a.status - b.status),
      failed: this.failed,
      failures: this.failures,
      retried: this.retried,
      elapsedSeconds,
      recordsPerSecond: rate(this.sent, elapsedSeconds)
    }
  }
}

/** The whole upload's summary from its entities' summaries. */
export function uploadSummary (
  { target, url, concurrency, bulk }: Pick<CheckedOptions, 'target' | 'url' | 'concurrency' | 'bulk'>,
  entities: EntitySummary[], elapsedSeconds: number, aborted: string | undefined
): UploadSummary {
  const sum = (key: 'sent' | 'stored' | 'refused' | 'failed'): number => entities.reduce((n, s) => n + s[key], 0)
  return {
    target,
    url: url.href,
    concurrency,
    ...(bulk !== undefined && { bulk }),
    entities,
    sent: sum('sent'),
    stored: sum('stored'),
    refused: sum('refused'),
    failed: sum('failed'),
    elapsedSeconds,
    recordsPerSecond: rate(sum('sent'), elapsedSeconds),
    ...(aborted !== undefined && { aborted }),
    ok: sum('failed') === 0 && aborted === undefined
  }
}

type Counts = Pick<EntitySummary, 'sent' | 'stored' | 'refused' | 'failed' | 'elapsedSeconds' | 'recordsPerSecond'>

/** One row of the report's table: an entity's counts, or the total's. */
function countsLine (label: string, c: Counts, storedWord: string): string {
  return `${label.padEnd(7)} ${String(c.sent).padStart(9)} sent ${String(c.stored).padStart(9)} ${storedWord} ` +
    `${String(c.refused).padStart(6)} refused ${String(c.failed).padStart(6)} failed ` +
    `${c.elapsedSeconds.toFixed(2).padStart(8)} s ${String(c.recordsPerSecond).padStart(8)} records/s`
}

/** The summary as a few human-readable lines. */
export function formatSummary (summary: UploadSummary): string {
  const storedWord = summary.target === 'gateway' ? 'accepted' : 'stored'
  const mode = summary.bulk !== undefined ? `bulk ${summary.bulk}` : 'one record per request'
  const lines = [`${summary.target} ${summary.url} (concurrency ${summary.concurrency}, ${mode})`]
  for (const s of summary.entities) {
    lines.push(countsLine(s.entity, s, storedWord))
    for (const r of s.refusals) {
      lines.push(`  ${r.status} x${r.count}`)
      for (const e of r.examples) lines.push(`    ${recordLabel(s.entity, e.id)}: ${e.detail}`)
    }
    for (const f of s.failures) lines.push(`  failed: ${f}`)
    if (s.retried > 0) lines.push(`  ${s.retried} requests retried (network errors, 429, 502-504)`)
  }
  lines.push(countsLine('total', summary, storedWord))
  if (summary.aborted !== undefined) lines.push(`aborted: ${summary.aborted}`)
  return lines.join('\n')
}
