// One test per bug found in the API, storage or domain code, so none of them comes back.
import { describe, expect, it } from 'vitest'
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApi } from '../../../src/api/app.ts'
import { loadConfig, type Config } from '../../../src/config/config.ts'
import { openDatabase, type DatabaseOptions } from '../../../src/storage/database.ts'
import { migrationProvider } from '../../../src/storage/migrations.ts'
import { repositories } from '../../../src/storage/repositories/index.ts'
import { useTestApi } from '../../helpers/api.ts'
import { createTestDatabase, dialects, POSTGRES_URL, uniqueName, type TestDialect } from '../../helpers/database.ts'
import { client, countRows, couponBody, eventBody, snapshotCounts, userBody } from '../../helpers/records.ts'

describe.each(dialects)('regressions on %s', (dialect) => {
  const t = useTestApi(dialect)

  it('opens a second database schema while another one exists (migrator looked in every schema)', async () => {
    const other = await createTestDatabase(dialect)
    try {
      expect(await countRows(other.database.db, 'users')).toBe(0)
    } finally {
      await other.drop()
    }
  })

  it('answers routing refusals (bad percent-encoding, over-long parameter) with a JSON detail', async () => {
    for (const url of ['/events/%E0%A4%A', `/events/${'1'.repeat(201)}`]) {
      const res = await t.client.get(url)
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      expect(typeof res.body.detail).toBe('string')
    }
  })

  it('reads only decimal digits as a path id (0x10 was user 16, 1e3 user 1000)', async () => {
    for (const id of ['0x10', '1e3', '+5', ' 5']) {
      expect((await t.client.get(`/users/${encodeURIComponent(id)}`)).status).toBe(422)
    }
  })

  it('refuses NUL characters in text (PostgreSQL cannot store them: was a 503)', async () => {
    for (const change of [{ sport: 'foot\u0000ball' }, { league: '\u0000' }, { country: 'a\u0000' }, { participants: ['A\u0000', 'B'] }]) {
      const res = await t.client.post('/events', eventBody(change))
      expect(res.status, JSON.stringify(change)).toBe(422)
      expect(typeof res.body.detail).toBe('string')
    }
  })

  it('refuses unpaired UTF-16 surrogates in text (they were stored as U+FFFD, so replays became conflicts)', async () => {
    for (const change of [{ sport: 'a\uD800b' }, { league: '\uDC00' }, { participants: ['A\uDBFF', 'B'] }]) {
      const res = await t.client.post('/events', eventBody(change))
      expect(res.status, JSON.stringify(change)).toBe(422)
    }
    // Paired surrogates (characters outside the BMP) are fine and survive a round trip.
    const body = eventBody({ id: 77, sport: 'football \u{1F3C8}', participants: ['\u{1F600}', '\u{1F601}'] })
    const emoji = await t.client.post('/events', body)
    expect(emoji.status).toBe(200)
    expect((await t.client.get('/events/77')).body).toEqual(emoji.body)
    expect((await t.client.post('/events', body)).body).toEqual(emoji.body)
  })

  it('stores the longest participant list the schema allows (PostgreSQL index rows were limited to 2704 bytes: was a 503)', async () => {
    // Pseudo-random CJK text: it does not compress, so PostgreSQL cannot shrink it into an index row.
    let seed = 42
    const char = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return String.fromCharCode(0x4e00 + (seed % 20000)) }
    const names = Array.from({ length: 50 }, (_, i) => `${i} ${Array.from({ length: 196 }, char).join('')}`)
    const first = await t.client.post('/events', eventBody({ participants: names }))
    expect(first.status).toBe(200)
    const again = await t.client.post('/events', eventBody({ participants: names }))
    expect(again.body.participants_id).toBe(first.body.participants_id)
    expect((await t.client.get(`/events/${first.body.id as number}`)).body.participants).toEqual(names)
  })

  it('upgrades a database made before participant digests, keeping its lists and their ids', async () => {
    const config = createTestConfig(dialect)
    const options = { ...config.database }
    // Build the schema as it was at 0001, with one stored list, then open it the normal way.
    const old = await openDatabaseAt(options, '0001_initial')
    await old.insertInto('participants' as never).values({ names: '["Old A","Old B"]' } as never).execute()
    await old.destroy()
    const database = await openDatabase(options)
    try {
      const events = repositories(database.db).events
      const [row] = await database.db.selectFrom('participants').select(['id', 'names_digest']).execute()
      expect(row?.names_digest).toMatch(/^[0-9a-f]{64}$/)
      expect(await events.participantsId(['Old A', 'Old B'])).toBe(row?.id)
      expect(await events.participantsId(['Old B', 'Old A'])).not.toBe(row?.id)
    } finally {
      await database.close()
      await config.drop()
    }
  })

  it('upgrades a database made before bets were rows of the profile: the API rebuilds them, so an event bet on stays left out', async () => {
    const config = createTestConfig(dialect)
    const recommended = async (database: Awaited<ReturnType<typeof openDatabase>>): Promise<number[]> => {
      const api = await buildApi({ config: config.config, database, logger: false })
      try {
        const res = await client(api).get('/recommendation/1?algorithm=frequency')
        return (res.body[0].events as Array<{ id: number }>).map((e) => e.id)
      } finally {
        await api.close()
      }
    }
    try {
      // Store a bet with this release, then take the database back to 0005, as an older release left it.
      let database = await openDatabase(config.database)
      const api = await buildApi({ config: config.config, database, logger: false })
      const c = client(api)
      await c.post('/users', userBody({ id: 1 }))
      for (const id of [10, 11]) await c.post('/events', eventBody({ id }, Date.now(), 24 + id))
      expect((await c.post('/coupons', couponBody(1, [10]))).status).toBe(200)
      await api.close()
      await database.close()
      const old = await openDatabaseAt(config.database, '0005_responsible_gambling')
      await old.destroy()
      // Opened by this release again: the profile is rebuilt before the first answer.
      database = await openDatabase(config.database)
      try {
        expect(await recommended(database)).toEqual([11])
      } finally {
        await database.close()
      }
    } finally {
      await config.drop()
    }
  })

  it('reads years below 100 as themselves, not as 19xx (0050 was stored as 1950)', async () => {
    const res = await t.client.post('/events', eventBody({ begin_timestamp: '0050-01-01T00:00:00Z' }))
    // Year 50 is beyond the microsecond range the API keeps (about 1685 to 2255): refused, never moved.
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('body.begin_timestamp')
  })

  it('leaves no participant list behind when a bulk batch refuses an event as a conflict', async () => {
    await t.client.post('/events', eventBody({ id: 88 }))
    const before = await snapshotCounts(t.db.database.db)
    const res = await t.client.post('/events/bulk', [eventBody({ id: 88, participants: ['Brand', 'New'] })])
    expect(res.body.results[0].status).toBe(409)
    expect(await snapshotCounts(t.db.database.db)).toEqual(before)
  })
})

