// Wires the repositories to the pure frequency rules. A recommendation is computed when asked, from
// state kept up to date on every stored coupon, so it is always fresh and a GET costs a few indexed
// lookups whatever the number of users.
import { createHash } from 'node:crypto'
import type { Event } from '../domain/entities.ts'
import { userNotFound } from '../domain/errors.ts'
import type { Database } from '../storage/database.ts'
import { repositories } from '../storage/repositories/index.ts'
import { rankSports, SlotFiller } from './frequency.ts'

export const DEFAULT_ALGORITHM = 'frequency'

export interface RecommendationResult {
  id: number
  user_id: number
  algorithm: string
  generated_at: number
  events: Event[]
}

export interface RecommendOptions { limit: number, at?: number }

export function recommendationService (database: Database) {
  const repos = repositories(database.db)
  const store = repos.recommendations

  async function recommend (userId: number, { limit, at }: RecommendOptions): Promise<RecommendationResult> {
    if (!(await repos.users.exists(userId))) throw userNotFound()
    const now = at ?? Date.now() * 1000
    const [stats, betOn, maxDuration] = await Promise.all([
      store.sportStats(userId, at),
      store.betEventIds(userId, at),
      store.maxEventDuration()
    ])
    const slots = new SlotFiller<Event>(limit, betOn, now)
    // An event open at `now` began at most maxDuration earlier: the bound keeps the scan on the index's open tail.
    const notBefore = now - maxDuration
    for (const sport of rankSports(stats)) {
      if (slots.full) break
      slots.offer(await store.openEventsOfSport(sport, now, notBefore, slots.remaining, slots.skipped))
    }
    if (!slots.full) slots.offer(await store.popularOpenEvents(now, slots.remaining, at, slots.skipped))
    return {
      id: contentId(userId, slots.chosen),
      user_id: userId,
      algorithm: DEFAULT_ALGORITHM,
      generated_at: now,
      events: slots.chosen
    }
  }

  /** Recomputes every user's state from the stored coupons; returns how many users there are. */
  async function generateAll (): Promise<number> {
    await database.db.transaction().execute(async (trx) => repositories(trx).recommendations.rebuildState())
    return repos.users.count()
  }

  return { recommend, generateAll }
}

/** 52 bits of a digest of the content: an integer, as the seed's model types the id, and a safe one in JSON. */
function contentId (userId: number, events: Event[]): number {
  const hash = createHash('sha256').update(`${DEFAULT_ALGORITHM}:${userId}:${events.map((e) => e.id).join(',')}`)
  return Number.parseInt(hash.digest('hex').slice(0, 13), 16)
}

export type RecommendationService = ReturnType<typeof recommendationService>
