// All SQL about tastes: events by feature (the candidates of a taste) and each user's time-decayed weight
// per feature. Decay is applied in the upsert itself, so concurrent writers need no read-modify-write.
import { sql, type Kysely } from 'kysely'
import { isPostgres } from '../dialect.ts'
import type { Tables } from '../tables.ts'
import { decayFactorSql, greatest, rowsOf, type Column } from './batch.ts'
import { arg, prepared } from './prepared.ts'

export interface EventFeatureRow { feature: string, eventId: number, begin: number, end: number }
/** What stored coupons add to a user's feature: `weight` as of `at`. */
export interface UserFeatureDelta { userId: number, feature: string, weight: number, at: number, bets: number, coupons: number }
export interface UserFeatureRow { feature: string, weight: number, at: number, bets: number, coupons: number }
/** A user's selection as the `?at=` path reads it: the coupon's time and the event's facts. */
export interface UserSelectionRow { couponId: number, placedAt: number, eventId: number, begin_timestamp: number, sport: string, country: string, league: string, participants: string[] }
export interface FeatureMatch { feature: string, eventId: number, begin: number }

const FEATURE_COLUMNS: readonly Column[] = [
  { name: 'feature', pgType: 'text' }, { name: 'begin_ts', pgType: 'bigint' }, { name: 'event_id', pgType: 'bigint' }, { name: 'end_ts', pgType: 'bigint' }
]
const USER_COLUMNS: readonly Column[] = [
  { name: 'user_id', pgType: 'bigint' }, { name: 'feature', pgType: 'text' }, { name: 'weight', pgType: 'double precision' },
  { name: 'last_at', pgType: 'bigint' }, { name: 'bets', pgType: 'integer' }, { name: 'coupons', pgType: 'integer' }
]

const liveUserFeatures = prepared((db) => db.selectFrom('user_features').select(['feature', 'weight', 'last_at', 'bets', 'coupons'])
  .where('user_id', '=', arg<number>(0)))
/**
 * Features one candidates statement looks up: a small shape for the usual few (most of a profile's
 * features come from the recommender's cache) and a large one for a whole profile.
 */
const FEATURE_SHAPES = [4, 16] as const

// Per feature, its soonest open events: one index range scan per feature that stops at its limit, all in
// one statement (a UNION ALL of fixed shape, so it is prepared once per shape). Unused slots look up ''
// and find nothing. A window function over all of a feature's open events read them all before keeping a few.
function openByFeatures (slots: number) {
  return prepared<{ feature: string, event_id: number, begin_ts: number }, unknown[]>((db) => {
    const [notBefore, until, now] = [arg(2 * slots), arg(2 * slots + 1), arg(2 * slots + 2)]
    const parts = Array.from({ length: slots }, (_, i) => sql`select * from (select feature, event_id, begin_ts from event_features
      where feature = ${arg(i)} and begin_ts >= ${notBefore} and begin_ts < ${until} and end_ts > ${now}
      order by begin_ts, event_id limit ${arg(slots + i)}) as ${sql.raw(`f${i}`)}`)
    const query = sql<{ feature: string, event_id: number, begin_ts: number }>`${sql.join(parts, sql` union all `)}`
    return { compile: () => query.compile(db) }
  })
}
const openByFeatureShapes = FEATURE_SHAPES.map((slots) => ({ slots, run: openByFeatures(slots) }))

// On PostgreSQL a user's selections are read coupon by coupon (see recommendations.ts, pgBetEventIds): with
// statistics behind a bulk load the planner would otherwise hash the whole selections table.
const pgOpenBets = (db: Kysely<Tables>, userId: number, now: number, limit: number, at: number | null) =>
  sql<{ event_id: number, begin_ts: number, names: string }>`
    select s.event_id, e.begin_ts, p.names, max(c.placed_at) as placed from coupons c
    cross join lateral (select event_id from selections where selections.coupon_id = c.id offset 0) s
    inner join events e on e.id = s.event_id
    inner join participants p on p.id = e.participants_id
    where c.user_id = ${userId} and e.end_ts > ${now} and (${at}::bigint is null or c.placed_at <= ${at}::bigint)
    group by s.event_id, e.begin_ts, p.names
    order by placed desc, s.event_id limit ${limit}`.execute(db)

