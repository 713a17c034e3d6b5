// Entities as the API answers them: timestamps back to ISO-8601 in UTC.
import type { Coupon, Event, User } from '../domain/entities.ts'
import type { CouponResponse, EventResponse, RecommendationResponse, UserResponse } from '../domain/schemas.ts'
import { formatTimestamp } from '../domain/time.ts'
import type { RecommendationResult } from '../recommender/service.ts'

export const presentUser = (u: User): UserResponse => ({ ...u, registration_date: formatTimestamp(u.registration_date) })

export const presentEvent = (e: Event): EventResponse => ({
  ...e,
  begin_timestamp: formatTimestamp(e.begin_timestamp),
  end_timestamp: formatTimestamp(e.end_timestamp)
})

export const presentCoupon = (c: Coupon): CouponResponse => ({ ...c, timestamp: formatTimestamp(c.timestamp) })

export const presentRecommendation = (r: RecommendationResult): RecommendationResponse => ({
  ...r,
  generated_at: formatTimestamp(r.generated_at),
  events: r.events.map(presentEvent)
})

export const presenters = { users: presentUser, events: presentEvent, coupons: presentCoupon } as const