/** Database settings for a fresh SQLite file or PostgreSQL schema that nothing has opened yet. */
function createTestConfig (dialect: TestDialect): { config: Config, database: DatabaseOptions, drop (): Promise<void> } {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'betting-upgrade-'))
    const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}` })
    return { config, database: config.database, drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  const schema = uniqueName('u').toLowerCase()
  const config = loadConfig({ DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema })
  return {
    config,
    database: config.database,
    async drop () {
      const pgClient = new pg.Client({ connectionString: POSTGRES_URL })
      await pgClient.connect()
      await pgClient.query(`drop schema if exists "${schema}" cascade`)
      await pgClient.end()
    }
  }
}

/** A database migrated only up to `migration`, as an older release left it. */
async function openDatabaseAt (options: DatabaseOptions, migration: string): Promise<Kysely<any>> {
  const dialect = options.url.startsWith('postgres') ? 'postgres' : 'sqlite'
  let db: Kysely<any>
  if (dialect === 'postgres') {
    const setup = new pg.Client({ connectionString: options.url })
    await setup.connect()
    await setup.query(`create schema if not exists "${options.schema}"`)
    await setup.end()
    db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: options.url, max: 1, options: `-c search_path="${options.schema}"` }) }) })
  } else {
    db = new Kysely({ dialect: new SqliteDialect({ database: new SQLite(options.url.replace(/^sqlite:/, '')) }) })
  }
  const migrationTableSchema = dialect === 'postgres' ? options.schema : undefined
  const { error } = await new Migrator({ db, provider: migrationProvider(dialect), migrationTableSchema }).migrateTo(migration)
  if (error !== undefined) throw error
  return db
}
