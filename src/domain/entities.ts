// The normalised entities the services and repositories exchange: the wire types with ids resolved
// and timestamps held as epoch microseconds.
import type { CouponResponse, EventResponse, UserResponse } from './schemas.ts'

export type User = Omit<UserResponse, 'registration_date' | 'gender'> & { gender: 'M' | 'F', registration_date: number }
export type Event = Omit<EventResponse, 'begin_timestamp' | 'end_timestamp'> & { begin_timestamp: number, end_timestamp: number }
export type Coupon = Omit<CouponResponse, 'timestamp'> & { timestamp: number }
export type Selection = Coupon['selections'][number]

/** A write as the client sent it, normalised; fields the server fills are undefined until stored. */
export type NewUser = Omit<User, 'id' | 'registration_date'> & { id?: number, registration_date?: number }
export type NewEvent = Omit<Event, 'id' | 'participants_id'> & { id?: number }
export type NewCoupon = Omit<Coupon, 'id' | 'timestamp'> & { id?: number, timestamp?: number }

export type EntityName = 'users' | 'events' | 'coupons'
