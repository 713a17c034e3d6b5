// All SQL about responsible gambling: each user's flags, their audit history and the change ids applied.
import { sql, type Kysely } from 'kysely'
import type { ChangeSource, FieldChange, GuardrailState } from '../../domain/responsible-gambling.ts'
import type { Tables } from '../tables.ts'
import { arg, prepared } from './prepared.ts'

export interface StoredGuardrails { state: GuardrailState, updatedAt: number | null }

export interface HistoryEntry {
  at: number
  source: ChangeSource
  reason: string | null
  changeId: number | null
  changes: FieldChange[]
}

// Every recommendation reads this instead of a bare "does the user exist": one lookup answers both.
const userGuardrails = prepared((db) => db.selectFrom('users')
  .leftJoin('guardrails', 'guardrails.user_id', 'users.id')
  .select(['users.id', 'guardrails.self_excluded_until', 'guardrails.marketing_opt_out'])
  .where('users.id', '=', arg<number>(0)))

const toState = (row: { self_excluded_until: number | null, marketing_opt_out: number | null }): GuardrailState => ({
  selfExcludedUntil: row.self_excluded_until === null ? null : Number(row.self_excluded_until),
  marketingOptOut: Number(row.marketing_opt_out ?? 0) === 1
})

export function guardrailRepository (db: Kysely<Tables>) {
  return {
    /** The user's flags, or undefined when the user is not stored. */
    async ofUser (userId: number): Promise<GuardrailState | undefined> {
      const { rows: [row] } = await userGuardrails(db, userId)
      return row === undefined ? undefined : toState(row)
    },

    /**
     * The user's stored flags, their row locked until the transaction ends (PostgreSQL: concurrent changes
     * for one user then apply one after the other; SQLite has one writer anyway).
     */
    async lock (userId: number): Promise<StoredGuardrails> {
      await db.insertInto('guardrails').values({ user_id: userId, self_excluded_until: null, marketing_opt_out: 0, updated_at: null })
        .onConflict((oc) => oc.column('user_id').doNothing()).execute()
      await db.updateTable('guardrails').set({ user_id: userId }).where('user_id', '=', userId).execute()
      const row = await db.selectFrom('guardrails').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow()
      return { state: toState(row), updatedAt: row.updated_at === null ? null : Number(row.updated_at) }
    },

    async find (userId: number): Promise<StoredGuardrails | undefined> {
      const row = await db.selectFrom('guardrails').selectAll().where('user_id', '=', userId).executeTakeFirst()
      return row === undefined ? undefined : { state: toState(row), updatedAt: row.updated_at === null ? null : Number(row.updated_at) }
    },

    /** Records a change id; false when it was applied before (a replay). */
    async claimChangeId (changeId: number, userId: number): Promise<boolean> {
      const { rows } = await sql<{ change_id: number }>`insert into guardrail_change_ids (change_id, user_id) values (${changeId}, ${userId})
        on conflict (change_id) do nothing returning change_id`.execute(db)
      return rows.length > 0
    },

    async save (userId: number, state: GuardrailState, at: number): Promise<void> {
      await db.updateTable('guardrails')
        .set({ self_excluded_until: state.selfExcludedUntil, marketing_opt_out: state.marketingOptOut ? 1 : 0, updated_at: at })
        .where('user_id', '=', userId).execute()
    },

    /** Appends a history entry after the user's last one (the casts type the parameters for PostgreSQL). */
    async append (userId: number, entry: HistoryEntry): Promise<void> {
      await sql`insert into guardrail_history (user_id, seq, at, source, reason, change_id, changes)
        select cast(${userId} as bigint), coalesce(max(seq), 0) + 1, cast(${entry.at} as bigint), cast(${entry.source} as text),
          cast(${entry.reason} as text), cast(${entry.changeId} as bigint), cast(${JSON.stringify(entry.changes)} as text)
        from guardrail_history where user_id = ${userId}`.execute(db)
    },

    /** The user's history, oldest first. */
    async history (userId: number): Promise<HistoryEntry[]> {
      const rows = await db.selectFrom('guardrail_history').selectAll().where('user_id', '=', userId).orderBy('seq').execute()
      return rows.map((r) => ({
        at: Number(r.at),
        source: r.source as ChangeSource,
        reason: r.reason,
        changeId: r.change_id === null ? null : Number(r.change_id),
        changes: JSON.parse(r.changes) as FieldChange[]
      }))
    }
  }
}
