// The limit reference of the bulk load: the same coupons and selections the pipeline stores, written
// straight into a fresh SQLite database of the project's schema (its indexes and pragmas) with multi-row
// INSERTs, 1,000 coupons per transaction, and nothing else: no HTTP, no Kafka, no validation, no
// recommender state. Run as its own process by the runner; answers one JSON line.
// Usage: echo '{"path":"/tmp/x.db","scale":{...},"nowMs":0,"firstId":100000}' | node --import tsx bench/sqlite-raw.ts
import SQLite from 'better-sqlite3'
import { loadConfig } from '../src/config/config.ts'
import { parseTimestamp } from '../src/domain/time.ts'
import { openDatabase } from '../src/storage/database.ts'
import { SQLITE_DEFAULTS } from '../src/storage/defaults.ts'
import { participantsDigest } from '../src/storage/repositories/events.ts'
import { couponRecords, eventRecords, userRecords, type DatasetOptions } from '../src/tools/dataset.ts'
import { readSpec } from './lib/services.ts'

export interface SqliteRawSpec {
  path: string
  scale: { users: number, events: number, coupons: number }
  nowMs: number
  firstId: number
}

export interface SqliteRawResult { coupons: number, selections: number, seconds: number, coupons_per_s: number }

const COUPONS_PER_TRANSACTION = 1000
/** Rows per INSERT statement: under SQLite's 32,766 parameters at four or five columns. */
const ROWS_PER_STATEMENT = 1000

const micros = (text: string): number => {
  const value = parseTimestamp(text)
  if (value === undefined) throw new Error(`not a timestamp: ${text}`)
  return value
}

/** Inserts `rows` into `table` a statement of up to ROWS_PER_STATEMENT rows at a time. */
function insertRows (sqlite: SQLite.Database, table: string, columns: readonly string[], rows: readonly unknown[][]): void {
  const statements = new Map<number, SQLite.Statement>()
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT)
    let statement = statements.get(chunk.length)
    if (statement === undefined) {
      const row = `(${columns.map(() => '?').join(', ')})`
      statement = sqlite.prepare(`insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: chunk.length }, () => row).join(', ')}`)
      statements.set(chunk.length, statement)
    }
    statement.run(chunk.flat())
  }
}

async function main (): Promise<void> {
  const spec = await readSpec<SqliteRawSpec>()
  const config = loadConfig({ ...process.env, DATABASE_URL: `sqlite://${spec.path}` })
  await (await openDatabase(config.database)).close()

  const sqlite = new SQLite(spec.path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma(`synchronous = ${config.database.sqliteSynchronous}`)
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma(`cache_size = -${SQLITE_DEFAULTS.cacheKiB}`)
  const options: DatasetOptions = { ...spec.scale, seed: 42, now: new Date(spec.nowMs), firstId: spec.firstId }

  // Users and events first, untimed: the coupons refer to them.
  sqlite.transaction(() => {
    insertRows(sqlite, 'users', ['id', 'birth_year', 'country', 'currency', 'gender', 'registration_date', 'registration_date_auto'],
      [...userRecords(options)].map((u) => [u.user_id, u.birth_year, u.country, u.currency, u.gender, micros(u.registration_date), 0]))
    const participants = new Map<string, number>()
    const events: unknown[][] = []
    for (const e of eventRecords(options)) {
      const names = JSON.stringify(e.participants)
      if (!participants.has(names)) participants.set(names, participants.size + 1)
      events.push([Number(e.event_id), micros(e.begin_timestamp), micros(e.end_timestamp), e.country, e.league, e.sport, participants.get(names)])
    }
    insertRows(sqlite, 'participants', ['id', 'names', 'names_digest'], [...participants].map(([names, id]) => [id, names, participantsDigest(names)]))
    insertRows(sqlite, 'events', ['id', 'begin_ts', 'end_ts', 'country', 'league', 'sport', 'participants_id'], events)
  })()

  // The dataset is generated before the clock starts, so the figure is SQLite's alone.
  const coupons = [...couponRecords(options)]
  const writeBatch = sqlite.transaction((batch: typeof coupons) => {
    insertRows(sqlite, 'coupons', ['id', 'user_id', 'stake', 'placed_at', 'placed_at_auto'], batch.map((c) => [c.coupon_id, c.user_id, c.stake, micros(c.timestamp), 0]))
    insertRows(sqlite, 'selections', ['coupon_id', 'position', 'event_id', 'odds'], batch.flatMap((c) => c.selections.map((s, i) => [c.coupon_id, i, Number(s.event_id), s.odds])))
  })
  const started = performance.now()
  for (let i = 0; i < coupons.length; i += COUPONS_PER_TRANSACTION) writeBatch(coupons.slice(i, i + COUPONS_PER_TRANSACTION))
  const seconds = (performance.now() - started) / 1000
  sqlite.close()
  const selections = coupons.reduce((n, c) => n + c.selections.length, 0)
  const result: SqliteRawResult = { coupons: coupons.length, selections, seconds, coupons_per_s: coupons.length / seconds }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

await main()
