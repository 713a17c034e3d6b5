// The rebuild of every algorithm's state (POST /recommendation/generate, and once at start-up for a
// database that predates part of it): the stored events and coupons replayed, a page at a time, through
// the write path's own tally, so the rebuilt state is what incremental writes would have made.
import type { Config } from '../config/config.ts'
import type { Event } from '../domain/entities.ts'
import type { Database } from '../storage/database.ts'
import { repositories } from '../storage/repositories/index.ts'
import { StateTally } from './state.ts'

const REBUILD_PAGE = 2000

/** Empties the state and replays every stored event and coupon into it, in one transaction. */
export async function rebuildState (database: Database, settings: Config['recommender']): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const store = repositories(trx)
    await store.recommendations.clearState()
    for (let after = -1; ;) {
      const events = await store.events.page(after, REBUILD_PAGE)
      if (events.length === 0) break
      const tally = new StateTally(settings)
      for (const event of events) tally.eventStored(event)
      await tally.apply(store)
      after = (events[events.length - 1] as Event).id
    }
    for (let after = -1; ;) {
      const coupons = await store.coupons.page(after, REBUILD_PAGE)
      if (coupons.length === 0) break
      const facts = await store.events.findMany([...new Set(coupons.flatMap((c) => c.selections.map((s) => s.event_id)))])
      const tally = new StateTally(settings)
      for (const coupon of coupons) tally.couponStored(coupon, facts)
      await tally.apply(store)
      after = (coupons[coupons.length - 1] as { id: number }).id
    }
  })
}
