// Upload a dataset (the seed's file format) to the API or the gateway: bounded concurrency over one keep-alive
// pool, retries for transient failures, a progress bar, and per entity what was stored and what was refused.
import cliProgress from 'cli-progress'
import { createReadStream } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import type { EntityName } from '../domain/entities.ts'

export const ENTITIES: readonly EntityName[] = ['users', 'events', 'coupons']
export type UploadTarget = 'api' | 'gateway'
export const DEFAULT_URLS: Readonly<Record<UploadTarget, string>> = { api: 'http://127.0.0.1:8098', gateway: 'http://127.0.0.1:8099' }
export const DEFAULT_CONCURRENCY = 16
/** The API's bulk routes take at most this many records per request. */
export const MAX_BULK = 5000

export interface DatasetRecords { users?: unknown[], events?: unknown[], coupons?: unknown[] }

export interface UploadOptions {
  /** A dataset file in the seed's format ({users, events, coupons}); read as a stream, never whole. */
  file?: string
  /** Or records already in memory. */
  dataset?: DatasetRecords
  target?: UploadTarget
  /** Base URL; default per target (DEFAULT_URLS). */
  url?: string
  /** Requests in flight at once; default 16. 1 posts one record at a time, as the seed's uploader does. */
  concurrency?: number
  /** Records per request to the API's `/<entity>/bulk` routes; unset: one record per request. */
  bulk?: number
  /** Sent as X-API-Key when the server requires a key. */
  apiKey?: string
  /** Entities to upload; always in the order users, events, coupons (coupons need the others stored first). */
  entities?: readonly EntityName[]
  /** Draw a progress bar on stderr (periodic plain lines when stderr is not a terminal). */
  progress?: boolean
  /** Attempts after the first for network errors and 429/502/503/504; default 4. */
  retries?: number
  /** First retry delay; doubles per attempt. Default 200 ms. */
  retryDelayMs?: number
  /** Stop sending after this many records failed (the server is likely down); default 100. */
  maxFailures?: number
}

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

const EXAMPLES_KEPT = 5
const FAILURES_KEPT = 5
const RETRYABLE = new Set([429, 502, 503, 504])
const MAX_RETRY_DELAY_MS = 30_000

// ---------------------------------------------------------------------------------------------------------
// Reading: the elements of the top-level object's arrays, found by a byte scanner so a file of any size
// streams through in constant memory. Elements are kept as the file's own JSON text and posted unchanged.

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

export class DatasetFormatError extends Error {
  override name = 'DatasetFormatError'
}

type Emit = (key: string, text: string) => void

/**
 * Tracks nesting and strings over a JSON byte stream, one chunk at a time, and reports each element of the
 * arrays under the wanted top-level keys. It checks the structure it relies on (a top-level object, arrays
 * under the wanted keys); the elements' own syntax is the server's to judge (400 for malformed JSON).
 * Multi-byte UTF-8 never needs care: every byte of such a character is >= 0x80, unlike the structural ones.
 */
class ArrayElementScanner {
  readonly found = new Set<string>()
  /** Every wanted array has been read to its end; what follows cannot matter to a reader of records. */
  finished = false
  private depth = 0
  private started = false
  private inString = false
  private escaped = false
  /** Text of the string being read at depth 1 (a key, or a value that is ignored). */
  private keyParts: Buffer[] | undefined
  private lastString = ''
  /** Set after `"key":` until its value starts. */
  private pendingKey: string | undefined
  /** The wanted key whose array is being read. */
  private arrayKey: string | undefined
  private inElement = false
  private elementParts: Buffer[] = []

  constructor (private readonly wanted: ReadonlySet<string>, private readonly capture: boolean) {}

