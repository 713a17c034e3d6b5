// Reads the database under test from the side, to see when records have been stored. The benchmark's
// own instrument, never the services': SQLite opened read-only (WAL lets it read while the API
// writes), PostgreSQL through one connection to the run's schema.
import SQLite from 'better-sqlite3'
import pg from 'pg'

export interface Observer {
  count (table: 'users' | 'events' | 'coupons'): Promise<number>
  /** Stored users with ids in [from, to): id and registration_date (epoch µs). */
  usersBetween (from: number, to: number): Promise<Array<{ id: number, registered: number }>>
  /**
   * After a bulk load, what PostgreSQL's autovacuum would do before the figures are read: VACUUM (ANALYZE)
   * of the run's tables (the planner's statistics, the visibility map that index-only scans need, dead rows
   * of the upserted state tables). The machine's PostgreSQL may run with autovacuum off. Nothing on SQLite.
   */
  maintain (): Promise<void>
  close (): Promise<void>
}

export async function openObserver (url: string, schema: string): Promise<Observer> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const client = new pg.Client({ connectionString: url, options: `-c search_path="${schema}"` })
    await client.connect()
    return {
      async count (table) {
        const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${table}`)
        return Number(rows[0]?.n ?? 0)
      },
      async usersBetween (from, to) {
        const { rows } = await client.query<{ id: string, registration_date: string }>(
          'select id, registration_date from users where id >= $1 and id < $2', [from, to])
        return rows.map((r) => ({ id: Number(r.id), registered: Number(r.registration_date) }))
      },
      async maintain () {
        const { rows } = await client.query<{ name: string }>('select tablename as name from pg_tables where schemaname = $1', [schema])
        for (const { name } of rows) await client.query(`vacuum (analyze) "${schema}"."${name}"`)
      },
      close: () => client.end()
    }
  }
  const sqlite = new SQLite(url.replace(/^(sqlite|file):(\/\/)?/, ''), { readonly: true, fileMustExist: true })
  const between = sqlite.prepare<[number, number], { id: number, registered: number }>(
    'select id, registration_date as registered from users where id >= ? and id < ?')
  return {
    async count (table) {
      return (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n
    },
    async usersBetween (from, to) {
      return between.all(from, to)
    },
    async maintain () {},
    async close () {
      sqlite.close()
    }
  }
}
