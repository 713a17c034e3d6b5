// Stores and reads users, events and coupons. Every write is idempotent by id: the same content again
// answers the stored record, different content is a conflict. Each write runs in one transaction, so a
// refused coupon leaves nothing behind, and what a stored record does to recommendations is gathered in
// the recommender's tally and applied in the same transaction (its one call: tally.apply).
import type { Kysely } from 'kysely'
import type { Coupon, Event, NewCoupon, NewEvent, NewUser, User } from '../domain/entities.ts'
import { ConflictError, DomainError, couponNotFound, eventNotFound, eventsMissing, userNotFound } from '../domain/errors.ts'
import type { IdGenerator } from '../domain/ids.ts'
import { nowMicros } from '../domain/time.ts'
import type { Database } from '../storage/database.ts'
import { repositories } from '../storage/repositories/index.ts'
import { StateTally } from '../recommender/state.ts'
import type { Config } from '../config/config.ts'
import type { Tables } from '../storage/tables.ts'
import { couponDifferences, eventDifferences, userDifferences } from './compare.ts'

export interface Written<T> { record: T, created: boolean }

type Repos = ReturnType<typeof repositories>

async function writeUser (repos: Repos, input: NewUser, id: number, _tally: StateTally): Promise<Written<User>> {
  const user: User = { ...input, id, registration_date: input.registration_date ?? nowMicros() }
  if (await repos.users.insert(user, input.registration_date === undefined)) return { record: user, created: true }
  const stored = await repos.users.find(id)
  if (stored === undefined) throw new Error(`user ${id} neither inserted nor found`)
  const differences = userDifferences(stored.user, stored.registrationDateAuto, input)
  if (differences.length > 0) throw new ConflictError('User', id, differences)
  return { record: stored.user, created: false }
}

async function writeEvent (repos: Repos, input: NewEvent, id: number, tally: StateTally): Promise<Written<Event>> {
  // Look for the id first: a replay or a conflict must not store the incoming participant list, since in
  // a bulk batch a refused record's writes are not rolled back (the batch's transaction commits).
  let stored = await repos.events.find(id)
  if (stored === undefined) {
    const participantsId = await repos.events.participantsId(input.participants)
    if (await repos.events.insert({ ...input, id }, participantsId)) {
      const event = { ...input, id, participants_id: participantsId }
      tally.eventStored(event)
      return { record: event, created: true }
    }
    // Another writer stored this id in between: compare with its version.
    stored = await repos.events.find(id)
  }
  if (stored === undefined) throw new Error(`event ${id} neither inserted nor found`)
  const differences = eventDifferences(stored, input)
  if (differences.length > 0) throw new ConflictError('Event', id, differences)
  return { record: stored, created: false }
}

async function writeCoupon (repos: Repos, input: NewCoupon, id: number, tally: StateTally): Promise<Written<Coupon>> {
  if (!(await repos.users.exists(input.user_id))) throw userNotFound()
  const eventIds = [...new Set(input.selections.map((s) => s.event_id))]
  const events = await repos.events.findMany(eventIds)
  if (events.size !== eventIds.length) throw eventsMissing()

  const coupon: Coupon = { ...input, id, timestamp: input.timestamp ?? nowMicros() }
  if (await repos.coupons.insert(coupon, input.timestamp === undefined)) {
    tally.couponStored(coupon, events)
    return { record: coupon, created: true }
  }
  const stored = await repos.coupons.find(id)
  if (stored === undefined) throw new Error(`coupon ${id} neither inserted nor found`)
  const differences = couponDifferences(stored.coupon, stored.timestampAuto, input)
  if (differences.length > 0) throw new ConflictError('Coupon', id, differences)
  return { record: stored.coupon, created: false }
}

export type WriteInput = { users: NewUser, events: NewEvent, coupons: NewCoupon }
export type WriteOutput = { users: User, events: Event, coupons: Coupon }
export type Entity = keyof WriteInput
type Writer<E extends Entity> = (repos: Repos, input: WriteInput[E], id: number, tally: StateTally) => Promise<Written<WriteOutput[E]>>

const writers: { [E in Entity]: Writer<E> } = { users: writeUser, events: writeEvent, coupons: writeCoupon }