  push (chunk: Buffer, emit: Emit): void {
    // The hot state lives in locals for the loop's sake and is saved back at the end.
    let depth = this.depth
    let inString = this.inString
    let escaped = this.escaped
    let start = this.inElement ? 0 : -1
    let keyStart = this.keyParts !== undefined ? 0 : -1
    const n = chunk.length
    for (let i = 0; i < n; i++) {
      const c = chunk[i] as number
      if (inString) {
        if (escaped) {
          escaped = false
        } else if (c === BACKSLASH) {
          escaped = true
        } else if (c === QUOTE) {
          inString = false
          if (this.keyParts !== undefined) {
            this.keyParts.push(chunk.subarray(keyStart, i))
            this.lastString = JSON.parse(`"${Buffer.concat(this.keyParts).toString('utf8')}"`) as string
            this.keyParts = undefined
          }
        }
      } else if (depth > 2) {
        // Inside an element (or a skipped value): only nesting and strings matter here.
        if (c === QUOTE) inString = true
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++
        else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--
      } else if (isSpace(c)) {
        continue
      } else if (depth === 0) {
        if (this.started) throw new DatasetFormatError('unexpected content after the top-level object')
        if (c !== OPEN_OBJECT) throw new DatasetFormatError('expected a JSON object {"users": [...], "events": [...], "coupons": [...]}')
        this.started = true
        depth = 1
      } else if (depth === 1) {
        const key = this.pendingKey
        this.pendingKey = undefined
        if (key === undefined) {
          // Between members: a key, the colon after it, a comma, or the object's end.
          if (c === QUOTE) {
            inString = true
            this.keyParts = []
            keyStart = i + 1
          } else if (c === COLON) {
            this.pendingKey = this.lastString
          } else if (c === CLOSE_OBJECT) {
            depth = 0
          }
        } else if (this.wanted.has(key)) {
          if (c !== OPEN_ARRAY) throw new DatasetFormatError(`"${key}" must be an array of records`)
          this.found.add(key)
          this.arrayKey = key
          depth = 2
        } else if (c === QUOTE) {
          inString = true
        } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
          depth++
        }
      } else if (this.arrayKey !== undefined) {
        // At the level of a wanted array's elements: commas and the closing bracket end an element.
        if (c === COMMA || c === CLOSE_ARRAY) {
          if (this.inElement) {
            if (this.capture) {
              this.elementParts.push(chunk.subarray(start, i))
              emit(this.arrayKey, Buffer.concat(this.elementParts).toString('utf8').trim())
              this.elementParts = []
            } else {
              emit(this.arrayKey, '')
            }
            this.inElement = false
          } else if (c === COMMA) {
            throw new DatasetFormatError(`an empty element in "${this.arrayKey}"`)
          }
          if (c === CLOSE_ARRAY) {
            this.arrayKey = undefined
            depth = 1
            this.finished = this.found.size === this.wanted.size
          }
          continue
        }
        if (!this.inElement) {
          this.inElement = true
          start = i
        }
        if (c === QUOTE) inString = true
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++
      } else {
        // Depth 2 of a value that is not wanted.
        if (c === QUOTE) inString = true
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++
        else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--
      }
    }
    this.depth = depth
    this.inString = inString
    this.escaped = escaped
    // What is still open continues in the next chunk.
    if (this.inElement && this.capture) this.elementParts.push(chunk.subarray(start))
    if (this.keyParts !== undefined) this.keyParts.push(chunk.subarray(keyStart))
  }

  end (): void {
    if (!this.started) throw new DatasetFormatError('the file is empty')
    if (this.depth !== 0 || this.inString) throw new DatasetFormatError('the file ends before its top-level object does')
  }
}

const READ_CHUNK = 1 << 20

/** One entity's records from a dataset file, as their JSON text, streamed. */
export async function * datasetFileRecords (file: string, entity: EntityName): AsyncGenerator<string> {
  const scanner = new ArrayElementScanner(new Set([entity]), true)
  const batch: string[] = []
  const emit: Emit = (_key, text) => { batch.push(text) }
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) {
    scanner.push(chunk as Buffer, emit)
    yield * batch
    batch.length = 0
    // The counting pass has checked the rest of the file already; leaving the loop closes the stream.
    if (scanner.finished) return
  }
  scanner.end()
}

