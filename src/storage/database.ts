// The database factory: SQLite (embedded default, WAL) or PostgreSQL, chosen by DATABASE_URL,
// migrated to the latest version before it is handed out.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect, type SqliteDatabase } from 'kysely'
import pg from 'pg'
import { dialectOf, type Dialect } from './dialect.ts'
import { migrationProvider } from './migrations.ts'
import { SQLITE_DEFAULTS } from './defaults.ts'
import type { Tables } from './tables.ts'

export interface DatabaseOptions {
  url: string
  schema: string
  poolSize: number
  sqliteSynchronous: 'NORMAL' | 'FULL'
}

export interface Database {
  readonly db: Kysely<Tables>
  readonly dialect: Dialect
  /** Resolves when the database answers a query (readiness). */
  ping (): Promise<void>
  close (): Promise<void>
}

export async function openDatabase (options: DatabaseOptions): Promise<Database> {
  const dialect = dialectOf(options.url)
  const db = dialect === 'postgres' ? await openPostgres(options) : openSqlite(options)
  // On PostgreSQL the migrator must be told the schema: without it, it looks for its own tables in every
  // schema of the database, finds another schema's, skips creating them here and then fails to use them.
  const migrationTableSchema = dialect === 'postgres' ? options.schema : undefined
  const { error, results } = await new Migrator({ db, provider: migrationProvider(dialect), migrationTableSchema }).migrateToLatest()
  if (error !== undefined) {
    await db.destroy()
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`database migration ${failed} failed: ${String(error)}`, { cause: error })
  }
  return {
    db,
    dialect,
    async ping () {
      await sql`select 1`.execute(db)
    },
    close: () => db.destroy()
  }
}

function sqlitePath (url: string): string {
  return url.replace(/^(sqlite|file):(\/\/)?/, '')
}

function openSqlite (options: DatabaseOptions): Kysely<Tables> {
  const path = sqlitePath(options.url)
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new SQLite(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma(`synchronous = ${options.sqliteSynchronous}`)
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma(`busy_timeout = ${SQLITE_DEFAULTS.busyTimeoutMs}`)
  sqlite.pragma(`cache_size = -${SQLITE_DEFAULTS.cacheKiB}`)
  return new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
}

/**
 * kysely prepares every query it runs; better-sqlite3's prepare parses the SQL each time. Queries are
 * built from a fixed set of shapes, so caching statements by SQL text turns that into a map lookup.
 */
function withStatementCache (sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>()
  return {
    close: () => sqlite.close(),
    prepare (text: string) {
      let statement = cache.get(text)
      if (statement === undefined) {
        statement = sqlite.prepare(text)
        // Guard against an unbounded cache if some caller ever builds SQL from data (multi-row inserts vary in size).
        if (cache.size > 2000) cache.clear()
        cache.set(text, statement)
      }
      return statement
    }
  }
}

// bigint columns hold ids and epoch microseconds: both are below 2^53, so plain numbers are exact.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value))

async function openPostgres (options: DatabaseOptions): Promise<Kysely<Tables>> {
  const setup = new pg.Client({ connectionString: options.url })
  await setup.connect()
  try {
    await setup.query(`create schema if not exists "${options.schema}"`)
  } catch (error) {
    // Two instances starting together may race to create the schema; the loser sees a duplicate.
    if ((error as { code?: string }).code !== '23505') throw error
  } finally {
    await setup.end()
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    options: `-c search_path="${options.schema}"`
  })
  return new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) })
}
