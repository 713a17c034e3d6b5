// The page's one way to read the API: JSON GETs with the stored key, a timeout, and every failure turned
// into an error whose message is the sentence to show (the API's own `detail` when it gave one).
import { storedKey } from './api-key.ts'

/** A request the API did not answer within this is shown as the API being down. */
const REQUEST_TIMEOUT_MS = 5000

export class ApiError extends Error {
  override name = 'ApiError'
  constructor (readonly status: number, detail: string) {
    super(detail)
  }
}

/** 401: the API wants a key for reads (or refused the one sent). */
export class KeyRequired extends ApiError {
  override name = 'KeyRequired'
}

export async function getJson<T> (path: string): Promise<T> {
  const key = storedKey()
  let response: Response
  try {
    response = await fetch(path, {
      headers: key === undefined ? {} : { 'X-API-Key': key },
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
    })
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError'
    // No answer at all: the API process is down or unreachable.
    throw new Error(timedOut ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : 'no answer (is the API running?)')
  }
  const body: unknown = await response.json().catch(() => undefined)
  if (response.ok) return body as T
  const detail = typeof body === 'object' && body !== null && typeof (body as { detail?: unknown }).detail === 'string'
    ? (body as { detail: string }).detail
    : `HTTP ${response.status}`
  if (response.status === 401) throw new KeyRequired(response.status, detail)
  throw new ApiError(response.status, detail)
}