/** Records per entity in a dataset file, in one streaming pass that also checks the file's structure. */
export async function countDatasetFile (file: string): Promise<Record<EntityName, number | undefined>> {
  const counts: Record<EntityName, number | undefined> = { users: undefined, events: undefined, coupons: undefined }
  const scanner = new ArrayElementScanner(new Set(ENTITIES), false)
  const emit: Emit = (key) => { counts[key as EntityName] = (counts[key as EntityName] ?? 0) + 1 }
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) scanner.push(chunk as Buffer, emit)
  scanner.end()
  for (const key of scanner.found) counts[key as EntityName] ??= 0
  return counts
}

interface Source {
  counts (): Promise<Record<EntityName, number | undefined>>
  records (entity: EntityName): AsyncIterable<string> | Iterable<string>
}

function fileSource (file: string): Source {
  return { counts: () => countDatasetFile(file), records: (entity) => datasetFileRecords(file, entity) }
}

function memorySource (dataset: DatasetRecords): Source {
  return {
    counts: async () => ({ users: dataset.users?.length, events: dataset.events?.length, coupons: dataset.coupons?.length }),
    // Serialised one at a time as workers ask, so a large in-memory dataset is not held twice.
    records: function * (entity) {
      for (const record of dataset[entity] ?? []) yield JSON.stringify(record)
    }
  }
}

/** Groups of up to `size` records; workers share one of these, and an async generator serves them in turn. */
async function * batches (records: AsyncIterable<string> | Iterable<string>, size: number): AsyncGenerator<string[]> {
  let batch: string[] = []
  for await (const record of records) {
    batch.push(record)
    if (batch.length === size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

// ---------------------------------------------------------------------------------------------------------
// Sending.

type Answer = { status: number, text: string } | { error: string }

interface Context {
  pool: Pool
  basePath: string
  headers: Record<string, string>
  retries: number
  retryDelayMs: number
  maxFailures: number
  failures: number
  /** Retries per entity; the entity being uploaded is the only one with requests in flight. */
  retried: number
  aborted?: string
}

function retryDelay (ctx: Context, attempt: number, retryAfter: string | string[] | undefined): number {
  const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_DELAY_MS)
  // Jitter spreads the retries of concurrent requests that failed together.
  return Math.min(ctx.retryDelayMs * 2 ** attempt * (0.5 + Math.random()), MAX_RETRY_DELAY_MS)
}

/**
 * POST with retries for what may pass (network errors, 429, 502-504). Replaying a write is safe because records
 * carry ids and the API treats the same id and content as a harmless replay; a record without an id could be
 * stored twice if an answer is lost after the server stored it.
 */
async function post (ctx: Context, path: string, body: string, needBody: boolean): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await ctx.pool.request({ method: 'POST', path: ctx.basePath + path, headers: ctx.headers, body })
      if (RETRYABLE.has(response.statusCode) && attempt < ctx.retries) {
        await response.body.dump()
        ctx.retried++
        await sleep(retryDelay(ctx, attempt, response.headers['retry-after']))
        continue
      }
      if (!needBody && response.statusCode < 300) {
        await response.body.dump()
        return { status: response.statusCode, text: '' }
      }
      return { status: response.statusCode, text: await response.body.text() }
    } catch (error) {
      const reason = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error)
      if (attempt >= ctx.retries) return { error: reason }
      ctx.retried++
      await sleep(retryDelay(ctx, attempt, undefined))
    }
  }
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function detailOf (text: string): string {
  const body = parseJson(text) as { detail?: unknown } | undefined
  return typeof body?.detail === 'string' ? body.detail : text.slice(0, 200)
}

