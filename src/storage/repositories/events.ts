// All SQL about events and their participant lists.
import { createHash } from 'node:crypto'
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Event, NewEvent } from '../../domain/entities.ts'
import type { Tables } from '../tables.ts'
import { isPostgres } from '../dialect.ts'
import { decayFactorSql, greatest, inIds, rowsOf, type Column } from './batch.ts'

/** What stored coupons add to an event: selections, and their decayed sum as of `at`. */
export interface EventBetDelta { eventId: number, bets: number, trend: number, at: number }

const BET_COLUMNS: readonly Column[] = [
  { name: 'id', pgType: 'bigint' }, { name: 'n', pgType: 'integer' }, { name: 'trend', pgType: 'double precision' }, { name: 'at', pgType: 'bigint' }
]

const EVENT_COLUMNS = [
  'events.id', 'events.begin_ts', 'events.end_ts', 'events.country', 'events.league', 'events.sport',
  'events.participants_id', 'participants.names'
] as const

export interface EventRow {
  id: number
  begin_ts: number
  end_ts: number
  country: string
  league: string
  sport: string
  participants_id: number
  names: string
}

export function toEvent (row: EventRow): Event {
  return {
    id: row.id,
    begin_timestamp: row.begin_ts,
    end_timestamp: row.end_ts,
    country: row.country,
    league: row.league,
    sport: row.sport,
    participants: JSON.parse(row.names) as string[],
    participants_id: row.participants_id
  }
}

/**
 * The unique key of a participant list: the SHA-256 of its JSON text. The text itself can be longer than
 * PostgreSQL accepts in an index row (2704 bytes). Stored keys depend on it: never change this function.
 */
export function participantsDigest (names: string): string {
  return createHash('sha256').update(names).digest('hex')
}

export function eventRepository (db: Kysely<Tables>) {
  const selectEvents = () => db.selectFrom('events').innerJoin('participants', 'participants.id', 'events.participants_id').select(EVENT_COLUMNS)

  return {
    selectEvents,

    /** The id of a participant list, storing the list the first time it is seen. */
    async participantsId (participants: string[]): Promise<number> {
      const names = JSON.stringify(participants)
      const digest = participantsDigest(names)
      if (isPostgres(db)) {
        // One round trip: the inserted row's id, or the stored one's. The select reads the statement's
        // snapshot, which misses a list another transaction committed meanwhile; the lookup below sees it.
        const { rows: [stored] } = await sql<{ id: number }>`with added as (
            insert into participants (names, names_digest) values (${names}, ${digest}) on conflict do nothing returning id)
          select id from added union all select id from participants where names_digest = ${digest} limit 1`.execute(db)
        if (stored !== undefined) return stored.id
      } else {
        // No conflict target: on SQLite the old unique constraint on `names` still exists beside the digest's.
        await db.insertInto('participants').values({ names, names_digest: digest }).onConflict((oc) => oc.doNothing()).execute()
      }
      const row = await db.selectFrom('participants').select('id').where('names_digest', '=', digest).executeTakeFirstOrThrow()
      return row.id
    },

    /** Inserts unless the id exists; true when this call stored it. */
    async insert (event: NewEvent & { id: number }, participantsId: number): Promise<boolean> {
      const insert = db.insertInto('events').values({
        id: event.id,
        begin_ts: event.begin_timestamp,
        end_ts: event.end_timestamp,
        country: event.country,
        league: event.league,
        sport: event.sport,
        participants_id: participantsId
      }).onConflict((oc) => oc.column('id').doNothing())
      // The longest event so far bounds how far back the recommender must look for events still open.
      const duration = event.end_timestamp - event.begin_timestamp
      const lengthen = db.updateTable('meta').set({ value: duration }).where('key', '=', 'max_event_duration').where('value', '<', duration)
      if (isPostgres(db)) {
        // One round trip: the meta row moves only when the insert returned a row.
        const { rows: [row] } = await sql<{ inserted: number }>`with added as (${insert.returning('id')}),
          lengthened as (${lengthen.where(sql<boolean>`exists (select 1 from added)`)})
          select count(*)::integer as inserted from added`.execute(db)
        return (row?.inserted ?? 0) > 0
      }
      const result = await insert.executeTakeFirst()
      const inserted = Number(result.numInsertedOrUpdatedRows ?? 0n) > 0
      if (inserted) await lengthen.execute()
      return inserted
    },

    async find (id: number): Promise<Event | undefined> {
      const row = await selectEvents().where('events.id', '=', id).executeTakeFirst()
      return row === undefined ? undefined : toEvent(row)
    },

    /** The stored ones among the given events, by id. */
    async findMany (ids: readonly number[]): Promise<Map<number, Event>> {
      if (ids.length === 0) return new Map()
      const rows = await selectEvents().where(inIds(db, 'events.id', ids)).execute()
      return new Map(rows.map((r) => [Number(r.id), toEvent(r)]))
    },

    /**
     * Adds to events' popularity, all events in one statement: the all-time count, and the time-decayed
     * trend, brought to the later instant before adding (so arrival order does not matter).
     */
    async addBets (deltas: readonly EventBetDelta[], trendHalfLifeMicros: number): Promise<void> {
      if (deltas.length === 0) return
      const rows = [...deltas].sort((a, b) => a.eventId - b.eventId).map((d) => [d.eventId, d.bets, d.trend, d.at])
      // PostgreSQL locks the rows an UPDATE ... FROM touches in the join's order; taking the locks first in
      // id order means concurrent writers always queue in the same order and cannot deadlock. NO KEY
      // UPDATE is the mode the UPDATE itself takes: it does not wait for the key-share locks that other
      // transactions' new selections hold on these events (FOR UPDATE would, and deadlock with them).
      if (isPostgres(db)) {
        await sql`select id from events where ${inIds(db, 'id', rows.map((r) => r[0] as number))} order by id for no key update`.execute(db)
      }
      const latest = greatest(db, sql`r.at`, sql`events.trend_at`)
      const decay = (from: RawBuilder<unknown>) => decayFactorSql(db, sql`${latest} - ${from}`, trendHalfLifeMicros)
      await sql`update events set bet_count = bet_count + r.n,
          trend = events.trend * ${decay(sql`events.trend_at`)} + r.trend * ${decay(sql`r.at`)},
          trend_at = ${latest}
        from (${rowsOf(db, BET_COLUMNS, rows)}) as r
        where events.id = r.id`.execute(db)
    },

    /** Events by id after `afterId`, `limit` at a time (state rebuilds). */
    async page (afterId: number, limit: number): Promise<Event[]> {
      const rows = await selectEvents().where('events.id', '>', afterId).orderBy('events.id').limit(limit).execute()
      return rows.map(toEvent)
    },

    async count (): Promise<number> {
      const row = await db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      return Number(row.n)
    }
  }
}
