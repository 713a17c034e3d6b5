// Load generator, run as its own process so it never shares a CPU budget with the runner: autocannon
// with one of a few request shapes, answering one JSON line with throughput and latency.
import autocannon, { type Request } from 'autocannon'
import { readSpec } from './lib/services.ts'

/** What to send; ids are drawn or counted here so every request can differ. */
export type Scenario =
  | { kind: 'static', method: 'GET' | 'POST', path: string, body?: unknown }
  /** GET /recommendation/{id} for a random stored user, with `query` (e.g. `algorithm=frequency`) when given. */
  | { kind: 'recommendation', firstUserId: number, users: number, query?: string }
  /** POST /recommendation/slip with one or two random events for a random user. */
  | { kind: 'slip', firstUserId: number, users: number, eventIds: number[] }
  /** POST /coupons (server-assigned id) for a random user on 1-3 random events. */
  | { kind: 'coupons', firstUserId: number, users: number, eventIds: number[] }
  /** POST /users to the gateway with ids counted from firstId; registration_date carries the send time (e2e latency). */
  | { kind: 'gateway-users', firstId: number }
  /** POST /users/batch to the gateway, `batch` users per request, ids counted from firstId. */
  | { kind: 'gateway-user-batch', firstId: number, batch: number }

export interface LoadSpec {
  url: string
  connections: number
  /** Seconds; or `amount` requests. */
  duration?: number
  amount?: number
  /** Requests per second across all connections; unset: as fast as the server answers. */
  rate?: number
  scenario: Scenario
  /** Seconds of unmeasured load first (JIT, caches, connections). */
  warmup?: number
  /** Measured runs, one after the other in this process (default 1); one result each. */
  runs?: number
}

export interface LoadOutput { warmup?: LoadResult, runs: LoadResult[] }

export interface LoadResult {
  /** Epoch ms just before the first request. */
  startedAt: number
  seconds: number
  ok: number
  non2xx: number
  errors: number
  /** 2xx answers per second. */
  rps: number
  p50: number
  p99: number
  max: number
}

const JSON_HEADERS = { 'content-type': 'application/json' }

function randomInt (from: number, count: number): number {
  return from + Math.floor(Math.random() * count)
}

function user (id: number) {
  return { id, birth_year: 1990, country: 'GR', currency: 'EUR', gender: 'F', registration_date: new Date().toISOString() }
}

function requestOf (scenario: Scenario): Request {
  switch (scenario.kind) {
    case 'static':
      return { method: scenario.method, path: scenario.path, headers: JSON_HEADERS, ...(scenario.body !== undefined && { body: JSON.stringify(scenario.body) }) }
    case 'recommendation':
      return { method: 'GET', setupRequest: (r) => ({ ...r, path: `/recommendation/${randomInt(scenario.firstUserId, scenario.users)}${scenario.query === undefined ? '' : `?${scenario.query}`}` }) }
    case 'slip':
      return {
        method: 'POST',
        path: '/recommendation/slip',
        headers: JSON_HEADERS,
        setupRequest: (r) => {
          const selections = Array.from({ length: randomInt(1, 2) }, () => ({ event_id: scenario.eventIds[randomInt(0, scenario.eventIds.length)] }))
          return { ...r, body: JSON.stringify({ user_id: randomInt(scenario.firstUserId, scenario.users), selections }) }
        }
      }
    case 'coupons':
      return {
        method: 'POST',
        path: '/coupons',
        headers: JSON_HEADERS,
        setupRequest: (r) => {
          const count = randomInt(1, 3)
          const selections = Array.from({ length: count }, () => ({
            event_id: scenario.eventIds[randomInt(0, scenario.eventIds.length)], odds: 1.5
          }))
          return { ...r, body: JSON.stringify({ user_id: randomInt(scenario.firstUserId, scenario.users), stake: 10, selections }) }
        }
      }
    case 'gateway-users': {
      let next = scenario.firstId
      return { method: 'POST', path: '/users', headers: JSON_HEADERS, setupRequest: (r) => ({ ...r, body: JSON.stringify(user(next++)) }) }
    }
    case 'gateway-user-batch': {
      let next = scenario.firstId
      return {
        method: 'POST',
        path: '/users/batch',
        headers: JSON_HEADERS,
        setupRequest: (r) => ({ ...r, body: JSON.stringify(Array.from({ length: scenario.batch }, () => user(next++))) })
      }
    }
  }
}

async function runLoad (spec: LoadSpec): Promise<LoadResult> {
  const startedAt = Date.now()
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.duration ?? 10 }),
    ...(spec.rate !== undefined && { overallRate: spec.rate }),
    timeout: 30,
    requests: [requestOf(spec.scenario)]
  })
  return {
    startedAt,
    seconds: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max
  }
}

// The spec comes on standard input (JSON); the results, one per run, are the one line of standard output.
// The runner imports only this file's types, so nothing runs unless it is the process's entry point.
const spec = await readSpec<LoadSpec>()
const warmup = spec.warmup === undefined ? undefined : await runLoad({ ...spec, amount: undefined, duration: spec.warmup })
const runs: LoadResult[] = []
for (let i = 0; i < (spec.runs ?? 1); i++) runs.push(await runLoad(spec))
process.stdout.write(`${JSON.stringify({ warmup, runs } satisfies LoadOutput)}\n`)
