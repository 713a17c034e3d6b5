// All SQL about coupons and their selections.
import { sql, type Kysely } from 'kysely'
import type { Coupon, Selection } from '../../domain/entities.ts'
import type { CouponsTable, Tables } from '../tables.ts'
import { rowsOf, type Column } from './batch.ts'

export interface StoredCoupon { coupon: Coupon, timestampAuto: boolean }

const COUPON_COLUMNS: readonly Column[] = [
  { name: 'id', pgType: 'bigint' },
  { name: 'user_id', pgType: 'bigint' },
  { name: 'stake', pgType: 'double precision' },
  { name: 'placed_at', pgType: 'bigint' },
  { name: 'placed_at_auto', pgType: 'integer' }
]
const SELECTION_COLUMNS: readonly Column[] = [
  { name: 'coupon_id', pgType: 'bigint' },
  { name: 'position', pgType: 'integer' },
  { name: 'event_id', pgType: 'bigint' },
  { name: 'odds', pgType: 'double precision' }
]
const names = (columns: readonly Column[]) => sql.raw(columns.map((c) => c.name).join(', '))

export function couponRepository (db: Kysely<Tables>) {
  async function selectionsOf (couponIds: number[]): Promise<Map<number, Selection[]>> {
    const bySelection = new Map<number, Selection[]>(couponIds.map((id) => [id, []]))
    if (couponIds.length === 0) return bySelection
    const rows = await db.selectFrom('selections').select(['coupon_id', 'event_id', 'odds'])
      .where('coupon_id', 'in', couponIds).orderBy('coupon_id').orderBy('position').execute()
    for (const row of rows) bySelection.get(row.coupon_id)?.push({ event_id: row.event_id, odds: row.odds })
    return bySelection
  }

  /**
   * Inserts each coupon whose id does not exist, and the selections of those, in two statements;
   * returns the ids this call stored.
   */
  async function insertMany (coupons: readonly StoredCoupon[]): Promise<Set<number>> {
    if (coupons.length === 0) return new Set()
    const rows = coupons.map(({ coupon: c, timestampAuto }) => [c.id, c.user_id, c.stake, c.timestamp, timestampAuto ? 1 : 0])
    const { rows: insertedRows } = await sql<{ id: number }>`insert into coupons (${names(COUPON_COLUMNS)})
      ${rowsOf(db, COUPON_COLUMNS, rows)} on conflict (id) do nothing returning id`.execute(db)
    const inserted = new Set(insertedRows.map((r) => Number(r.id)))
    const selections = coupons.filter(({ coupon }) => inserted.has(coupon.id))
      .flatMap(({ coupon }) => coupon.selections.map((s, position) => [coupon.id, position, s.event_id, s.odds]))
    if (selections.length > 0) {
      await sql`insert into selections (${names(SELECTION_COLUMNS)}) ${rowsOf(db, SELECTION_COLUMNS, selections)}`.execute(db)
    }
    return inserted
  }

  function toStored (row: CouponsTable, selections: Selection[]): StoredCoupon {
    return {
      coupon: { id: row.id, user_id: row.user_id, stake: row.stake, timestamp: row.placed_at, selections },
      timestampAuto: row.placed_at_auto === 1
    }
  }

  return {
    /** Inserts the coupon and its selections (order kept) unless the id exists; true when this call stored it. */
    async insert (coupon: Coupon, timestampAuto: boolean): Promise<boolean> {
      return (await insertMany([{ coupon, timestampAuto }])).size > 0
    },

    insertMany,

    async find (id: number): Promise<StoredCoupon | undefined> {
      const row = await db.selectFrom('coupons').selectAll().where('id', '=', id).executeTakeFirst()
      if (row === undefined) return undefined
      const selections = await selectionsOf([id])
      return toStored(row, selections.get(id) ?? [])
    },

    /** A user's coupons, newest first. */
    async listByUser (userId: number): Promise<Coupon[]> {
      const rows = await db.selectFrom('coupons').selectAll().where('user_id', '=', userId)
        .orderBy('placed_at', 'desc').orderBy('id', 'desc').execute()
      const selections = await selectionsOf(rows.map((r) => r.id))
      return rows.map((row) => toStored(row, selections.get(row.id) ?? []).coupon)
    },

    /** Coupons by id after `afterId`, `limit` at a time: a walk over every coupon (state rebuilds). */
    async page (afterId: number, limit: number): Promise<Coupon[]> {
      const rows = await db.selectFrom('coupons').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute()
      const selections = await selectionsOf(rows.map((r) => r.id))
      return rows.map((row) => toStored(row, selections.get(row.id) ?? []).coupon)
    },

    async count (): Promise<number> {
      const row = await db.selectFrom('coupons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      return Number(row.n)
    }
  }
}