/** The record's id as the client gave it (`id` or the seed's `<entity>_id`), for the refusal report. */
function recordId (entity: EntityName, text: string): number | string | undefined {
  const record = parseJson(text) as Record<string, unknown> | undefined
  const id = record?.id ?? record?.[`${entity.slice(0, -1)}_id`]
  if (typeof id === 'number') return id
  if (typeof id === 'string') return /^\d{1,15}$/.test(id) ? Number(id) : id
  return undefined
}

class Tally {
  sent = 0
  stored = 0
  refused = 0
  failed = 0
  readonly refusals = new Map<number, Refusals>()
  readonly failures: string[] = []

  constructor (readonly entity: EntityName, private readonly ctx: Context) {}

  refuse (status: number, record: string, detail: string): void {
    this.refused++
    let group = this.refusals.get(status)
    if (group === undefined) this.refusals.set(status, group = { status, count: 0, examples: [] })
    group.count++
    if (group.examples.length < EXAMPLES_KEPT) group.examples.push({ id: recordId(this.entity, record), detail })
  }

  fail (record: string, reason: string): void {
    this.failed++
    const id = recordId(this.entity, record)
    if (this.failures.length < FAILURES_KEPT) this.failures.push(`${id === undefined ? 'record' : `${this.entity.slice(0, -1)} ${id}`}: ${reason}`)
    if (++this.ctx.failures >= this.ctx.maxFailures) this.ctx.aborted ??= `stopped after ${this.ctx.failures} failed records (is the server up?)`
  }

  /** One record's answer, whether it came alone or inside a bulk response. */
  answer (record: string, status: number, detail: () => string): void {
    if (status >= 200 && status < 300) this.stored++
    else if (status >= 400 && status < 500) this.refuse(status, record, detail())
    else this.fail(record, `${status} ${detail()}`)
  }
}

async function sendOne (ctx: Context, tally: Tally, record: string): Promise<void> {
  const answer = await post(ctx, `/${tally.entity}`, record, false)
  if ('error' in answer) tally.fail(record, answer.error)
  else tally.answer(record, answer.status, () => detailOf(answer.text))
}

interface BulkAnswer { results?: Array<{ status?: unknown, body?: { detail?: unknown } }> }

async function sendBulk (ctx: Context, tally: Tally, records: string[]): Promise<void> {
  const answer = await post(ctx, `/${tally.entity}/bulk`, `[${records.join(',')}]`, true)
  if ('error' in answer) {
    for (const record of records) tally.fail(record, answer.error)
    return
  }
  if (answer.status < 200 || answer.status >= 300) {
    // The request as a whole was refused or failed (too large, no key...): that is every record's answer.
    for (const record of records) tally.answer(record, answer.status, () => detailOf(answer.text))
    return
  }
  const results = (parseJson(answer.text) as BulkAnswer | undefined)?.results
  if (!Array.isArray(results) || results.length !== records.length) {
    for (const record of records) tally.fail(record, `unexpected bulk answer: ${answer.text.slice(0, 200)}`)
    return
  }
  records.forEach((record, i) => {
    const { status, body } = results[i] ?? {}
    tally.answer(record, typeof status === 'number' ? status : 0, () => typeof body?.detail === 'string' ? body.detail : JSON.stringify(body))
  })
}

// ---------------------------------------------------------------------------------------------------------
// Progress.

interface Progress { advance (done: number): void, stop (): void }

function progressBar (entity: EntityName, total: number): Progress {
  const tty = process.stderr.isTTY
  const label = entity.padEnd(7)
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    // A terminal gets a redrawn bar; a log file or pipe gets a plain line every two seconds.
    format: tty
      ? `${label} [{bar}] {percentage}% | {value}/{total} | {rate} records/s | ETA {eta_formatted}`
      : `${label} {value}/{total} ({percentage}%) {rate} records/s`,
    noTTYOutput: true,
    // In a log the last periodic line already ends the entity; a terminal keeps the finished bar.
    clearOnComplete: !tty,
    notTTYSchedule: 2000,
    hideCursor: tty,
    barsize: 30,
    etaBuffer: 500
  }, cliProgress.Presets.shades_classic)
  const started = performance.now()
  bar.start(total, 0, { rate: 0 })
  return {
    advance (done) {
      bar.update(done, { rate: Math.round(done / Math.max((performance.now() - started) / 1000, 1e-3)) })
    },
    stop () {
      bar.stop()
    }
  }
}

