// Versioned schema migrations, applied at start-up on SQLite and PostgreSQL alike.
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import { createHash } from 'node:crypto'
import type { Dialect } from './dialect.ts'

// Written against Kysely<any>: a migration describes the schema as it was at that version, not as the
// current table types say.
function migrations (dialect: Dialect): Record<string, Migration> {
  return {
    '0001_initial': {
      async up (db: Kysely<any>) {
        await db.schema.createTable('users')
          .addColumn('id', 'bigint', (c) => c.primaryKey())
          .addColumn('birth_year', 'integer', (c) => c.notNull())
          .addColumn('country', 'text', (c) => c.notNull())
          .addColumn('currency', 'text', (c) => c.notNull())
          .addColumn('gender', 'text', (c) => c.notNull())
          .addColumn('registration_date', 'bigint', (c) => c.notNull())
          .addColumn('registration_date_auto', 'integer', (c) => c.notNull())
          .execute()

        const participants = db.schema.createTable('participants')
        await (dialect === 'postgres'
          ? participants.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
          : participants.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()))
          .addColumn('names', 'text', (c) => c.notNull().unique())
          .execute()

        await db.schema.createTable('events')
          .addColumn('id', 'bigint', (c) => c.primaryKey())
          .addColumn('begin_ts', 'bigint', (c) => c.notNull())
          .addColumn('end_ts', 'bigint', (c) => c.notNull())
          .addColumn('country', 'text', (c) => c.notNull())
          .addColumn('league', 'text', (c) => c.notNull())
          .addColumn('sport', 'text', (c) => c.notNull())
          .addColumn('participants_id', 'integer', (c) => c.notNull().references('participants.id'))
          .addColumn('bet_count', 'integer', (c) => c.notNull().defaultTo(0))
          .execute()
        // Candidates of a sport, soonest first (recommender step 2).
        await db.schema.createIndex('events_sport_begin').on('events').columns(['sport', 'begin_ts', 'id']).execute()
        // Most-bet-on open events (fill and cold start).
        await db.schema.createIndex('events_popularity').on('events').columns(['bet_count desc', 'begin_ts', 'id']).execute()

        await db.schema.createTable('coupons')
          .addColumn('id', 'bigint', (c) => c.primaryKey())
          .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
          .addColumn('stake', 'double precision', (c) => c.notNull())
          .addColumn('placed_at', 'bigint', (c) => c.notNull())
          .addColumn('placed_at_auto', 'integer', (c) => c.notNull())
          .execute()
        // A user's coupons, newest first.
        await db.schema.createIndex('coupons_user_placed').on('coupons').columns(['user_id', 'placed_at desc', 'id desc']).execute()

        await db.schema.createTable('selections')
          .addColumn('coupon_id', 'bigint', (c) => c.notNull().references('coupons.id'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('event_id', 'bigint', (c) => c.notNull().references('events.id'))
          .addColumn('odds', 'double precision', (c) => c.notNull())
          .addPrimaryKeyConstraint('selections_pk', ['coupon_id', 'position'])
          .execute()
        await db.schema.createIndex('selections_event').on('selections').column('event_id').execute()

        await db.schema.createTable('user_sport_stats')
          .addColumn('user_id', 'bigint', (c) => c.notNull())
          .addColumn('sport', 'text', (c) => c.notNull())
          .addColumn('bets', 'integer', (c) => c.notNull())
          .addColumn('last_bet_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('user_sport_stats_pk', ['user_id', 'sport'])
          .execute()

        await db.schema.createTable('meta')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'bigint', (c) => c.notNull())
          .execute()
        await sql`insert into meta (key, value) values ('max_event_duration', 0)`.execute(db)
      },
      async down (db: Kysely<any>) {
        for (const table of ['meta', 'user_sport_stats', 'selections', 'coupons', 'events', 'participants', 'users']) {
          await db.schema.dropTable(table).execute()
        }
      }
    },
    // A participant list is unique by its digest: PostgreSQL refuses index rows over 2704 bytes, and fifty
    // names of 200 characters are far more. SQLite has no such limit and cannot drop a column's unique
    // constraint without rebuilding the table, so there the old constraint stays beside the new index.
    '0002_participants_digest': {
      async up (db: Kysely<any>) {
        await db.schema.alterTable('participants').addColumn('names_digest', 'text').execute()
        const rows = await db.selectFrom('participants').select(['id', 'names']).execute()
        for (const row of rows as Array<{ id: number, names: string }>) {
          // The digest as repositories/events.ts computes it, written out here: a migration must not change
          // when live code does.
          const digest = createHash('sha256').update(row.names).digest('hex')
          await db.updateTable('participants').set({ names_digest: digest }).where('id', '=', row.id).execute()
        }
        await db.schema.createIndex('participants_names_digest').unique().on('participants').column('names_digest').execute()
        if (dialect === 'postgres') await sql`alter table participants drop constraint if exists participants_names_key`.execute(db)
      },
      async down (db: Kysely<any>) {
        if (dialect === 'postgres') await sql`alter table participants add constraint participants_names_key unique (names)`.execute(db)
        await db.schema.dropIndex('participants_names_digest').execute()
        await db.schema.alterTable('participants').dropColumn('names_digest').execute()
      }
    },
    // The recommender's two event scans filter on end_ts (still open) and leave out events by id: with
    // both in the index, rows that do not qualify are skipped without reading the table.
    '0003_open_event_indexes': {
      async up (db: Kysely<any>) {
        await db.schema.createIndex('events_sport_open').on('events').columns(['sport', 'begin_ts', 'id', 'end_ts']).execute()
        await db.schema.createIndex('events_popular_open').on('events').columns(['bet_count desc', 'begin_ts', 'id', 'end_ts']).execute()
        await db.schema.dropIndex('events_sport_begin').execute()
        await db.schema.dropIndex('events_popularity').execute()
      },
      async down (db: Kysely<any>) {
        await db.schema.createIndex('events_sport_begin').on('events').columns(['sport', 'begin_ts', 'id']).execute()
        await db.schema.createIndex('events_popularity').on('events').columns(['bet_count desc', 'begin_ts', 'id']).execute()
        await db.schema.dropIndex('events_sport_open').execute()
        await db.schema.dropIndex('events_popular_open').execute()
      }
    },
    // The state of the affinity, trending and co-bet algorithms. The tables start empty; when coupons are
    // already stored, `recommender_state_stale` tells the API to rebuild them at start-up (a migration
    // describes the schema, it does not run the recommender's code).
    '0004_recommender_state': {
      async up (db: Kysely<any>) {
        // On SQLite these tables are WITHOUT ROWID: rows live in their primary key's order, so a user's
        // profile or a feature's events are one range scan, and an upsert updates one B-tree, not two.
        const clustered = <T extends { modifyEnd: (node: ReturnType<typeof sql.raw>) => T }> (table: T): T =>
          dialect === 'sqlite' ? table.modifyEnd(sql.raw('without rowid')) : table
        // Open events per feature (sport, league, participant), soonest first: the candidates of a taste.
        // end_ts is in the key so that the "still open" test is read from the index alone.
        await clustered(db.schema.createTable('event_features')
          .addColumn('feature', 'text', (c) => c.notNull())
          .addColumn('begin_ts', 'bigint', (c) => c.notNull())
          .addColumn('event_id', 'bigint', (c) => c.notNull())
          .addColumn('end_ts', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('event_features_pk', ['feature', 'begin_ts', 'event_id', 'end_ts']))
          .execute()
        // A user's time-decayed taste per feature: weight as of last_at, raw selection and coupon counts.
        await clustered(db.schema.createTable('user_features')
          .addColumn('user_id', 'bigint', (c) => c.notNull())
          .addColumn('feature', 'text', (c) => c.notNull())
          .addColumn('weight', 'double precision', (c) => c.notNull())
          .addColumn('last_at', 'bigint', (c) => c.notNull())
          .addColumn('bets', 'integer', (c) => c.notNull())
          .addColumn('coupons', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('user_features_pk', ['user_id', 'feature']))
          .execute()
        // Events on one coupon together, both ways round.
        await clustered(db.schema.createTable('event_pairs')
          .addColumn('event_id', 'bigint', (c) => c.notNull())
          .addColumn('other_id', 'bigint', (c) => c.notNull())
          .addColumn('together', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('event_pairs_pk', ['event_id', 'other_id']))
          .execute()
        // Leagues on one coupon together (a league with itself too), both ways round: outlives the events.
        await clustered(db.schema.createTable('league_pairs')
          .addColumn('league', 'text', (c) => c.notNull())
          .addColumn('other', 'text', (c) => c.notNull())
          .addColumn('together', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('league_pairs_pk', ['league', 'other']))
          .execute()
        // How long before kick-off bets are placed: selections per whole hour of lead time.
        await db.schema.createTable('lead_times')
          .addColumn('hours', 'integer', (c) => c.primaryKey())
          .addColumn('bets', 'integer', (c) => c.notNull())
          .execute()
        // An event's time-decayed bet volume, as of trend_at.
        await db.schema.alterTable('events').addColumn('trend', 'double precision', (c) => c.notNull().defaultTo(0)).execute()
        await db.schema.alterTable('events').addColumn('trend_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute()
        await sql`insert into meta (key, value) select 'recommender_state_stale', case when exists (select 1 from events) then 1 else 0 end`.execute(db)
      },
      async down (db: Kysely<any>) {
        for (const table of ['lead_times', 'league_pairs', 'event_pairs', 'user_features', 'event_features']) await db.schema.dropTable(table).execute()
        await db.schema.alterTable('events').dropColumn('trend_at').execute()
        await db.schema.alterTable('events').dropColumn('trend').execute()
        await sql`delete from meta where key = 'recommender_state_stale'`.execute(db)
      }
    },
    // Responsible gambling: each user's flags, the audit history of every change that moved one, and the
    // change ids already applied (a replayed change, even one that moved nothing, must not apply again).
    '0005_responsible_gambling': {
      async up (db: Kysely<any>) {
        await db.schema.createTable('guardrails')
          .addColumn('user_id', 'bigint', (c) => c.primaryKey().references('users.id'))
          .addColumn('self_excluded_until', 'bigint')
          .addColumn('marketing_opt_out', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'bigint')
          .execute()
        await db.schema.createTable('guardrail_history')
          .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('reason', 'text')
          .addColumn('change_id', 'bigint')
          .addColumn('changes', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('guardrail_history_pk', ['user_id', 'seq'])
          .execute()
        await db.schema.createTable('guardrail_change_ids')
          .addColumn('change_id', 'bigint', (c) => c.primaryKey())
          .addColumn('user_id', 'bigint', (c) => c.notNull())
          .execute()
      },
      async down (db: Kysely<any>) {
        for (const table of ['guardrail_change_ids', 'guardrail_history', 'guardrails']) await db.schema.dropTable(table).execute()
      }
    },
    // Each user's profile (user_features) now also holds one row per event they bet on, which a GET reads
    // instead of joining all their coupons to their selections. A database with coupons gets the rows from
    // the recommender's rebuild at the API's next start, as after 0004.
    '0006_bets_in_profiles': {
      async up (db: Kysely<any>) {
        await sql`update meta set value = case when exists (select 1 from coupons) then 1 else 0 end where key = 'recommender_state_stale'`.execute(db)
      },
      async down (db: Kysely<any>) {
        await sql`delete from user_features where feature like 'bet:%'`.execute(db)
      }
    },
    // A slip's partners are read from event_pairs by event_id. On SQLite the table is clustered by its key;
    // on PostgreSQL it is a heap, and fetching `together` from it cost a page per pair: 7,200 pages and
    // 94 ms for two events with 8,000 pairs in a table of 5.9 million. With `together` in the key's index
    // the read is an index-only scan (18 ms, the rest being the join and the sort).
    '0007_event_pairs_covering_key': {
      async up (db: Kysely<any>) {
        if (dialect !== 'postgres') return
        await sql`alter table event_pairs drop constraint event_pairs_pk,
          add constraint event_pairs_pk primary key (event_id, other_id) include (together)`.execute(db)
      },
      async down (db: Kysely<any>) {
        if (dialect !== 'postgres') return
        await sql`alter table event_pairs drop constraint event_pairs_pk,
          add constraint event_pairs_pk primary key (event_id, other_id)`.execute(db)
      }
    }
  }
}

export function migrationProvider (dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) }
}
