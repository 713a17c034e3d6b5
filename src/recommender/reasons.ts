// Why an event was recommended, in plain words from the data. An algorithm decides a draft (which signal,
// with its figures); the words are written once the event itself is known, from its own names.
import type { Event } from '../domain/entities.ts'
import { eventFeatures } from './features.ts'

export type ReasonDraft =
  | { code: 'affinity.team' | 'affinity.league' | 'affinity.sport', key: string, coupons: number, total: number }
  | { code: 'trending' }
  | { code: 'co_bet.event', withTitle: string }
  | { code: 'co_bet.league', withLabel: string | undefined }
  | { code: 'frequency.sport', bets: number, total: number }
  | { code: 'popular' }

export interface Reason { code: ReasonDraft['code'], text: string }

/** Every code, with what it means (the README's Recommendations table lists them; a test keeps both in step). */
export const REASON_CODES: Record<ReasonDraft['code'], string> = {
  'affinity.team': 'a participant the user backs often',
  'affinity.league': 'a league the user bets on often',
  'affinity.sport': 'a sport the user bets on often',
  trending: 'among the most backed open events right now',
  'co_bet.event': 'often on the same coupon as an event the user or the slip already has',
  'co_bet.league': 'its league is often on the same coupon as the user\'s or the slip\'s leagues',
  'frequency.sport': 'one of the sports the user bets on most (the frequency rule)',
  popular: 'among the most bet-on open events overall'
}

const coupons = (n: number) => n === 1 ? '1 coupon' : `${n} coupons`

export function explain (draft: ReasonDraft, event: Event): Reason {
  switch (draft.code) {
    case 'affinity.team':
    case 'affinity.league':
    case 'affinity.sport': {
      const label = eventFeatures(event).find((f) => f.key === draft.key)?.label ?? event.sport
      const verb = draft.code === 'affinity.team' ? 'backed' : 'bet on'
      return { code: draft.code, text: `You ${verb} ${label} in ${draft.coupons} of your ${coupons(draft.total)}` }
    }
    case 'trending':
      return { code: draft.code, text: `Among the most backed ${event.sport} events right now` }
    case 'co_bet.event':
      return { code: draft.code, text: `Often bet together with ${draft.withTitle}` }
    case 'co_bet.league':
      return {
        code: draft.code,
        text: draft.withLabel === undefined
          ? `${event.league} (${event.country}) is often bet together with the leagues you bet on`
          : `Often bet together with ${draft.withLabel} events`
      }
    case 'frequency.sport':
      return { code: draft.code, text: `You placed ${draft.bets} of your ${draft.total} selections on ${event.sport}` }
    case 'popular':
      return { code: draft.code, text: 'Among the most bet-on open events' }
  }
}
