// Listing dead-lettered records: their reasons and codes, a reason filter, and the records grouped by
// reason (numbers shown as `#`), each group with its first records in a one-line form.
import type { Config } from '../../config/config.ts'
import { Headers } from '../side-topics.ts'
import { replayTargetOf } from './names.ts'
import { readDeadLetters, type DeadLetter, type Position, type ReadOptions } from './read.ts'

const PREVIEW_CHARS = 80

export function reasonOf (record: DeadLetter): string {
  return record.headers[Headers.reason] ?? ''
}

export function codeOf (record: DeadLetter): string {
  return record.headers[Headers.code] ?? ''
}

/** Case-insensitive substring of the record's reason or code; no filter matches every record. */
export function matchesReason (record: DeadLetter, filter: string | undefined): boolean {
  if (filter === undefined || filter === '') return true
  const needle = filter.toLowerCase()
  return reasonOf(record).toLowerCase().includes(needle) || codeOf(record).toLowerCase().includes(needle)
}

/**
 * Reasons name the record (`users 900 already exists ...`) or the time it waited (`... for 301 s`); with
 * numbers shown as `#`, records refused for the same cause fall into one group.
 */
export function reasonPattern (reason: string): string {
  return reason === '' ? '(no reason given)' : reason.replace(/\d+/g, '#')
}

/** The start of the value as one line of text, for a listing. */
export function previewOf (value: Buffer | undefined): string {
  if (value === undefined) return '(no value)'
  const text = value.toString('utf8').replace(/\s+/g, ' ').trim()
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text
}

function headerNumber (record: DeadLetter, name: string): number | null {
  const value = record.headers[name]
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null
}

export interface ListedRecord extends Position {
  key: string | null
  reason: string
  code: string
  status: string
  original: { topic: string, partition: number | null, offset: number | null }
  preview: string
}

export interface ReasonGroup {
  /** The reason with its numbers shown as `#`. */
  reason: string
  code: string
  count: number
  /** The group's first records, up to the listing's limit. */
  records: ListedRecord[]
}

export function listedRecord (record: DeadLetter): ListedRecord {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key?.toString('utf8') ?? null,
    reason: reasonOf(record),
    code: codeOf(record),
    status: record.headers[Headers.status] ?? '',
    original: {
      topic: replayTargetOf(record),
      partition: headerNumber(record, Headers.originalPartition),
      offset: headerNumber(record, Headers.originalOffset)
    },
    preview: previewOf(record.value)
  }
}

/** Groups by code and reason pattern, the largest group first; each keeps its first `limit` records. */
export function groupByReason (records: DeadLetter[], limit: number): ReasonGroup[] {
  const groups = new Map<string, ReasonGroup>()
  for (const record of records) {
    const reason = reasonPattern(reasonOf(record))
    const code = codeOf(record)
    const id = `${code}\u0000${reason}`
    let group = groups.get(id)
    if (group === undefined) groups.set(id, group = { reason, code, count: 0, records: [] })
    group.count++
    if (group.records.length < limit) group.records.push(listedRecord(record))
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
}

export interface Listing {
  /** Each topic asked for, whether it exists and how many records it holds (before the reason filter). */
  topics: Array<{ topic: string, exists: boolean, records: number }>
  /** Records matching the reason filter. */
  total: number
  groups: ReasonGroup[]
}

export interface ListOptions extends ReadOptions {
  topics: string[]
  reason?: string
  /** Records shown per group. */
  limit: number
}

export async function listDeadLetters (config: Config, options: ListOptions): Promise<Listing> {
  const contents = await readDeadLetters(config, options.topics, options)
  const matching = contents.flatMap((c) => c.records).filter((r) => matchesReason(r, options.reason))
  return {
    topics: contents.map((c) => ({ topic: c.topic, exists: c.exists, records: c.records.length })),
    total: matching.length,
    groups: groupByReason(matching, options.limit)
  }
}