/** Outcome of one record in a batch: either the write or the error that refused it. */
export type BatchOutcome<E extends Entity> = { ok: true, written: Written<WriteOutput[E]> } | { ok: false, error: unknown }

/**
 * The records of a batch that a set-wise pass can settle: the first occurrence of each id. A later record
 * with the same id is left to the one-record path, which then sees what the first one did.
 */
function firstOccurrences<T> (inputs: Array<T | Error>, ids: number[], outcomes: Array<unknown>): number[] {
  const seen = new Set<number>()
  const indexes: number[] = []
  inputs.forEach((input, i) => {
    const id = ids[i] as number
    if (input instanceof Error || outcomes[i] !== undefined || seen.has(id)) return
    seen.add(id)
    indexes.push(i)
  })
  return indexes
}

/** Inserts the batch's new users in one statement; ids already stored are left to the one-record path. */
async function insertNewUsers (repos: Repos, inputs: Array<NewUser | Error>, ids: number[], outcomes: Array<BatchOutcome<'users'> | undefined>): Promise<void> {
  const candidates = firstOccurrences(inputs, ids, outcomes).map((i) => {
    const input = inputs[i] as NewUser
    const user: User = { ...input, id: ids[i] as number, registration_date: input.registration_date ?? nowMicros() }
    return { index: i, stored: { user, registrationDateAuto: input.registration_date === undefined } }
  })
  const inserted = await repos.users.insertMany(candidates.map((c) => c.stored))
  for (const { index, stored } of candidates) {
    if (inserted.has(stored.user.id)) outcomes[index] = { ok: true, written: { record: stored.user, created: true } }
  }
}

/**
 * Checks the batch's coupons against one lookup of their users and one of their events, then inserts the
 * new ones (and their selections) in one statement each. Refusals are decided here as the one-record path
 * decides them (user first, then events); ids already stored are left to that path.
 */
async function insertNewCoupons (
  repos: Repos, inputs: Array<NewCoupon | Error>, ids: number[], outcomes: Array<BatchOutcome<'coupons'> | undefined>, tally: StateTally
): Promise<void> {
  const indexes = firstOccurrences(inputs, ids, outcomes)
  const batch = indexes.map((i) => inputs[i] as NewCoupon)
  const users = await repos.users.existing([...new Set(batch.map((c) => c.user_id))])
  const events = await repos.events.findMany([...new Set(batch.flatMap((c) => c.selections.map((s) => s.event_id)))])
  const candidates: Array<{ index: number, stored: { coupon: Coupon, timestampAuto: boolean } }> = []
  for (const i of indexes) {
    const input = inputs[i] as NewCoupon
    if (!users.has(input.user_id)) outcomes[i] = { ok: false, error: userNotFound() }
    else if (!input.selections.every((s) => events.has(s.event_id))) outcomes[i] = { ok: false, error: eventsMissing() }
    else {
      const coupon: Coupon = { ...input, id: ids[i] as number, timestamp: input.timestamp ?? nowMicros() }
      candidates.push({ index: i, stored: { coupon, timestampAuto: input.timestamp === undefined } })
    }
  }
  const inserted = await repos.coupons.insertMany(candidates.map((c) => c.stored))
  for (const { index, stored } of candidates) {
    if (!inserted.has(stored.coupon.id)) continue
    tally.couponStored(stored.coupon, events)
    outcomes[index] = { ok: true, written: { record: stored.coupon, created: true } }
  }
}

/** Told what a committed write did to the recommender's state (the API's recommender forgets stale caches). */
export type CommitListener = (tally: StateTally) => void

export function catalogService (database: Database, nextId: IdGenerator, recommender: Config['recommender'], onCommitted?: CommitListener) {
  const repos = repositories(database.db)

  /** One transaction whose recommender state is applied at its end, and announced once it committed. */
  async function inTransaction<T> (work: (repos: Repos, tally: StateTally) => Promise<T>): Promise<T> {
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

  async function write<E extends Entity> (entity: E, input: WriteInput[E]): Promise<Written<WriteOutput[E]>> {
    const writer: Writer<E> = writers[entity]
    return inTransaction(async (trx, tally) => writer(trx, input, input.id ?? nextId(), tally))
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
