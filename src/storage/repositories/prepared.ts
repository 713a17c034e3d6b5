// Hot queries built and compiled once per dialect, then run with only their parameters swapped in.
// Profiling GET /recommendation showed kysely's builder and compiler taking several times the CPU that
// SQLite needs to run these indexed lookups (100 µs against 20 µs for the open events of a sport).
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely'
import type { Tables } from '../tables.ts'
import { isPostgres } from '../dialect.ts'

const MARK = '\u0000prepared-param:'

/** Stands for the query's n-th argument while it is built (typed as the column's value). */
export function arg<T> (n: number): T {
  return `${MARK}${n}` as T
}

/**
 * A query whose shape is fixed: `build` is called once per dialect with placeholders from `arg(n)`, and
 * each call runs the compiled SQL with the placeholders replaced by its arguments, in any position.
 */
export function prepared<R, A extends unknown[]> (build: (db: Kysely<Tables>) => Compilable<R>) {
  const compiled = new Map<boolean, { sql: string, slots: Array<number | { value: unknown }> }>()
  return (db: Kysely<Tables>, ...args: A): Promise<QueryResult<R>> => {
    const postgres = isPostgres(db)
    let query = compiled.get(postgres)
    if (query === undefined) {
      const { sql, parameters } = build(db).compile()
      const slots = parameters.map((p) => typeof p === 'string' && p.startsWith(MARK) ? Number(p.slice(MARK.length)) : { value: p })
      query = { sql, slots }
      compiled.set(postgres, query)
    }
    const parameters = query.slots.map((slot) => typeof slot === 'number' ? args[slot] : slot.value)
    return db.executeQuery(CompiledQuery.raw(query.sql, parameters) as CompiledQuery<R>)
  }
}
