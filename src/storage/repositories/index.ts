// The repositories over one connection or transaction: the only code that writes SQL.
import type { Kysely } from 'kysely'
import type { Tables } from '../tables.ts'
import { coBetRepository } from './co-bets.ts'
import { couponRepository } from './coupons.ts'
import { eventRepository } from './events.ts'
import { guardrailRepository } from './guardrails.ts'
import { recommendationRepository } from './recommendations.ts'
import { tasteRepository } from './tastes.ts'
import { trendRepository } from './trends.ts'
import { userRepository } from './users.ts'

export function repositories (db: Kysely<Tables>) {
  return {
    users: userRepository(db),
    events: eventRepository(db),
    coupons: couponRepository(db),
    recommendations: recommendationRepository(db),
    tastes: tasteRepository(db),
    coBets: coBetRepository(db),
    trends: trendRepository(db),
    guardrails: guardrailRepository(db)
  }
}

export type Repositories = ReturnType<typeof repositories>
