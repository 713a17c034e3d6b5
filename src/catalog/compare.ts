// Replay detection: which fields of a repeated write differ from what is stored. Content is compared
// after normalisation; a field the server filled is compared only when both writes sent it.
import type { Coupon, Event, NewCoupon, NewEvent, NewUser, User } from '../domain/entities.ts'

function optionalDiffers (storedAuto: boolean, stored: number, incoming: number | undefined): boolean {
  return !storedAuto && incoming !== undefined && incoming !== stored
}

export function userDifferences (stored: User, storedAuto: boolean, incoming: NewUser): string[] {
  const fields: string[] = []
  for (const key of ['birth_year', 'country', 'currency', 'gender'] as const) {
    if (stored[key] !== incoming[key]) fields.push(key)
  }
  if (optionalDiffers(storedAuto, stored.registration_date, incoming.registration_date)) fields.push('registration_date')
  return fields
}

export function eventDifferences (stored: Event, incoming: NewEvent): string[] {
  const fields: string[] = []
  for (const key of ['begin_timestamp', 'end_timestamp', 'country', 'league', 'sport'] as const) {
    if (stored[key] !== incoming[key]) fields.push(key)
  }
  if (JSON.stringify(stored.participants) !== JSON.stringify(incoming.participants)) fields.push('participants')
  return fields
}

export function couponDifferences (stored: Coupon, storedAuto: boolean, incoming: NewCoupon): string[] {
  const fields: string[] = []
  if (stored.user_id !== incoming.user_id) fields.push('user_id')
  if (stored.stake !== incoming.stake) fields.push('stake')
  const sameSelections = stored.selections.length === incoming.selections.length &&
    stored.selections.every((s, i) => s.event_id === incoming.selections[i]?.event_id && s.odds === incoming.selections[i]?.odds)
  if (!sameSelections) fields.push('selections')
  if (optionalDiffers(storedAuto, stored.timestamp, incoming.timestamp)) fields.push('timestamp')
  return fields
}
