// Valid request bodies to start from, a thin request wrapper over inject(), and table counts for API suites.
import type { Kysely } from 'kysely'
import type { Api } from '../../src/api/app.ts'
import type { Tables } from '../../src/storage/tables.ts'

export type Body = Record<string, unknown>

const HOUR_MS = 3_600_000

/** ISO-8601 (UTC, milliseconds) of `hours` from `base` (epoch ms). */
export function isoAt (base: number, hours = 0): string {
  return new Date(base + hours * HOUR_MS).toISOString()
}

export function userBody (overrides: Body = {}): Body {
  return { birth_year: 1990, country: 'GB', currency: 'EUR', gender: 'M', ...overrides }
}

/** An event that begins `beginHours` after `base` (epoch ms, default now) and lasts two hours. */
export function eventBody (overrides: Body = {}, base = Date.now(), beginHours = 24): Body {
  return {
    begin_timestamp: isoAt(base, beginHours),
    end_timestamp: isoAt(base, beginHours + 2),
    country: 'England',
    league: 'Premier League',
    sport: 'football',
    participants: ['Home FC', 'Away FC'],
    ...overrides
  }
}

export function couponBody (userId: number, eventIds: number[], overrides: Body = {}): Body {
  return { user_id: userId, stake: 10, selections: eventIds.map((id) => ({ event_id: id, odds: 1.5 })), ...overrides }
}

export interface Answer { status: number, body: any, headers: Record<string, unknown> }

export interface Client {
  get (url: string, headers?: Record<string, string>): Promise<Answer>
  /** POST `payload` as JSON (any JSON value). */
  post (url: string, payload?: unknown, headers?: Record<string, string>): Promise<Answer>
  /** PUT `payload` as JSON. */
  put (url: string, payload: unknown, headers?: Record<string, string>): Promise<Answer>
  /** POST raw text (or bytes) with the given content type. */
  raw (url: string, payload: string | Buffer, contentType?: string): Promise<Answer>
}

export function client (api: Api): Client {
  const answer = (res: { statusCode: number, body: string, headers: Record<string, unknown> }): Answer => {
    let body: unknown = res.body
    if (String(res.headers['content-type'] ?? '').startsWith('application/json')) body = JSON.parse(res.body)
    return { status: res.statusCode, body, headers: res.headers }
  }
  return {
    async get (url, headers) {
      return answer(await api.inject({ method: 'GET', url, headers }))
    },
    async post (url, payload, headers) {
      // Always JSON, so a string, number or null payload is sent as that JSON value, not as text.
      if (payload === undefined) return answer(await api.inject({ method: 'POST', url, headers }))
      const json = { 'content-type': 'application/json', ...headers }
      return answer(await api.inject({ method: 'POST', url, payload: JSON.stringify(payload), headers: json }))
    },
    async put (url, payload, headers) {
      const json = { 'content-type': 'application/json', ...headers }
      return answer(await api.inject({ method: 'PUT', url, payload: JSON.stringify(payload), headers: json }))
    },
    async raw (url, payload, contentType) {
      const headers = contentType === undefined ? {} : { 'content-type': contentType }
      return answer(await api.inject({ method: 'POST', url, payload, headers }))
    }
  }
}

/** Stores a record and returns the answer body; fails loudly when the API refuses it. */
export async function create (c: Client, entity: 'users' | 'events' | 'coupons', body: Body): Promise<any> {
  const res = await c.post(`/${entity}`, body)
  if (res.status !== 200) throw new Error(`POST /${entity} answered ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body
}

export type TableName = keyof Tables

export async function countRows (db: Kysely<Tables>, table: TableName): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Row counts of every data table: what "nothing stored" is measured against. */
export async function snapshotCounts (db: Kysely<Tables>): Promise<Record<string, number>> {
  const tables: TableName[] = ['users', 'participants', 'events', 'coupons', 'selections', 'user_sport_stats', 'event_features', 'user_features', 'lead_times', 'event_pairs', 'league_pairs', 'guardrails', 'guardrail_history', 'guardrail_change_ids']
  const counts: Record<string, number> = {}
  for (const table of tables) counts[table] = await countRows(db, table)
  const betCount = await db.selectFrom('events').select((eb) => eb.fn.sum<number>('bet_count').as('n')).executeTakeFirstOrThrow()
  counts.bet_count = Number(betCount.n ?? 0)
  return counts
}

/** Empties every data table (children first) so a test starts from a blank database without a new one. */
export async function emptyTables (db: Kysely<Tables>): Promise<void> {
  for (const table of ['guardrail_change_ids', 'guardrail_history', 'guardrails', 'selections', 'coupons', 'user_sport_stats', 'user_features', 'event_features', 'lead_times', 'event_pairs', 'league_pairs', 'events', 'participants', 'users'] as const) {
    await db.deleteFrom(table).execute()
  }
  await db.updateTable('meta').set({ value: 0 }).where('key', '=', 'max_event_duration').execute()
}
