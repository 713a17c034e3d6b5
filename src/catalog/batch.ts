// Set-wise writers for a bulk batch: the new users, or the checked new coupons, of a batch in one statement
// each. What they cannot settle (ids already stored, repeated ids) is left to the one-record writers.
import type { Coupon, NewCoupon, NewUser, User } from '../domain/entities.ts'
import { eventsMissing, userNotFound } from '../domain/errors.ts'
import { nowMicros } from '../domain/time.ts'
import type { StateTally } from '../recommender/state.ts'
import type { Repositories } from '../storage/repositories/index.ts'
import type { Entity, Written, WriteOutput } from './writers.ts'
import type { GroupOutcome } from './group-commit.ts'

/** Outcome of one record in a batch: either the write or the error that refused it. */
export type BatchOutcome<E extends Entity> = GroupOutcome<Written<WriteOutput[E]>>

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
export async function insertNewUsers (repos: Repositories, inputs: Array<NewUser | Error>, ids: number[], outcomes: Array<BatchOutcome<'users'> | undefined>): Promise<void> {
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
export async function insertNewCoupons (
  repos: Repositories, inputs: Array<NewCoupon | Error>, ids: number[], outcomes: Array<BatchOutcome<'coupons'> | undefined>, tally: StateTally
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
