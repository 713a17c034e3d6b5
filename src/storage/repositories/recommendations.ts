// All SQL the recommender reads, and the incremental state it keeps: per-user sport counts and
// per-event popularity. Live queries use the state; `at` queries aggregate the raw coupons instead.
import { sql, type Kysely } from 'kysely'
import type { Event } from '../../domain/entities.ts'
import type { SportStat } from '../../recommender/frequency.ts'
import type { Tables } from '../tables.ts'
import { rowsOf, type Column } from './batch.ts'
import { eventRepository, toEvent } from './events.ts'

export interface UserSportBets { userId: number, sport: string, bets: number, lastBetAt: number }

const STAT_COLUMNS: readonly Column[] = [
  { name: 'user_id', pgType: 'bigint' },
  { name: 'sport', pgType: 'text' },
  { name: 'bets', pgType: 'integer' },
  { name: 'last_bet_at', pgType: 'bigint' }
]

export function recommendationRepository (db: Kysely<Tables>) {
  const events = eventRepository(db)

  return {
    /**
     * Adds stored coupons' selections to per-user sport counts, in one statement. Rows go in (user, sport)
     * order so that concurrent transactions take their row locks in the same order and cannot deadlock.
     */
    async addUserSportBets (rows: UserSportBets[]): Promise<void> {
      if (rows.length === 0) return
      const ordered = [...rows].sort((a, b) => a.userId - b.userId || (a.sport < b.sport ? -1 : a.sport > b.sport ? 1 : 0))
      await sql`insert into user_sport_stats (user_id, sport, bets, last_bet_at)
        ${rowsOf(db, STAT_COLUMNS, ordered.map((r) => [r.userId, r.sport, r.bets, r.lastBetAt]))}
        on conflict (user_id, sport) do update set
          bets = user_sport_stats.bets + excluded.bets,
          last_bet_at = case when excluded.last_bet_at > user_sport_stats.last_bet_at then excluded.last_bet_at else user_sport_stats.last_bet_at end`
        .execute(db)
    },

    async sportStats (userId: number, at?: number): Promise<SportStat[]> {
      if (at === undefined) {
        const rows = await db.selectFrom('user_sport_stats').select(['sport', 'bets', 'last_bet_at'])
          .where('user_id', '=', userId).execute()
        return rows.map((r) => ({ sport: r.sport, bets: Number(r.bets), lastBetAt: Number(r.last_bet_at) }))
      }
      const rows = await db.selectFrom('coupons')
        .innerJoin('selections', 'selections.coupon_id', 'coupons.id')
        .innerJoin('events', 'events.id', 'selections.event_id')
        .select((eb) => ['events.sport', eb.fn.countAll<number>().as('bets'), eb.fn.max('coupons.placed_at').as('last_bet_at')])
        .where('coupons.user_id', '=', userId).where('coupons.placed_at', '<=', at)
        .groupBy('events.sport').execute()
      return rows.map((r) => ({ sport: r.sport, bets: Number(r.bets), lastBetAt: Number(r.last_bet_at) }))
    },

    /** Events the user has bet on (at or before `at`, when given). */
    async betEventIds (userId: number, at?: number): Promise<Set<number>> {
      let query = db.selectFrom('coupons').innerJoin('selections', 'selections.coupon_id', 'coupons.id')
        .select('selections.event_id').distinct().where('coupons.user_id', '=', userId)
      if (at !== undefined) query = query.where('coupons.placed_at', '<=', at)
      const rows = await query.execute()
      return new Set(rows.map((r) => r.event_id))
    },

    /** The longest event stored: an event still open at `now` began after `now` minus this. */
    async maxEventDuration (): Promise<number> {
      const row = await db.selectFrom('meta').select('value').where('key', '=', 'max_event_duration').executeTakeFirst()
      return Number(row?.value ?? 0)
    },

    /** Open events of a sport, soonest first, then lowest id. */
    async openEventsOfSport (sport: string, now: number, notBefore: number, limit: number): Promise<Event[]> {
      const rows = await events.selectEvents()
        .where('events.sport', '=', sport).where('events.begin_ts', '>=', notBefore).where('events.end_ts', '>', now)
        .orderBy('events.begin_ts').orderBy('events.id').limit(limit).execute()
      return rows.map(toEvent)
    },

    /** Open events, most bet on first (then soonest, then lowest id); events nobody bet on come last. */
    async popularOpenEvents (now: number, limit: number, at?: number): Promise<Event[]> {
      if (at === undefined) {
        const rows = await events.selectEvents().where('events.end_ts', '>', now)
          .orderBy('events.bet_count', 'desc').orderBy('events.begin_ts').orderBy('events.id').limit(limit).execute()
        return rows.map(toEvent)
      }
      const betsAt = db.selectFrom('selections').innerJoin('coupons', 'coupons.id', 'selections.coupon_id')
        .select((eb) => ['selections.event_id', eb.fn.countAll<number>().as('bets')])
        .where('coupons.placed_at', '<=', at).groupBy('selections.event_id').as('b')
      const rows = await events.selectEvents().leftJoin(betsAt, 'b.event_id', 'events.id')
        .where('events.end_ts', '>', now)
        .orderBy(sql`coalesce(b.bets, 0)`, 'desc').orderBy('events.begin_ts').orderBy('events.id').limit(limit).execute()
      return rows.map(toEvent)
    },

    /** Rebuilds the incremental state from coupons, selections and events (POST /recommendation/generate). */
    async rebuildState (): Promise<void> {
      await db.deleteFrom('user_sport_stats').execute()
      await sql`insert into user_sport_stats (user_id, sport, bets, last_bet_at)
        select c.user_id, e.sport, count(*), max(c.placed_at)
        from coupons c join selections s on s.coupon_id = c.id join events e on e.id = s.event_id
        group by c.user_id, e.sport`.execute(db)
      await sql`update events set bet_count = coalesce((select count(*) from selections s where s.event_id = events.id), 0)`.execute(db)
      await sql`update meta set value = coalesce((select max(end_ts - begin_ts) from events), 0) where key = 'max_event_duration'`.execute(db)
    }
  }
}
