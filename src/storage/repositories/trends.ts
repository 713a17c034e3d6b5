// All SQL about when bets are placed: open events' decayed bet volume as kept on write (or the raw
// selections of a recent window for `?at=` questions), and how long before kick-off bettors bet.
import { sql, type Kysely } from 'kysely'
import type { Tables } from '../tables.ts'
import { rowsOf, type Column } from './batch.ts'
import { arg, prepared } from './prepared.ts'

export interface TrendRow { eventId: number, sport: string, begin: number, trend: number, at: number }
export interface RecentBet { eventId: number, sport: string, begin: number, placedAt: number }
export interface LeadTimeRow { hours: number, bets: number }

const LEAD_COLUMNS: readonly Column[] = [{ name: 'hours', pgType: 'integer' }, { name: 'bets', pgType: 'integer' }]

// Only events with bets can trend: the popularity index's bet_count > 0 range, then the open ones.
const liveTrends = prepared((db) => db.selectFrom('events').select(['id', 'sport', 'begin_ts', 'trend', 'trend_at'])
  .where('bet_count', '>', 0).where('end_ts', '>', arg<number>(0)).where('begin_ts', '>=', arg<number>(1)))

export function trendRepository (db: Kysely<Tables>) {
  return {
    /** Open events with bets (ending after `now`, begun at or after `notBefore`) and their trend as stored. */
    async openTrends (now: number, notBefore: number): Promise<TrendRow[]> {
      const { rows } = await liveTrends(db, now, notBefore)
      return rows.map((r) => ({ eventId: Number(r.id), sport: r.sport, begin: Number(r.begin_ts), trend: Number(r.trend), at: Number(r.trend_at) }))
    },

    async addLeadTimes (rows: readonly LeadTimeRow[]): Promise<void> {
      if (rows.length === 0) return
      const ordered = [...rows].sort((a, b) => a.hours - b.hours)
      await sql`insert into lead_times (hours, bets) ${rowsOf(db, LEAD_COLUMNS, ordered.map((r) => [r.hours, r.bets]))}
        on conflict (hours) do update set bets = lead_times.bets + excluded.bets`.execute(db)
    },

    async leadTimes (): Promise<LeadTimeRow[]> {
      const rows = await db.selectFrom('lead_times').select(['hours', 'bets']).orderBy('hours').execute()
      return rows.map((r) => ({ hours: Number(r.hours), bets: Number(r.bets) }))
    },

    /** Selections placed in (since, until] on events still open at `until`. */
    async recentBets (since: number, until: number): Promise<RecentBet[]> {
      const rows = await db.selectFrom('selections')
        .innerJoin('coupons', 'coupons.id', 'selections.coupon_id')
        .innerJoin('events', 'events.id', 'selections.event_id')
        .select(['selections.event_id', 'events.sport', 'events.begin_ts', 'coupons.placed_at'])
        .where('coupons.placed_at', '>', since).where('coupons.placed_at', '<=', until).where('events.end_ts', '>', until)
        .execute()
      return rows.map((r) => ({ eventId: Number(r.event_id), sport: r.sport, begin: Number(r.begin_ts), placedAt: Number(r.placed_at) }))
    }
  }
}
