// Statements over many rows whose SQL text does not depend on how many rows there are: the rows travel
// as one JSON parameter read with json_each (SQLite) or as one array per column read with unnest
// (PostgreSQL). A batch of any size is then one prepared statement, reused from the statement cache,
// instead of one statement per row or one differently sized multi-row statement per batch.
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { isPostgres } from '../dialect.ts'
import type { Tables } from '../tables.ts'

export interface Column { name: string, pgType: 'bigint' | 'integer' | 'text' | 'double precision' }

/** `select <columns> from <rows> where true`: the rows as a relation (the `where` lets SQLite parse a following ON CONFLICT). */
export function rowsOf (db: Kysely<Tables>, columns: readonly Column[], rows: unknown[][]): RawBuilder<unknown> {
  if (isPostgres(db)) {
    const arrays = columns.map((c, i) => sql`${rows.map((r) => r[i])}::${sql.raw(c.pgType)}[]`)
    return sql`select * from unnest(${sql.join(arrays)}) as r(${sql.raw(columns.map((c) => c.name).join(', '))}) where true`
  }
  const picks = columns.map((c, i) => `value->>${i} as ${c.name}`).join(', ')
  return sql`select ${sql.raw(picks)} from json_each(${JSON.stringify(rows)}) where true`
}

/** `<column> in <ids>` with one parameter whatever the number of ids. */
export function inIds (db: Kysely<Tables>, column: string, ids: readonly number[]): RawBuilder<boolean> {
  return isPostgres(db)
    ? sql<boolean>`${sql.ref(column)} = any(${ids}::bigint[])`
    : sql<boolean>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(ids)}))`
}

/** The form a list of ids takes as a prepared query's argument: JSON text on SQLite, an array on PostgreSQL. */
export function idsArg (db: Kysely<Tables>, ids: readonly number[]): unknown {
  return isPostgres(db) ? ids : JSON.stringify(ids)
}

/** `<column> not in <ids>` where `ids` is a prepared query's placeholder for an idsArg() value. */
export function notInIdsArg (db: Kysely<Tables>, column: string, ids: unknown): RawBuilder<boolean> {
  return isPostgres(db)
    ? sql<boolean>`${sql.ref(column)} <> all(${ids}::bigint[])`
    : sql<boolean>`${sql.ref(column)} not in (select value from json_each(${ids}))`
}

/** The form a list of texts takes as a prepared query's argument: JSON text on SQLite, an array on PostgreSQL. */
export function textsArg (db: Kysely<Tables>, texts: readonly string[]): unknown {
  return isPostgres(db) ? texts : JSON.stringify(texts)
}

/** `<column> in <texts>` where `texts` is a prepared query's placeholder for a textsArg() value. */
export function inTextsArg (db: Kysely<Tables>, column: string, texts: unknown): RawBuilder<boolean> {
  return isPostgres(db)
    ? sql<boolean>`${sql.ref(column)} = any(${texts}::text[])`
    : sql<boolean>`${sql.ref(column)} in (select value from json_each(${texts}))`
}

/** The larger of two values: `greatest` on PostgreSQL, the two-argument `max` on SQLite. */
export function greatest (db: Kysely<Tables>, a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<number> {
  return isPostgres(db) ? sql<number>`greatest(${a}, ${b})` : sql<number>`max(${a}, ${b})`
}

/** `<column> in <ids>` where `ids` is a prepared query's placeholder for an idsArg() value. */
export function inIdsArg (db: Kysely<Tables>, column: string, ids: unknown): RawBuilder<boolean> {
  return isPostgres(db)
    ? sql<boolean>`${sql.ref(column)} = any(${ids}::bigint[])`
    : sql<boolean>`${sql.ref(column)} in (select value from json_each(${ids}))`
}

/**
 * 0.5 ^ (elapsed / halfLife): how much a decayed sum keeps after `elapsed`. The exponent is capped at
 * 1000 half-lives (a factor of 1e-301, nothing in practice) because PostgreSQL's power() raises an
 * underflow error where SQLite and JavaScript return 0.
 */
export function decayFactorSql (db: Kysely<Tables>, elapsed: RawBuilder<unknown>, halfLifeMicros: number): RawBuilder<number> {
  const exponent = sql`cast(${elapsed} as double precision) / ${halfLifeMicros}`
  return isPostgres(db) ? sql<number>`power(0.5, least(${exponent}, 1000))` : sql<number>`power(0.5, min(${exponent}, 1000))`
}