// ---------------------------------------------------------------------------------------------------------

function checkOptions (options: UploadOptions) {
  const target = options.target ?? 'api'
  if (target !== 'api' && target !== 'gateway') throw new RangeError(`target must be api or gateway (got ${String(target)})`)
  if ((options.file === undefined) === (options.dataset === undefined)) throw new TypeError('give either a file or a dataset')
  const url = new URL(options.url ?? DEFAULT_URLS[target])
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`url must be http(s) (got ${url.href})`)
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) throw new RangeError(`concurrency must be 1 to 1024 (got ${concurrency})`)
  const bulk = options.bulk
  if (bulk !== undefined) {
    if (target !== 'api') throw new RangeError('bulk mode posts to the API\'s /<entity>/bulk routes; the gateway takes one record per request')
    if (!Number.isInteger(bulk) || bulk < 1 || bulk > MAX_BULK) throw new RangeError(`bulk must be 1 to ${MAX_BULK} records (got ${bulk})`)
  }
  const retries = options.retries ?? 4
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`retries must be a non-negative integer (got ${retries})`)
  const unknown = (options.entities ?? []).filter((e) => !ENTITIES.includes(e))
  if (unknown.length > 0) throw new RangeError(`unknown entities: ${unknown.join(', ')} (expected ${ENTITIES.join(', ')})`)
  const entities = ENTITIES.filter((e) => options.entities?.includes(e) ?? true)
  return { target, url, concurrency, bulk, retries, entities }
}

const rate = (count: number, seconds: number): number => seconds > 0 ? Math.round(count / seconds) : 0

/** Upload a dataset entity by entity; resolves with the summary (it throws only for bad options or a bad file). */
export async function uploadDataset (options: UploadOptions): Promise<UploadSummary> {
  const { target, url, concurrency, bulk, retries, entities } = checkOptions(options)
  const source = options.file !== undefined ? fileSource(options.file) : memorySource(options.dataset as DatasetRecords)
  // Counting first checks the whole file's structure before anything is sent, and sizes the progress bars.
  const counts = await source.counts()
  if (entities.every((entity) => counts[entity] === undefined)) {
    throw new DatasetFormatError(`the dataset has none of ${entities.join(', ')}`)
  }

  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.apiKey !== undefined && options.apiKey !== '') headers['x-api-key'] = options.apiKey
  const ctx: Context = {
    // pipelining 1: one request per connection at a time, so a slow answer never holds up others behind it.
    pool: new Pool(url.origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 120_000, bodyTimeout: 120_000 }),
    basePath: url.pathname.replace(/\/+$/, ''),
    headers,
    retries,
    retryDelayMs: options.retryDelayMs ?? 200,
    maxFailures: options.maxFailures ?? 100,
    failures: 0,
    retried: 0
  }

  const summaries: EntitySummary[] = []
  const started = performance.now()
  try {
    for (const entity of entities) {
      if (ctx.aborted !== undefined) break
      summaries.push(await uploadEntity(ctx, source, entity, counts[entity] ?? 0, concurrency, bulk, options.progress === true))
    }
  } finally {
    await ctx.pool.close()
  }

  const elapsedSeconds = (performance.now() - started) / 1000
  const sum = (key: 'sent' | 'stored' | 'refused' | 'failed'): number => summaries.reduce((n, s) => n + s[key], 0)
  const summary: UploadSummary = {
    target,
    url: url.href,
    concurrency,
    ...(bulk !== undefined && { bulk }),
    entities: summaries,
    sent: sum('sent'),
    stored: sum('stored'),
    refused: sum('refused'),
    failed: sum('failed'),
    elapsedSeconds,
    recordsPerSecond: rate(sum('sent'), elapsedSeconds),
    ...(ctx.aborted !== undefined && { aborted: ctx.aborted }),
    ok: false
  }
  summary.ok = summary.failed === 0 && ctx.aborted === undefined
  return summary
}

