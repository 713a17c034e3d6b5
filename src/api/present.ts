// Entities as the API answers them: timestamps back to ISO-8601 in UTC.
import type { Coupon, Event, User } from '../domain/entities.ts'
import type { CouponResponse, EventResponse, RecommendationResponse, SuggestionsResponse, UserResponse } from '../domain/schemas.ts'
import { formatTimestamp } from '../domain/time.ts'
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

export const presenters = { users: presentUser, events: presentEvent, coupons: presentCoupon } as const
