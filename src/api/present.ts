// Entities as the API answers them: timestamps back to ISO-8601 in UTC.
import type { GuardrailsWithHistory, UserGuardrails } from '../catalog/guardrails.ts'
import type { Coupon, Event, User } from '../domain/entities.ts'
import { INDEFINITE, INDEFINITE_TEXT, type FieldChange } from '../domain/responsible-gambling.ts'
import type {
  CouponResponse, EventResponse, GuardrailsResponse, GuardrailsWithHistoryResponse, RecommendationResponse, SuggestionsResponse, UserResponse
} from '../domain/schemas.ts'
import { formatTimestamp, nowMicros } from '../domain/time.ts'
import type { RecommendationResult, RecommendedEvent, SlipResult } from '../recommender/service.ts'

export const presentUser = (u: User): UserResponse => ({ ...u, registration_date: formatTimestamp(u.registration_date) })

export const presentEvent = (e: Event): EventResponse => ({
  ...e,
  begin_timestamp: formatTimestamp(e.begin_timestamp),
  end_timestamp: formatTimestamp(e.end_timestamp)
})

export const presentCoupon = (c: Coupon): CouponResponse => ({ ...c, timestamp: formatTimestamp(c.timestamp) })

const presentRecommended = (e: RecommendedEvent) => ({ ...presentEvent(e), reason: e.reason })

export const presentRecommendation = (r: RecommendationResult): RecommendationResponse => ({
  ...r,
  generated_at: formatTimestamp(r.generated_at),
  events: r.events.map(presentRecommended)
})

export const presentSuggestions = (s: SlipResult): SuggestionsResponse => ({ ...s, events: s.events.map(presentRecommended) })

const instantOrNull = (micros: number | null): string | null => micros === null ? null : formatTimestamp(micros)
const exclusionEnd = (micros: number | null): string | null => micros === INDEFINITE ? INDEFINITE_TEXT : instantOrNull(micros)

export const presentGuardrails = ({ userId, state, updatedAt }: UserGuardrails): GuardrailsResponse => ({
  user_id: userId,
  self_excluded_until: exclusionEnd(state.selfExcludedUntil),
  self_excluded: state.selfExcludedUntil !== null && state.selfExcludedUntil > nowMicros(),
  marketing_opt_out: state.marketingOptOut,
  updated_at: instantOrNull(updatedAt)
})

const presentValue = (field: FieldChange['field'], value: FieldChange['old']): string | boolean | null =>
  field === 'self_excluded_until' ? exclusionEnd(value as number | null) : value as boolean

export const presentGuardrailsWithHistory = (g: GuardrailsWithHistory): GuardrailsWithHistoryResponse => ({
  ...presentGuardrails(g),
  history: g.history.map((h) => ({
    at: formatTimestamp(h.at),
    source: h.source,
    reason: h.reason,
    change_id: h.changeId,
    changes: h.changes.map((c) => ({ field: c.field, old: presentValue(c.field, c.old), new: presentValue(c.field, c.new) }))
  }))
})

export const presenters = { users: presentUser, events: presentEvent, coupons: presentCoupon } as const