async function uploadEntity (
  ctx: Context, source: Source, entity: EntityName, total: number, concurrency: number, bulk: number | undefined, showProgress: boolean
): Promise<EntitySummary> {
  const tally = new Tally(entity, ctx)
  ctx.retried = 0
  const progress = showProgress ? progressBar(entity, total) : undefined
  const work = batches(source.records(entity), bulk ?? 1)
  const started = performance.now()

  const worker = async (): Promise<void> => {
    while (ctx.aborted === undefined) {
      const next = await work.next()
      if (next.done === true) return
      tally.sent += next.value.length
      if (bulk === undefined) await sendOne(ctx, tally, next.value[0] as string)
      else await sendBulk(ctx, tally, next.value)
      progress?.advance(tally.stored + tally.refused + tally.failed)
    }
  }
  // allSettled: when reading fails, the other workers' requests in flight still finish before the pool closes.
  const outcomes = await Promise.allSettled(Array.from({ length: concurrency }, worker))
  progress?.stop()
  const failure = outcomes.find((o) => o.status === 'rejected')
  if (failure !== undefined) throw failure.reason

  const elapsedSeconds = (performance.now() - started) / 1000
  return {
    entity,
    total,
    sent: tally.sent,
    stored: tally.stored,
    refused: tally.refused,
    refusals: [...tally.refusals.values()].sort((a, b) => a.status - b.status),
    failed: tally.failed,
    failures: tally.failures,
    retried: ctx.retried,
    elapsedSeconds,
    recordsPerSecond: rate(tally.sent, elapsedSeconds)
  }
}

/** The summary as a few human-readable lines. */
export function formatSummary (summary: UploadSummary): string {
  const storedWord = summary.target === 'gateway' ? 'accepted' : 'stored'
  const mode = summary.bulk !== undefined ? `bulk ${summary.bulk}` : 'one record per request'
  const lines = [`${summary.target} ${summary.url} (concurrency ${summary.concurrency}, ${mode})`]
  for (const s of summary.entities) {
    lines.push(`${s.entity.padEnd(7)} ${String(s.sent).padStart(9)} sent ${String(s.stored).padStart(9)} ${storedWord} ` +
      `${String(s.refused).padStart(6)} refused ${String(s.failed).padStart(6)} failed ` +
      `${s.elapsedSeconds.toFixed(2).padStart(8)} s ${String(s.recordsPerSecond).padStart(8)} records/s`)
    for (const r of s.refusals) {
      lines.push(`  ${r.status} x${r.count}`)
      for (const e of r.examples) lines.push(`    ${e.id === undefined ? 'record' : `${s.entity.slice(0, -1)} ${e.id}`}: ${e.detail}`)
    }
    for (const f of s.failures) lines.push(`  failed: ${f}`)
    if (s.retried > 0) lines.push(`  ${s.retried} requests retried (network errors, 429, 502-504)`)
  }
  lines.push(`total   ${String(summary.sent).padStart(9)} sent ${String(summary.stored).padStart(9)} ${storedWord} ` +
    `${String(summary.refused).padStart(6)} refused ${String(summary.failed).padStart(6)} failed ` +
    `${summary.elapsedSeconds.toFixed(2).padStart(8)} s ${String(summary.recordsPerSecond).padStart(8)} records/s`)
  if (summary.aborted !== undefined) lines.push(`aborted: ${summary.aborted}`)
  return lines.join('\n')
}
