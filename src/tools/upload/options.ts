// The uploader's options: what a caller may set, the defaults of what it leaves out, and the checks that turn
// a bad option into one sentence before anything is read or sent.
import { loadConfig } from '../../config/config.ts'
import type { EntityName } from '../../domain/entities.ts'
import { MAX_BULK_RECORDS } from '../../domain/schemas.ts'
import { ENTITIES } from '../../kafka/topics.ts'
import type { DatasetRecords } from './sources.ts'

export type UploadTarget = 'api' | 'gateway'

// The services' own default ports, so the uploader reaches a stack started without configuration.
const serviceDefaults = loadConfig({})
const DEFAULT_URLS: Readonly<Record<UploadTarget, string>> = {
  api: `http://127.0.0.1:${serviceDefaults.apiPort}`,
  gateway: `http://127.0.0.1:${serviceDefaults.gatewayPort}`
}
export const DEFAULT_CONCURRENCY = 16

/** Retries, backoff, failure budget and connection timeouts, in one place. */
export const UPLOAD_DEFAULTS = Object.freeze({
  retries: 4,
  retryDelayMs: 200,
  /** Cap of a retry's delay, whether doubled or asked for in Retry-After. */
  maxRetryDelayMs: 30_000,
  maxFailures: 100,
  keepAliveTimeoutMs: 30_000,
  // A bulk request of thousands of records may take a while to answer on a busy server.
  headersTimeoutMs: 120_000,
  bodyTimeoutMs: 120_000
})

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

/** The options checked, with every default filled in. */
export interface CheckedOptions {
  target: UploadTarget
  url: URL
  concurrency: number
  bulk: number | undefined
  retries: number
  retryDelayMs: number
  maxFailures: number
  entities: EntityName[]
}

/** Throws a RangeError or TypeError naming the first bad option. */
export function checkOptions (options: UploadOptions): CheckedOptions {
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
    if (!Number.isInteger(bulk) || bulk < 1 || bulk > MAX_BULK_RECORDS) throw new RangeError(`bulk must be 1 to ${MAX_BULK_RECORDS} records (got ${bulk})`)
  }
  const retries = options.retries ?? UPLOAD_DEFAULTS.retries
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`retries must be a non-negative integer (got ${retries})`)
  const unknown = (options.entities ?? []).filter((e) => !ENTITIES.includes(e))
  if (unknown.length > 0) throw new RangeError(`unknown entities: ${unknown.join(', ')} (expected ${ENTITIES.join(', ')})`)
  const entities = ENTITIES.filter((e) => options.entities?.includes(e) ?? true)
  return {
    target,
    url,
    concurrency,
    bulk,
    retries,
    retryDelayMs: options.retryDelayMs ?? UPLOAD_DEFAULTS.retryDelayMs,
    maxFailures: options.maxFailures ?? UPLOAD_DEFAULTS.maxFailures,
    entities
  }
}
