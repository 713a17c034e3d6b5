// Once per test run: the real services the suites need must be there. PostgreSQL missing is a failure,
// not a skip: both dialects are part of the contract.
import pg from 'pg'
import { POSTGRES_URL } from './helpers/database.ts'

export default async function setup (): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    await client.query('select 1')
  } catch (error) {
    throw new Error(`PostgreSQL is required for the tests and is not reachable at ${POSTGRES_URL} (set TEST_POSTGRES_URL): ${String(error)}`)
  } finally {
    await client.end().catch(() => {})
  }
}
