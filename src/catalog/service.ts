// Stores and reads users, events and coupons. Every write is idempotent by id: the same content again
// answers the stored record, different content is a conflict. Each write runs in one transaction, so a
// refused coupon leaves nothing behind, and what a stored record does to recommendations is gathered in
// the recommender's tally and applied in the same transaction (its one call: tally.apply).
// The writers themselves live in writers.ts (one record) and batch.ts (set-wise, for bulk batches); single
// writes that arrive together are stored together (group-commit.ts).
import type { Kysely } from 'kysely'
import type { Coupon, Event, NewCoupon, NewUser, User } from '../domain/entities.ts'
import { DomainError, couponNotFound, eventNotFound, userNotFound } from '../domain/errors.ts'
import type { IdGenerator } from '../domain/ids.ts'
import type { Database } from '../storage/database.ts'
import { repositories, type Repositories } from '../storage/repositories/index.ts'
import { StateTally } from '../recommender/state.ts'
import type { Config } from '../config/config.ts'
import type { Tables } from '../storage/tables.ts'
import { insertNewCoupons, insertNewUsers, type BatchOutcome } from './batch.ts'
import { groupCommit } from './group-commit.ts'
import { writers, type Entity, type WriteInput, type WriteOutput, type Writer, type Written } from './writers.ts'

export type { BatchOutcome } from './batch.ts'
export type { Entity, WriteInput, WriteOutput, Written } from './writers.ts'

/** Told what a committed write did to the recommender's state (the API's recommender forgets stale caches). */
export type CommitListener = (tally: StateTally) => void

/**
 * Single writes stored in one group commit at most. A group then costs about what a consumer's bulk
 * delivery costs (up to `CONSUMER_BATCH_SIZE` records, 500 by default), and no transaction grows long
 * however many clients write at once.
 */
const MAX_GROUP_COMMIT = 1_000

export function catalogService (database: Database, nextId: IdGenerator, recommender: Config['recommender'], onCommitted?: CommitListener) {
  const repos = repositories(database.db)

  /** One transaction whose recommender state is applied at its end, and announced once it committed. */
  async function inTransaction<T> (work: (repos: Repositories, tally: StateTally) => Promise<T>): Promise<T> {
    const tally = new StateTally(recommender)
    const result = await database.db.transaction().execute(async (trx: Kysely<Tables>) => {
      const scoped = repositories(trx)
      const value = await work(scoped, tally)
      await tally.apply(scoped)
      return value
    })
    onCommitted?.(tally)
    return result
  }

  // One queue per entity: a group is one bulk write, which stores records of one entity.
  const grouped: { [E in Entity]: (input: WriteInput[E]) => Promise<Written<WriteOutput[E]>> } = {
    users: groupCommit(async (inputs) => writeMany('users', inputs), MAX_GROUP_COMMIT),
    events: groupCommit(async (inputs) => writeMany('events', inputs), MAX_GROUP_COMMIT),
    coupons: groupCommit(async (inputs) => writeMany('coupons', inputs), MAX_GROUP_COMMIT)
  }

  /** One record, stored with the other single writes of its entity of the same turn or of the last group's time. */
  async function write<E extends Entity> (entity: E, input: WriteInput[E]): Promise<Written<WriteOutput[E]>> {
    return (grouped[entity] as (input: WriteInput[E]) => Promise<Written<WriteOutput[E]>>)(input)
  }

  /**
   * Many records in one transaction (the consumers' bulk path): each record is checked before anything of
   * it is written, so a refused record leaves nothing behind and does not affect its neighbours.
   */
  async function writeMany<E extends Entity> (entity: E, inputs: Array<WriteInput[E] | Error>): Promise<Array<BatchOutcome<E>>> {
    return inTransaction(async (trx, tally) => {
      const ids = inputs.map((input) => input instanceof Error ? 0 : input.id ?? nextId())
      const outcomes: Array<BatchOutcome<E> | undefined> = inputs.map((input) => input instanceof Error ? { ok: false, error: input } : undefined)
      // Users and coupons first go through set-wise checks and inserts; events, and whatever that pass
      // leaves unsettled, go one record at a time, in order.
      if (entity === 'users') await insertNewUsers(trx, inputs as Array<NewUser | Error>, ids, outcomes as Array<BatchOutcome<'users'> | undefined>)
      if (entity === 'coupons') await insertNewCoupons(trx, inputs as Array<NewCoupon | Error>, ids, outcomes as Array<BatchOutcome<'coupons'> | undefined>, tally)
      const writer: Writer<E> = writers[entity]
      for (const [i, input] of inputs.entries()) {
        if (outcomes[i] !== undefined || input instanceof Error) continue
        try {
          outcomes[i] = { ok: true, written: await writer(trx, input, ids[i] as number, tally) }
        } catch (error) {
          // A refusal is this record's answer; anything else (the database failing) fails the whole batch.
          if (!(error instanceof DomainError)) throw error
          outcomes[i] = { ok: false, error }
        }
      }
      return outcomes as Array<BatchOutcome<E>>
    })
  }

  return {
    write,
    writeMany,
    async user (id: number): Promise<User> {
      return (await repos.users.find(id))?.user ?? Promise.reject(userNotFound())
    },
    async event (id: number): Promise<Event> {
      return (await repos.events.find(id)) ?? Promise.reject(eventNotFound())
    },
    async coupon (id: number): Promise<Coupon> {
      return (await repos.coupons.find(id))?.coupon ?? Promise.reject(couponNotFound())
    },
    async couponsOfUser (userId: number): Promise<Coupon[]> {
      if (!(await repos.users.exists(userId))) throw userNotFound()
      return repos.coupons.listByUser(userId)
    },
    async counts (): Promise<{ users: number, events: number, coupons: number }> {
      const [users, events, coupons] = await Promise.all([repos.users.count(), repos.events.count(), repos.coupons.count()])
      return { users, events, coupons }
    }
  }
}

export type CatalogService = ReturnType<typeof catalogService>
