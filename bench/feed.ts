// Dataset feeder, run as its own process: streams one entity of the project's generated dataset to the
// gateway's batch route (the real pipeline) or the API's bulk route, a few requests in flight, and
// answers one JSON line with what it sent. It stops at the first refused request: a benchmark whose
// data did not go in measures nothing.
import { Pool } from 'undici'
import type { EntityName } from '../src/domain/entities.ts'
import { couponRecords, eventRecords, userRecords, type DatasetOptions } from '../src/tools/dataset.ts'
import { readSpec } from './lib/services.ts'

export interface FeedSpec {
  url: string
  /** gateway: POST /<entity>/batch (up to 1,000 records); api: POST /<entity>/bulk. */
  target: 'gateway' | 'api'
  entity: EntityName
  /** Generator options; `now` as epoch ms so the spec is plain JSON. */
  dataset: Omit<DatasetOptions, 'now'> & { nowMs: number }
  batch: number
  concurrency: number
}

export interface FeedResult { records: number, requests: number, startedAt: number, seconds: number }

function records (spec: FeedSpec): Generator<unknown> {
  const options: DatasetOptions = { ...spec.dataset, now: new Date(spec.dataset.nowMs) }
  if (spec.entity === 'users') return userRecords(options)
  if (spec.entity === 'events') return eventRecords(options)
  return couponRecords(options)
}

function * batches (source: Generator<unknown>, size: number): Generator<{ body: string, count: number }> {
  let batch: unknown[] = []
  for (const record of source) {
    batch.push(record)
    if (batch.length === size) {
      yield { body: JSON.stringify(batch), count: batch.length }
      batch = []
    }
  }
  if (batch.length > 0) yield { body: JSON.stringify(batch), count: batch.length }
}

async function feed (spec: FeedSpec): Promise<FeedResult> {
  const url = new URL(spec.url)
  const pool = new Pool(url.origin, { connections: spec.concurrency, headersTimeout: 300_000, bodyTimeout: 300_000 })
  const path = `/${spec.entity}/${spec.target === 'gateway' ? 'batch' : 'bulk'}`
  const work = batches(records(spec), spec.batch)
  const startedAt = Date.now()
  let requests = 0
  let sent = 0
  const worker = async (): Promise<void> => {
    // A generator is not re-entrant, but next() is synchronous, so workers never call it at once.
    for (let next = work.next(); next.done !== true; next = work.next()) {
      const answer = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: next.value.body })
      const text = await answer.body.text()
      if (answer.statusCode >= 300) throw new Error(`${path} answered ${answer.statusCode}: ${text.slice(0, 300)}`)
      if (spec.target === 'api') {
        const refused = (JSON.parse(text) as { results: Array<{ status: number }> }).results.filter((r) => r.status !== 200)
        if (refused.length > 0) throw new Error(`${path}: ${refused.length} records refused, first ${JSON.stringify(refused[0])}`)
      }
      requests++
      sent += next.value.count
    }
  }
  try {
    await Promise.all(Array.from({ length: spec.concurrency }, worker))
  } finally {
    await pool.close()
  }
  return { records: sent, requests, startedAt, seconds: (Date.now() - startedAt) / 1000 }
}

// The spec comes on standard input (JSON); the result is the one line of standard output.
const spec = await readSpec<FeedSpec>()
process.stdout.write(`${JSON.stringify(await feed(spec))}\n`)