export function tasteRepository (db: Kysely<Tables>) {
  return {
    async addEventFeatures (rows: EventFeatureRow[]): Promise<void> {
      if (rows.length === 0) return
      await sql`insert into event_features (feature, begin_ts, event_id, end_ts)
        ${rowsOf(db, FEATURE_COLUMNS, rows.map((r) => [r.feature, r.begin, r.eventId, r.end]))}
        on conflict do nothing`.execute(db)
    },

    /**
     * Adds decayed weights and counts to users' features in one statement. Both sums are brought to the
     * later instant before adding, so the order coupons arrive in does not matter. Rows go in key order:
     * concurrent transactions then lock them in the same order and cannot deadlock on PostgreSQL.
     */
    async addUserFeatures (deltas: UserFeatureDelta[], halfLifeMicros: number): Promise<void> {
      if (deltas.length === 0) return
      const ordered = [...deltas].sort((a, b) => a.userId - b.userId || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0))
      const latest = greatest(db, sql`excluded.last_at`, sql`user_features.last_at`)
      const decay = (from: string) => decayFactorSql(db, sql`${latest} - ${sql.raw(from)}`, halfLifeMicros)
      await sql`insert into user_features (user_id, feature, weight, last_at, bets, coupons)
        ${rowsOf(db, USER_COLUMNS, ordered.map((d) => [d.userId, d.feature, d.weight, d.at, d.bets, d.coupons]))}
        on conflict (user_id, feature) do update set
          weight = user_features.weight * ${decay('user_features.last_at')} + excluded.weight * ${decay('excluded.last_at')},
          last_at = ${latest},
          bets = user_features.bets + excluded.bets,
          coupons = user_features.coupons + excluded.coupons`.execute(db)
    },

    async userFeatures (userId: number): Promise<UserFeatureRow[]> {
      const { rows } = await liveUserFeatures(db, userId)
      return rows.map((r) => ({ feature: r.feature, weight: Number(r.weight), at: Number(r.last_at), bets: Number(r.bets), coupons: Number(r.coupons) }))
    },

    /** The user's selections placed at or before `at`, with their events' facts (the `?at=` profile). */
    async userSelections (userId: number, at: number): Promise<UserSelectionRow[]> {
      const rows = await db.selectFrom('coupons')
        .innerJoin('selections', 'selections.coupon_id', 'coupons.id')
        .innerJoin('events', 'events.id', 'selections.event_id')
        .innerJoin('participants', 'participants.id', 'events.participants_id')
        .select(['coupons.id', 'coupons.placed_at', 'selections.event_id', 'events.begin_ts', 'events.sport', 'events.country', 'events.league', 'participants.names'])
        .where('coupons.user_id', '=', userId).where('coupons.placed_at', '<=', at)
        .orderBy('coupons.placed_at').orderBy('coupons.id').orderBy('selections.position')
        .execute()
      return rows.map((r) => ({
        couponId: Number(r.id), placedAt: Number(r.placed_at), eventId: Number(r.event_id), begin_timestamp: Number(r.begin_ts), sport: r.sport, country: r.country, league: r.league, participants: JSON.parse(r.names) as string[]
      }))
    },

    /**
     * Up to `limit` open events of each feature (begun at or after `notBefore` and before `until`, ending
     * after `now`), soonest first.
     */
    async openEventsByFeature (features: ReadonlyArray<{ key: string, limit: number }>, now: number, notBefore: number, until: number): Promise<FeatureMatch[]> {
      const matches: FeatureMatch[] = []
      const largest = openByFeatureShapes[openByFeatureShapes.length - 1] as (typeof openByFeatureShapes)[number]
      for (let i = 0; i < features.length; i += largest.slots) {
        const left = features.length - i
        const shape = openByFeatureShapes.find((s) => s.slots >= left) ?? largest
        const slots = Array.from({ length: shape.slots }, (_, j) => features[i + j])
        const { rows } = await shape.run(db, ...slots.map((f) => f?.key ?? ''), ...slots.map((f) => f?.limit ?? 0), notBefore, until, now)
        for (const r of rows) matches.push({ feature: r.feature, eventId: Number(r.event_id), begin: Number(r.begin_ts) })
      }
      return matches
    },

    /** The user's most recently bet events still open at `now` (coupons placed by `at`, when given). */
    async openBets (userId: number, now: number, limit: number, at?: number): Promise<Array<{ eventId: number, begin: number, participants: string[] }>> {
      if (isPostgres(db)) {
        const { rows } = await pgOpenBets(db, userId, now, limit, at ?? null)
        return rows.map((r) => ({ eventId: Number(r.event_id), begin: Number(r.begin_ts), participants: JSON.parse(r.names) as string[] }))
      }
      let query = db.selectFrom('coupons')
        .innerJoin('selections', 'selections.coupon_id', 'coupons.id')
        .innerJoin('events', 'events.id', 'selections.event_id')
        .innerJoin('participants', 'participants.id', 'events.participants_id')
        .select(['selections.event_id', 'events.begin_ts', 'participants.names', (eb) => eb.fn.max('coupons.placed_at').as('placed')])
        .where('coupons.user_id', '=', userId).where('events.end_ts', '>', now)
      if (at !== undefined) query = query.where('coupons.placed_at', '<=', at)
      const rows = await query.groupBy(['selections.event_id', 'events.begin_ts', 'participants.names'])
        .orderBy('placed', 'desc').orderBy('selections.event_id').limit(limit).execute()
      return rows.map((r) => ({ eventId: Number(r.event_id), begin: Number(r.begin_ts), participants: JSON.parse(r.names) as string[] }))
    }
  }
}
