// Delivers records to the API's bulk endpoints over pooled keep-alive HTTP and classifies each answer:
// stored, retry later (its user or events are not stored yet), or refused for good.
import { Pool } from 'undici'
import { CodedError, ErrorCodes, RETRY_LATER_CODES } from '../domain/errors.ts'
import type { EntityName } from '../domain/entities.ts'
import { API_KEY_HEADER } from '../http/auth.ts'

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
  users: '/users/bulk',
  events: '/events/bulk',
  coupons: '/coupons/bulk',
  'responsible-gambling': '/responsible-gambling/bulk?source=gateway'
}

export interface ApiClient {
  deliver (target: DeliveryTarget, records: unknown[]): Promise<Outcome[]>
  close (): Promise<void>
}

interface BulkAnswer { results: Array<{ status: number, body: { detail?: string, code?: string } }> }

export function createApiClient (apiUrl: string, apiKey: string): ApiClient {
  const pool = new Pool(apiUrl, { connections: 8, keepAliveTimeout: 60_000, headersTimeout: 120_000, bodyTimeout: 120_000 })
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (apiKey !== '') headers[API_KEY_HEADER] = apiKey

  return {
    async deliver (target, records) {
      let answer
      try {
        answer = await pool.request({ method: 'POST', path: BULK_PATHS[target], headers, body: JSON.stringify(records) })
      } catch (error) {
        throw new ApiUnavailableError(`API unreachable at ${apiUrl}: ${(error as Error).message}`)
      }
      const text = await answer.body.text()
      if (answer.statusCode !== 200) {
        throw new ApiUnavailableError(`API answered ${answer.statusCode} to a bulk delivery: ${text.slice(0, 300)}`)
      }
      const { results } = JSON.parse(text) as BulkAnswer
      if (results.length !== records.length) throw new ApiUnavailableError(`API answered ${results.length} results for ${records.length} records`)
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
