// What every algorithm answers before the service fills the slots: events by score, each with its reason.
import type { ReasonDraft } from '../reasons.ts'
import { MICROS_PER_HOUR } from '../decay.ts'

export interface Scored { eventId: number, score: number, reason: ReasonDraft }

/**
 * Bettors bet on what starts soon: an event's chance of being bet next falls with the time to its start.
 * Three days halve it; an event in play counts fully. A property of betting, not of any dataset.
 */
export const SOON_HOURS = 72

export function soonness (begin: number, now: number): number {
  return 1 / (1 + Math.max(0, begin - now) / (SOON_HOURS * MICROS_PER_HOUR))
}

/** Highest score first; ties to the sooner event, then the lower id (stable answers). */
export function byScore (begins: ReadonlyMap<number, number>) {
  return (a: Scored, b: Scored): number =>
    b.score - a.score || (begins.get(a.eventId) ?? 0) - (begins.get(b.eventId) ?? 0) || a.eventId - b.eventId
}

/** The largest score (0 for none); a loop, as spreading thousands of values into Math.max can overflow the stack. */
export function maxScore (values: Iterable<number>): number {
  let max = 0
  for (const v of values) if (v > max) max = v
  return max
}
