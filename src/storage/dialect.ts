// Which SQL dialect a database speaks, decided in one place: from its URL when it is opened, and from a
// kysely instance (a connection or a transaction) when a repository builds SQL, remembered per executor.
import { PostgresAdapter, type Kysely } from 'kysely'

export type Dialect = 'sqlite' | 'postgres'

export function dialectOf (url: string): Dialect {
  return /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite'
}

const known = new WeakMap<object, boolean>()

/** True when `db` runs on PostgreSQL; looked up once per executor (transactions have their own). */
export function isPostgres (db: Kysely<any>): boolean {
  const executor = db.getExecutor()
  let postgres = known.get(executor)
  if (postgres === undefined) {
    postgres = executor.adapter instanceof PostgresAdapter
    known.set(executor, postgres)
  }
  return postgres
}
