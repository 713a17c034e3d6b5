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

/**
 * Each repository is built when first used: a write transaction builds its own set, and most touch two or
 * three of the nine (building all of them, with their timed wrappers, cost more than a user insert's SQL).
 */
export function repositories (db: Kysely<Tables>) {
  let users: ReturnType<typeof userRepository> | undefined
  let events: ReturnType<typeof eventRepository> | undefined
  let coupons: ReturnType<typeof couponRepository> | undefined
  let recommendations: ReturnType<typeof recommendationRepository> | undefined
  let tastes: ReturnType<typeof tasteRepository> | undefined
  let coBets: ReturnType<typeof coBetRepository> | undefined
  let trends: ReturnType<typeof trendRepository> | undefined
  let guardrails: ReturnType<typeof guardrailRepository> | undefined
  let stats: ReturnType<typeof statsRepository> | undefined
  return {
    get users () { return (users ??= timed('users', userRepository(db))) },
    get events () { return (events ??= timed('events', eventRepository(db))) },
    get coupons () { return (coupons ??= timed('coupons', couponRepository(db))) },
    get recommendations () { return (recommendations ??= timed('recommendations', recommendationRepository(db))) },
    get tastes () { return (tastes ??= timed('tastes', tasteRepository(db))) },
    get coBets () { return (coBets ??= timed('coBets', coBetRepository(db))) },
    get trends () { return (trends ??= timed('trends', trendRepository(db))) },
    get guardrails () { return (guardrails ??= timed('guardrails', guardrailRepository(db))) },
    get stats () { return (stats ??= timed('stats', statsRepository(db))) }
  }
}

export type Repositories = ReturnType<typeof repositories>
