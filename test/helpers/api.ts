// An API over a fresh test database, driven with inject() (no port needed).
import { afterAll, beforeAll } from 'vitest'
import { buildApi, type Api } from '../../src/api/app.ts'
import type { Env } from '../../src/config/config.ts'
import { createTestDatabase, type TestDatabase, type TestDialect } from './database.ts'
import { client, type Client } from './records.ts'

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

/** The API of a suite, its database and a request client; each one is there from the suite's beforeAll on. */
export interface SuiteApi {
  readonly api: Api
  readonly db: TestDatabase
  readonly client: Client
}

/**
 * One API for the enclosing describe block: created in a beforeAll hook registered here, closed (its
 * database dropped) in afterAll. Hooks the suite registers afterwards already see it.
 */
export function useTestApi (dialect: TestDialect, overrides: Partial<Env> = {}): SuiteApi {
  let current: { test: TestApi, client: Client } | undefined
  const get = (): { test: TestApi, client: Client } => {
    if (current === undefined) throw new Error('useTestApi: the API exists only inside the tests and hooks of its describe block, after its beforeAll')
    return current
  }
  beforeAll(async () => {
    const test = await createTestApi(dialect, overrides)
    current = { test, client: client(test.api) }
  })
  afterAll(async () => {
    const closing = current
    current = undefined
    await closing?.test.close()
  })
  return {
    get api () { return get().test.api },
    get db () { return get().test.db },
    get client () { return get().client }
  }
}
