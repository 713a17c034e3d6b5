// Whether the gateway and the consumers are up, as the dashboard shows them: each one's GET /ready, and a
// consumer's GET /status for its lag and dead letters. All are asked in parallel with a short timeout, so
// a service that hangs costs the overview at most that long, and any failure becomes a `down` with why.
import { Ajv } from 'ajv'
import { request } from 'undici'
import { API_KEY_HEADER } from '../http/auth.ts'
import { ConsumerStatusBody, type ConsumerState, type DashboardOverview, type ServiceState } from './schema.ts'

/** Longest the overview waits for one answer: the page polls every 2 s and must not fall behind. */
export const PROBE_TIMEOUT_MS = 1500

export interface ServiceLocations {
  gatewayUrl: string
  consumerUrls: readonly string[]
  /** Sent as X-API-Key, so a consumer whose reads are protected still answers its /status. */
  apiKey: string
}

interface JsonAnswer { status: number, body: unknown }

const isConsumerStatus = new Ajv({ strict: false }).compile<ConsumerStatusBody>(ConsumerStatusBody)

const messageOf = (error: unknown): string => error instanceof Error ? error.message : String(error)

/** `base` + `path`, keeping a path prefix in the base (a service behind a proxy at /gateway). */
const endpoint = (base: string, path: string): string => `${base.replace(/\/+$/, '')}${path}`

function shapeError (): string {
  const first = isConsumerStatus.errors?.[0]
  return first === undefined ? 'unknown shape' : `${first.instancePath === '' ? 'body' : first.instancePath} ${first.message ?? 'is invalid'}`
}

async function getJson (url: string, apiKey: string): Promise<JsonAnswer> {
  // One deadline for the whole answer: a service that sends its headers and then stalls is as hung as one
  // that never answers.
  const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS)
  let status: number
  let text: string
  try {
    const answer = await request(url, { signal, headers: apiKey === '' ? {} : { [API_KEY_HEADER]: apiKey } })
    status = answer.statusCode
    text = await answer.body.text()
  } catch (error) {
    throw new Error(signal.aborted ? `no answer within ${PROBE_TIMEOUT_MS} ms` : messageOf(error))
  }
  try {
    return { status, body: JSON.parse(text) }
  } catch {
    throw new Error(`answered ${status} with a body that is not JSON`)
  }
}

/** up on 200 `{status: 'ready'}`; otherwise down, with the service's own detail when it gave one. */
async function readiness (answer: Promise<JsonAnswer>): Promise<Omit<ServiceState, 'url'>> {
  let status: number
  let body: unknown
  try {
    ({ status, body } = await answer)
  } catch (error) {
    return { status: 'down', detail: messageOf(error) }
  }
  const fields = typeof body === 'object' && body !== null ? body as Record<string, unknown> : {}
  if (status === 200 && fields.status === 'ready') return { status: 'up' }
  return { status: 'down', detail: typeof fields.detail === 'string' ? fields.detail : `GET /ready answered ${status}` }
}

/** A consumer's GET /status body when it follows the contract, or why there is none. */
async function statusReport (answer: Promise<JsonAnswer>): Promise<{ body: ConsumerStatusBody } | { problem: string }> {
  let status: number
  let body: unknown
  try {
    ({ status, body } = await answer)
  } catch (error) {
    return { problem: messageOf(error) }
  }
  if (status !== 200) return { problem: `GET /status answered ${status}` }
  if (!isConsumerStatus(body)) return { problem: `GET /status answered a body the dashboard does not read (${shapeError()})` }
  return { body }
}

async function gatewayState (url: string, apiKey: string): Promise<ServiceState> {
  return { url, ...await readiness(getJson(endpoint(url, '/ready'), apiKey)) }
}

async function consumerState (url: string, apiKey: string): Promise<ConsumerState> {
  const [ready, report] = await Promise.all([
    readiness(getJson(endpoint(url, '/ready'), apiKey)),
    statusReport(getJson(endpoint(url, '/status'), apiKey))
  ])
  const state: ConsumerState = { url, ...ready }
  // A consumer that is not ready (its API unreachable, say) may still report its lag: show both.
  if ('body' in report) state.status_body = report.body
  else if (state.status === 'up') state.detail = `status unavailable: ${report.problem}`
  return state
}

export async function serviceStates (locations: ServiceLocations): Promise<DashboardOverview['services']> {
  const [gateway, consumers] = await Promise.all([
    gatewayState(locations.gatewayUrl, locations.apiKey),
    Promise.all(locations.consumerUrls.map((url) => consumerState(url, locations.apiKey)))
  ])
  return { api: { status: 'up' }, gateway, consumers }
}
