// The repositories over one connection or transaction: the only code that writes SQL.
import type { Kysely } from 'kysely'
import type { Tables } from '../tables.ts'
import { couponRepository } from './coupons.ts'
import { eventRepository } from './events.ts'
import { recommendationRepository } from './recommendations.ts'
import { userRepository } from './users.ts'

export function repositories (db: Kysely<Tables>) {
  return {
    users: userRepository(db),
    events: eventRepository(db),
    coupons: couponRepository(db),
    recommendations: recommendationRepository(db)
  }
}

export type Repositories = ReturnType<typeof repositories>
