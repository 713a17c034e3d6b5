// Test databases: a fresh SQLite file or a fresh PostgreSQL schema per call, dropped afterwards,
// so storage and API suites run once per dialect and never see each other's rows.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { loadConfig, type Config, type Env } from '../../src/config/config.ts'
import { openDatabase, type Database } from '../../src/storage/database.ts'
import { chooseDialects, type TestDialect } from './dialects.ts'

export type { TestDialect }

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
/** The dialects the suites run on: DIALECTS (comma-separated, e.g. `DIALECTS=sqlite`), both when unset. */
export const dialects = chooseDialects(process.env.DIALECTS)

export interface TestDatabase {
  database: Database
  config: Config
  /** The env a child process needs to use this same database. */
  env: Record<string, string>
  drop (): Promise<void>
}

export function uniqueName (prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
}

export async function createTestDatabase (dialect: TestDialect, overrides: Partial<Env> = {}): Promise<TestDatabase> {
  let env: Record<string, string>
  let remove: () => Promise<void>
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'betting-test-'))
    env = { DATABASE_URL: `sqlite:${join(dir, 'test.sqlite')}` }
    remove = async () => rmSync(dir, { recursive: true, force: true })
  } else {
    const schema = uniqueName('t').toLowerCase()
    env = { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema }
    remove = async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL })
      await client.connect()
      await client.query(`drop schema if exists "${schema}" cascade`)
      await client.end()
    }
  }
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' }, overrides)
  const database = await openDatabase(config.database)
  return {
    database,
    config,
    env,
    async drop () {
      await database.close()
      await remove()
    }
  }
}
