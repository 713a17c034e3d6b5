// The repositories over one connection or transaction: the only code that writes SQL. Each is timed
// per call when the process observes queries (see query-timing.ts).
import type { Kysely } from 'kysely'
import { timed } from '../query-timing.ts'
import type { Tables } from '../tables.ts'
import { coBetRepository } from './co-bets.ts'
import { couponRepository } from './coupons.ts'
import { eventRepository } from './events.ts'
import { guardrailRepository } from './guardrails.ts'
import { recommendationRepository } from './recommendations.ts'
import { statsRepository } from './stats.ts'
import { tasteRepository } from './tastes.ts'
import { trendRepository } from './trends.ts'
import { userRepository } from './users.ts'

export function repositories (db: Kysely<Tables>) {
  return {
    users: timed('users', userRepository(db)),
    events: timed('events', eventRepository(db)),
    coupons: timed('coupons', couponRepository(db)),
    recommendations: timed('recommendations', recommendationRepository(db)),
    tastes: timed('tastes', tasteRepository(db)),
    coBets: timed('coBets', coBetRepository(db)),
    trends: timed('trends', trendRepository(db)),
    guardrails: timed('guardrails', guardrailRepository(db)),
    stats: timed('stats', statsRepository(db))
  }
}

export type Repositories = ReturnType<typeof repositories>
