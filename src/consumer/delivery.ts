// Delivers records to the API's bulk endpoints over pooled keep-alive HTTP, spread over the API instances
// of API_URL, and classifies each answer: stored, retry later (its user or events are not stored yet), or
// refused for good.
import { Pool } from 'undici'
import { CodedError, ErrorCodes, RETRY_LATER_CODES } from '../domain/errors.ts'
import type { EntityName } from '../domain/entities.ts'
import { API_KEY_HEADER } from '../http/auth.ts'
import { createApiInstances, type InstanceReport } from './api-instances.ts'
import { CONSUMER_DEFAULTS } from './defaults.ts'

export type Outcome =
  | { kind: 'stored' }
  | { kind: 'retry-later', status: number, code: string, reason: string }
  | { kind: 'refused', status: number, code: string, reason: string }

/** The API cannot answer (down, 5xx, misconfigured key): the batch must be tried again, never dropped. */
export class ApiUnavailableError extends CodedError {
  override name = 'ApiUnavailableError'
  constructor (message: string) {
    super(ErrorCodes.apiUnavailable, message, true)
  }
}

/** Where a record goes: its entity's bulk endpoint, or the responsible-gambling one. */
export type DeliveryTarget = EntityName | 'responsible-gambling'

// Changes that came through Kafka are recorded in the audit history with the source `gateway`.
const BULK_PATHS: Record<DeliveryTarget, string> = {
  // A stored record's result carries its id only: the consumer reads statuses and refusals, not records.
  users: '/users/bulk?answer=id',
  events: '/events/bulk?answer=id',
  coupons: '/coupons/bulk?answer=id',
  'responsible-gambling': '/responsible-gambling/bulk?source=gateway'
}

export interface ApiClient {
  /** Delivers to one API instance that answers; rejects with ApiUnavailableError when none did. */
  deliver (target: DeliveryTarget, records: unknown[]): Promise<Outcome[]>
  /** Each API instance as the deliveries found it (the consumer's /status). */
  instances (): InstanceReport[]
  close (): Promise<void>
}

/** An instance's answer to one delivery: `changed` when it was down and answered, or was up and did not. */
export type InstanceAttempt = { url: string, changed: boolean } & ({ ok: true } | { ok: false, reason: string })

export interface ApiClientOptions {
  apiKey: string
  /** How long an instance that did not answer is skipped. */
  coolDownMs: number
  /** Told of every instance's answer (metrics, logs). */
  onAttempt?: (attempt: InstanceAttempt) => void
}

interface BulkAnswer { results: Array<{ status: number, body: { detail?: string, code?: string } }> }

/**
 * One client over the API instances of API_URL. Each delivery goes to the next instance that answers
 * (api-instances.ts picks it); one that is down, answers 5xx or refuses the key is skipped and the same
 * records go to the next. Sending a batch again elsewhere is safe: the bulk endpoints are idempotent by id,
 * so records an instance stored before failing are stored once, and their second answer is "stored".
 */
export function createApiClient (apiUrls: readonly string[], options: ApiClientOptions): ApiClient {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.apiKey !== '') headers[API_KEY_HEADER] = options.apiKey
  const pools = new Map(apiUrls.map((url) => [url, instanceClient(url, headers)]))
  const picker = createApiInstances(apiUrls, options.coolDownMs)

  return {
    async deliver (target, records) {
      const body = JSON.stringify(records)
      const tried = new Set<string>()
      const failures: string[] = []
      for (let url = picker.pick(Date.now(), tried); url !== undefined; url = picker.pick(Date.now(), tried)) {
        tried.add(url)
        let outcomes: Outcome[]
        try {
          outcomes = await (pools.get(url) as InstanceClient).deliver(target, body, records.length)
        } catch (error) {
          if ((error as { code?: unknown } | null | undefined)?.code !== ErrorCodes.apiUnavailable) {
            picker.released(url)
            throw error
          }
          const reason = (error as Error).message
          const changed = picker.failed(url, reason, Date.now())
          options.onAttempt?.({ url, ok: false, reason, changed })
          failures.push(reason)
          continue
        }
        const changed = picker.succeeded(url)
        options.onAttempt?.({ url, ok: true, changed })
        return outcomes
      }
      // With one instance, the same sentence as its own failure.
      throw new ApiUnavailableError(failures.length === 1 ? failures[0] as string : `no API instance answered: ${failures.join('; ')}`)
    },
    instances: () => picker.report(),
    async close () {
      await Promise.all([...pools.values()].map(async (pool) => pool.close()))
    }
  }
}

interface InstanceClient {
  deliver (target: DeliveryTarget, body: string, count: number): Promise<Outcome[]>
  close (): Promise<void>
}

/** Bulk deliveries to one API instance over its own keep-alive pool. */
function instanceClient (apiUrl: string, headers: Record<string, string>): InstanceClient {
  const pool = new Pool(apiUrl, {
    connections: CONSUMER_DEFAULTS.apiConnections,
    keepAliveTimeout: CONSUMER_DEFAULTS.apiKeepAliveMs,
    headersTimeout: CONSUMER_DEFAULTS.apiHeadersTimeoutMs,
    bodyTimeout: CONSUMER_DEFAULTS.apiBodyTimeoutMs
  })
  return {
    async deliver (target, body, count) {
      let answer
      try {
        answer = await pool.request({ method: 'POST', path: BULK_PATHS[target], headers, body })
      } catch (error) {
        throw new ApiUnavailableError(`API unreachable at ${apiUrl}: ${(error as Error).message}`)
      }
      const text = await answer.body.text()
      if (answer.statusCode !== 200) {
        throw new ApiUnavailableError(`API at ${apiUrl} answered ${answer.statusCode} to a bulk delivery: ${text.slice(0, 300)}`)
      }
      const { results } = JSON.parse(text) as BulkAnswer
      if (results.length !== count) throw new ApiUnavailableError(`API at ${apiUrl} answered ${results.length} results for ${count} records`)
      return results.map(classify)
    },
    async close () {
      await pool.close()
    }
  }
}

export function classify ({ status, body }: { status: number, body: { detail?: string, code?: string } }): Outcome {
  if (status >= 200 && status < 300) return { kind: 'stored' }
  const code = body.code ?? 'UNKNOWN'
  const reason = body.detail ?? `status ${status}`
  if (RETRY_LATER_CODES.has(code)) return { kind: 'retry-later', status, code, reason }
  if (status >= 400 && status < 500) return { kind: 'refused', status, code, reason }
  throw new ApiUnavailableError(`API answered ${status} for a record: ${reason}`)
}
