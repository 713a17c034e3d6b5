// All SQL about what is bet together: event pairs and league pairs from coupons with several selections,
// kept on write, and the same event pairs aggregated from the raw coupons for `?at=` questions.
import { sql, type Kysely } from 'kysely'
import type { Tables } from '../tables.ts'
import { idsArg, inIds, inIdsArg, inTextsArg, notInIdsArg, rowsOf, textsArg, type Column } from './batch.ts'
import { isPostgres } from '../dialect.ts'
import { arg, prepared } from './prepared.ts'

export interface EventPairDelta { eventId: number, otherId: number, together: number }
export interface LeaguePairDelta { league: string, other: string, together: number }
export interface Partner { eventId: number, begin: number, together: number }

const EVENT_PAIR_COLUMNS: readonly Column[] = [{ name: 'event_id', pgType: 'bigint' }, { name: 'other_id', pgType: 'bigint' }, { name: 'together', pgType: 'integer' }]
const LEAGUE_PAIR_COLUMNS: readonly Column[] = [{ name: 'league', pgType: 'text' }, { name: 'other', pgType: 'text' }, { name: 'together', pgType: 'integer' }]

// Partners of the given events that are still open, most often together first; the given events and the
// skipped ones are left out on the pairs' own rows. On PostgreSQL the pairs are summed per partner before
// the join, so `events` is joined to one row per partner rather than one per pair (two events with some
// 760 partners in a table of 5.9 million pairs: 9 -> 6 ms, with the covering key of migration 0007).
const livePartners = prepared<{ other_id: number, begin_ts: number, together: number }, unknown[]>((db) => {
  if (!isPostgres(db)) {
    return db.selectFrom('event_pairs')
      .innerJoin('events', 'events.id', 'event_pairs.other_id')
      .select(['event_pairs.other_id', 'events.begin_ts', (eb) => eb.fn.sum<number>('event_pairs.together').as('together')])
      .where(inIdsArg(db, 'event_pairs.event_id', arg(0)))
      .where(notInIdsArg(db, 'event_pairs.other_id', arg(1)))
      .where('events.end_ts', '>', arg<number>(2))
      .groupBy(['event_pairs.other_id', 'events.begin_ts'])
      .orderBy('together', 'desc').orderBy('event_pairs.other_id')
      .limit(arg<number>(3))
  }
  return db.selectFrom((eb) => eb.selectFrom('event_pairs')
    .select(['other_id', (e) => e.fn.sum<number>('together').as('together')])
    .where(inIdsArg(db, 'event_id', arg(0)))
    .where(notInIdsArg(db, 'other_id', arg(1)))
    .groupBy('other_id').as('p'))
    .innerJoin('events', 'events.id', 'p.other_id')
    .select(['p.other_id', 'events.begin_ts', 'p.together'])
    .where('events.end_ts', '>', arg<number>(2))
    .orderBy('p.together', 'desc').orderBy('p.other_id')
    .limit(arg<number>(3))
})
const leaguePartners = prepared((db) => db.selectFrom('league_pairs').select(['league', 'other', 'together'])
  .where(inTextsArg(db, 'league', arg(0))))

export function coBetRepository (db: Kysely<Tables>) {
  return {
    async addEventPairs (deltas: EventPairDelta[]): Promise<void> {
      if (deltas.length === 0) return
      // Key order, so concurrent transactions lock rows in the same order (see tastes.ts).
      const ordered = [...deltas].sort((a, b) => a.eventId - b.eventId || a.otherId - b.otherId)
      await sql`insert into event_pairs (event_id, other_id, together)
        ${rowsOf(db, EVENT_PAIR_COLUMNS, ordered.map((d) => [d.eventId, d.otherId, d.together]))}
        on conflict (event_id, other_id) do update set together = event_pairs.together + excluded.together`.execute(db)
    },

    async addLeaguePairs (deltas: LeaguePairDelta[]): Promise<void> {
      if (deltas.length === 0) return
      const ordered = [...deltas].sort((a, b) => a.league < b.league ? -1 : a.league > b.league ? 1 : a.other < b.other ? -1 : a.other > b.other ? 1 : 0)
      await sql`insert into league_pairs (league, other, together)
        ${rowsOf(db, LEAGUE_PAIR_COLUMNS, ordered.map((d) => [d.league, d.other, d.together]))}
        on conflict (league, other) do update set together = league_pairs.together + excluded.together`.execute(db)
    },

    /**
     * Open events bet together with any of `eventIds` (ending after `now`), most often first, other than
     * `skip`. With `at`, only coupons placed by then count (aggregated from the raw selections).
     */
    async partners (eventIds: readonly number[], now: number, limit: number, skip: readonly number[], at?: number): Promise<Partner[]> {
      if (eventIds.length === 0) return []
      if (at === undefined) {
        const { rows } = await livePartners(db, idsArg(db, eventIds), idsArg(db, skip), now, limit)
        return rows.map((r) => ({ eventId: Number(r.other_id), begin: Number(r.begin_ts), together: Number(r.together) }))
      }
      // Distinct (coupon, event) first: a coupon naming an event twice pairs it once, as on the write path.
      const { rows } = await sql<{ event_id: number, begin_ts: number, together: number }>`
        with mine as (
          select distinct s.coupon_id, s.event_id from selections s join coupons c on c.id = s.coupon_id
          where ${inIds(db, 's.event_id', eventIds)} and c.placed_at <= ${at}
        ), other as (
          select distinct s.coupon_id, s.event_id from selections s where s.coupon_id in (select coupon_id from mine)
        )
        select other.event_id, e.begin_ts, count(*) as together
        from mine join other on other.coupon_id = mine.coupon_id and other.event_id <> mine.event_id
        join events e on e.id = other.event_id
        where e.end_ts > ${now} and ${notInIdsArg(db, 'other.event_id', idsArg(db, skip))}
        group by other.event_id, e.begin_ts order by together desc, other.event_id limit ${limit}`.execute(db)
      return rows.map((r) => ({ eventId: Number(r.event_id), begin: Number(r.begin_ts), together: Number(r.together) }))
    },

    /** Every league bet together with any of `leagues`, with how often. */
    async leaguePartners (leagues: readonly string[]): Promise<LeaguePairDelta[]> {
      if (leagues.length === 0) return []
      const { rows } = await leaguePartners(db, textsArg(db, leagues))
      return rows.map((r) => ({ league: r.league, other: r.other, together: Number(r.together) }))
    }
  }
}
