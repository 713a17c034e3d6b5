// GET /dashboard/overview's answer: every figure of the page that is not one user's, gathered in parallel
// from the database (counts, where the bets go), this API's metrics (latency) and the other services.
import type { Registry } from 'prom-client'
import type { LeagueBets, SportBets } from '../storage/repositories/stats.ts'
import { recommendationLatency } from './latency.ts'
import type { ConsumerStatusBody, DashboardOverview } from './schema.ts'
import { serviceStates, type ServiceLocations } from './services.ts'

export interface OverviewSources {
  counts (): Promise<DashboardOverview['counts']>
  stats: { topSports (): Promise<SportBets[]>, topLeagues (): Promise<LeagueBets[]> }
  registry: Registry
  services: ServiceLocations
  /** The API's own latest reading of lag and dead letters from the broker, if it has one. */
  broker (): ConsumerStatusBody | null
}

export async function readOverview (sources: OverviewSources): Promise<DashboardOverview> {
  const [counts, topSports, topLeagues, latency, services] = await Promise.all([
    sources.counts(),
    sources.stats.topSports(),
    sources.stats.topLeagues(),
    recommendationLatency(sources.registry),
    serviceStates(sources.services)
  ])
  return { counts, top_sports: topSports, top_leagues: topLeagues, recommendation_latency: latency, services, broker: sources.broker() }
}
