// One-record writers of users, events and coupons, each idempotent by id: the same content again answers the
// stored record, different content is a conflict. They run inside the caller's transaction and record what a
// stored record does to recommendations in its tally.
import type { Coupon, Event, NewCoupon, NewEvent, NewUser, User } from '../domain/entities.ts'
import { ConflictError, eventsMissing, userNotFound } from '../domain/errors.ts'
import { nowMicros } from '../domain/time.ts'
import type { StateTally } from '../recommender/state.ts'
import type { Repositories } from '../storage/repositories/index.ts'
import { couponDifferences, eventDifferences, userDifferences } from './compare.ts'

export interface Written<T> { record: T, created: boolean }

export type WriteInput = { users: NewUser, events: NewEvent, coupons: NewCoupon }
export type WriteOutput = { users: User, events: Event, coupons: Coupon }
export type Entity = keyof WriteInput
export type Writer<E extends Entity> = (repos: Repositories, input: WriteInput[E], id: number, tally: StateTally) => Promise<Written<WriteOutput[E]>>

async function writeUser (repos: Repositories, input: NewUser, id: number, _tally: StateTally): Promise<Written<User>> {
  const user: User = { ...input, id, registration_date: input.registration_date ?? nowMicros() }
  if (await repos.users.insert(user, input.registration_date === undefined)) return { record: user, created: true }
  const stored = await repos.users.find(id)
  if (stored === undefined) throw new Error(`user ${id} neither inserted nor found`)
  const differences = userDifferences(stored.user, stored.registrationDateAuto, input)
  if (differences.length > 0) throw new ConflictError('User', id, differences)
  return { record: stored.user, created: false }
}

async function writeEvent (repos: Repositories, input: NewEvent, id: number, tally: StateTally): Promise<Written<Event>> {
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

async function writeCoupon (repos: Repositories, input: NewCoupon, id: number, tally: StateTally): Promise<Written<Coupon>> {
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

export const writers: { [E in Entity]: Writer<E> } = { users: writeUser, events: writeEvent, coupons: writeCoupon }
