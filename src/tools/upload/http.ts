// Talking to the API or the gateway: one keep-alive pool, POSTs retried while a failure may pass, and the
// answers of the single and bulk routes turned into one outcome per record.
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import type { EntityName } from '../../domain/entities.ts'
import { API_KEY_HEADER } from '../../http/auth.ts'
import { UPLOAD_DEFAULTS, type CheckedOptions } from './options.ts'

const RETRYABLE = new Set([429, 502, 503, 504])

export interface Client {
  pool: Pool
  basePath: string
  headers: Record<string, string>
  retries: number
  retryDelayMs: number
}

/** Where each record's outcome goes: the accounting in summary.ts. */
export interface RecordOutcomes {
  readonly entity: EntityName
  /** Requests sent again after a network error, 429 or 502-504. */
  retried: number
  /** The server's answer to the record, whether it came alone or inside a bulk response. */
  answer (record: string, status: number, detail: () => string): void
  /** No answer after every retry, or none that can be read. */
  fail (record: string, reason: string): void
}

type Answer = { status: number, text: string } | { error: string }

type ClientOptions = Pick<CheckedOptions, 'url' | 'concurrency' | 'retries' | 'retryDelayMs'>

export function openClient ({ url, concurrency, retries, retryDelayMs }: ClientOptions, apiKey: string | undefined): Client {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (apiKey !== undefined && apiKey !== '') headers[API_KEY_HEADER] = apiKey
  return {
    // pipelining 1: one request per connection at a time, so a slow answer never holds up others behind it.
    pool: new Pool(url.origin, {
      connections: concurrency,
      pipelining: 1,
      keepAliveTimeout: UPLOAD_DEFAULTS.keepAliveTimeoutMs,
      headersTimeout: UPLOAD_DEFAULTS.headersTimeoutMs,
      bodyTimeout: UPLOAD_DEFAULTS.bodyTimeoutMs
    }),
    basePath: url.pathname.replace(/\/+$/, ''),
    headers,
    retries,
    retryDelayMs
  }
}

function retryDelay (client: Client, attempt: number, retryAfter: string | string[] | undefined): number {
  const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, UPLOAD_DEFAULTS.maxRetryDelayMs)
  // Jitter spreads the retries of concurrent requests that failed together.
  return Math.min(client.retryDelayMs * 2 ** attempt * (0.5 + Math.random()), UPLOAD_DEFAULTS.maxRetryDelayMs)
}

/**
 * POST with retries for what may pass (network errors, 429, 502-504). Replaying a write is safe because records
 * carry ids and the API treats the same id and content as a harmless replay; a record without an id could be
 * stored twice if an answer is lost after the server stored it.
 */
async function post (client: Client, outcomes: RecordOutcomes, path: string, body: string, needBody: boolean): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await client.pool.request({ method: 'POST', path: client.basePath + path, headers: client.headers, body })
      if (RETRYABLE.has(response.statusCode) && attempt < client.retries) {
        await response.body.dump()
        outcomes.retried++
        await sleep(retryDelay(client, attempt, response.headers['retry-after']))
        continue
      }
      if (!needBody && response.statusCode < 300) {
        await response.body.dump()
        return { status: response.statusCode, text: '' }
      }
      return { status: response.statusCode, text: await response.body.text() }
    } catch (error) {
      const reason = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error)
      if (attempt >= client.retries) return { error: reason }
      outcomes.retried++
      await sleep(retryDelay(client, attempt, undefined))
    }
  }
}

/** Answers and records are text from elsewhere: what does not parse is undefined rather than an error. */
export function parseJson (text: string): unknown {
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

export async function sendOne (client: Client, outcomes: RecordOutcomes, record: string): Promise<void> {
  const answer = await post(client, outcomes, `/${outcomes.entity}`, record, false)
  if ('error' in answer) outcomes.fail(record, answer.error)
  else outcomes.answer(record, answer.status, () => detailOf(answer.text))
}

interface BulkAnswer { results?: Array<{ status?: unknown, body?: { detail?: unknown } }> }

export async function sendBulk (client: Client, outcomes: RecordOutcomes, records: string[]): Promise<void> {
  const answer = await post(client, outcomes, `/${outcomes.entity}/bulk`, `[${records.join(',')}]`, true)
  if ('error' in answer) {
    for (const record of records) outcomes.fail(record, answer.error)
    return
  }
  if (answer.status < 200 || answer.status >= 300) {
    // The request as a whole was refused or failed (too large, no key...): that is every record's answer.
    for (const record of records) outcomes.answer(record, answer.status, () => detailOf(answer.text))
    return
  }
  const results = (parseJson(answer.text) as BulkAnswer | undefined)?.results
  if (!Array.isArray(results) || results.length !== records.length) {
    for (const record of records) outcomes.fail(record, `unexpected bulk answer: ${answer.text.slice(0, 200)}`)
    return
  }
  records.forEach((record, i) => {
    const { status, body } = results[i] ?? {}
    outcomes.answer(record, typeof status === 'number' ? status : 0, () => typeof body?.detail === 'string' ? body.detail : JSON.stringify(body))
  })
}
