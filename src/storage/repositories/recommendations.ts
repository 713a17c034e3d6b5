// All SQL the recommender reads, and the incremental state it keeps: per-user sport counts and
// per-event popularity. Live queries use the state; `at` queries aggregate the raw coupons instead.
import { sql, type Kysely } from 'kysely'
import type { Event } from '../../domain/entities.ts'
import type { Tables } from '../tables.ts'
import { isPostgres } from '../dialect.ts'
import { idsArg, notInIdsArg, rowsOf, type Column } from './batch.ts'
import { eventRepository, toEvent } from './events.ts'
import { arg, prepared } from './prepared.ts'

export interface UserSportBets { userId: number, sport: string, bets: number, lastBetAt: number }

/** A user's selections on one sport. */
export interface SportStat {
  sport: string
  /** Selections the user placed on events of this sport. */
  bets: number
  /** Time of the user's newest coupon with a selection in this sport (epoch µs). */
  lastBetAt: number
}

const STAT_COLUMNS: readonly Column[] = [
  { name: 'user_id', pgType: 'bigint' },
  { name: 'sport', pgType: 'text' },
  { name: 'bets', pgType: 'integer' },
  { name: 'last_bet_at', pgType: 'bigint' }
]

// The live GET's queries, compiled once (see prepared.ts); the `at` variants are rarer and built per call.
const liveSportStats = prepared((db) => db.selectFrom('user_sport_stats').select(['sport', 'bets', 'last_bet_at'])
  .where('user_id', '=', arg<number>(0)))
// PostgreSQL estimates a user's coupons from table statistics, which lag behind a bulk load; misjudged, it
// hashes the whole selections table (7 ms at 40,000 rows, and growing) to find a user's dozen bets. The
// lateral subquery behind `offset 0` cannot be flattened into that join, so each of the user's coupons is one
// primary-key range read of selections whatever the statistics say.
const pgBetEventIds = (db: Kysely<Tables>, userId: number, at: number) => sql<{ event_id: number }>`
  select distinct s.event_id from coupons c
  cross join lateral (select event_id from selections where selections.coupon_id = c.id offset 0) s
  where c.user_id = ${userId} and c.placed_at <= ${at}::bigint`.execute(db)
const maxDuration = prepared((db) => db.selectFrom('meta').select('value').where('key', '=', 'max_event_duration'))
// Skipped events are left out in SQL, on the index (which holds id and end_ts), so only the rows that
// fill slots are read from the table: a user with many bets no longer costs a long fetch per sport.
const openOfSport = prepared((db) => eventRepository(db).selectEvents()
  .where('events.sport', '=', arg<string>(0)).where('events.begin_ts', '>=', arg<number>(1)).where('events.end_ts', '>', arg<number>(2))
  .where(notInIdsArg(db, 'events.id', arg(4)))
  .orderBy('events.begin_ts').orderBy('events.id').limit(arg<number>(3)))
const popularOpen = prepared((db) => eventRepository(db).selectEvents().where('events.end_ts', '>', arg<number>(0))
  .where(notInIdsArg(db, 'events.id', arg(2)))
  .orderBy('events.bet_count', 'desc').orderBy('events.begin_ts').orderBy('events.id').limit(arg<number>(1)))

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
        const { rows } = await liveSportStats(db, userId)
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

    /** Events the user bet on at or before `at` (the `?at=` path; live, the bets are rows of the user's profile). */
    async betEventIds (userId: number, at: number): Promise<Set<number>> {
      if (isPostgres(db)) return new Set((await pgBetEventIds(db, userId, at)).rows.map((r) => Number(r.event_id)))
      const rows = await db.selectFrom('coupons').innerJoin('selections', 'selections.coupon_id', 'coupons.id')
        .select('selections.event_id').distinct().where('coupons.user_id', '=', userId).where('coupons.placed_at', '<=', at)
        .execute()
      return new Set(rows.map((r) => r.event_id))
    },

    /** The longest event stored: an event still open at `now` began after `now` minus this. */
    async maxEventDuration (): Promise<number> {
      const { rows: [row] } = await maxDuration(db)
      return Number(row?.value ?? 0)
    },

    /** Open events of a sport, soonest first, then lowest id, other than the skipped ones. */
    async openEventsOfSport (sport: string, now: number, notBefore: number, limit: number, skip: readonly number[] = []): Promise<Event[]> {
      const { rows } = await openOfSport(db, sport, notBefore, now, limit, idsArg(db, skip))
      return rows.map(toEvent)
    },

    /** Open events, most bet on first (then soonest, then lowest id); events nobody bet on come last. */
    async popularOpenEvents (now: number, limit: number, at?: number, skip: readonly number[] = []): Promise<Event[]> {
      if (at === undefined) {
        const { rows } = await popularOpen(db, now, limit, idsArg(db, skip))
        return rows.map(toEvent)
      }
      const betsAt = db.selectFrom('selections').innerJoin('coupons', 'coupons.id', 'selections.coupon_id')
        .select((eb) => ['selections.event_id', eb.fn.countAll<number>().as('bets')])
        .where('coupons.placed_at', '<=', at).groupBy('selections.event_id').as('b')
      const rows = await events.selectEvents().leftJoin(betsAt, 'b.event_id', 'events.id')
        .where('events.end_ts', '>', now).where(notInIdsArg(db, 'events.id', idsArg(db, skip)))
        .orderBy(sql`coalesce(b.bets, 0)`, 'desc').orderBy('events.begin_ts').orderBy('events.id').limit(limit).execute()
      return rows.map(toEvent)
    },

    /**
     * Empties the state kept on write, before a rebuild replays every event and coupon through the write
     * path's tally (POST /recommendation/generate); the longest event duration is recomputed here.
     */
    async clearState (): Promise<void> {
      for (const table of ['user_sport_stats', 'user_features', 'event_features', 'lead_times', 'event_pairs', 'league_pairs'] as const) await db.deleteFrom(table).execute()
      await db.updateTable('events').set({ bet_count: 0, trend: 0, trend_at: 0 }).execute()
      await sql`update meta set value = coalesce((select max(end_ts - begin_ts) from events), 0) where key = 'max_event_duration'`.execute(db)
      await sql`update meta set value = 0 where key = 'recommender_state_stale'`.execute(db)
    },

    /** True when the state must be rebuilt before it is used (a database upgraded from before it existed). */
    async stateIsStale (): Promise<boolean> {
      const row = await db.selectFrom('meta').select('value').where('key', '=', 'recommender_state_stale').executeTakeFirst()
      return Number(row?.value ?? 0) === 1
    }
  }
}
