// An API over a fresh test database, driven with inject() (no port needed).
import { buildApi, type Api } from '../../src/api/app.ts'
import type { Env } from '../../src/config/config.ts'
import { createTestDatabase, type TestDatabase, type TestDialect } from './database.ts'

export interface TestApi { api: Api, db: TestDatabase, close (): Promise<void> }

export async function createTestApi (dialect: TestDialect, overrides: Partial<Env> = {}): Promise<TestApi> {
  const db = await createTestDatabase(dialect, overrides)
  const api = await buildApi({ config: db.config, database: db.database, logger: false })
  return {
    api,
    db,
    async close () {
      await api.close()
      await db.drop()
    }
  }
}
