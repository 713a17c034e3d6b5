// The operator dashboard on the API: the page at /dashboard, its files under /dashboard/assets/, and the
// JSON it polls at /dashboard/overview. The page reads a user's records and recommendations from the API's
// own endpoints, so the lookup shows exactly what a client of the API gets.
import type { Registry } from 'prom-client'
import type { CatalogService } from '../catalog/service.ts'
import type { Config } from '../config/config.ts'
import type { Logger } from '../config/logger.ts'
import { ErrorBody } from '../domain/schemas.ts'
import type { BaseApp } from '../http/base-app.ts'
import type { Database } from '../storage/database.ts'
import { consumerGroups, watchLag, type LagMonitor } from '../kafka/lag.ts'
import { ENTITIES } from '../kafka/topics.ts'
import { repositories } from '../storage/repositories/index.ts'
import { pageAssets } from './assets.ts'
import { readOverview, type OverviewSources } from './overview.ts'
import { DashboardOverview, type ConsumerStatusBody } from './schema.ts'

export interface DashboardDeps {
  catalog: Pick<CatalogService, 'counts'>
  database: Database
  /** The API's metrics registry: the recommendation latency is read from its histogram. */
  registry: Registry
  config: Config
}

// The page loads nothing from elsewhere and runs no inline code; saying so lets the browser refuse anything
// injected into it. (The API's other answers are JSON and carry no policy.)
const PAGE_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"
].join('; ')

export function dashboardRoutes (app: BaseApp, deps: DashboardDeps): void {
  // Started by the first overview asked for, so an API whose dashboard nobody opens never talks to Kafka.
  let lag: LagMonitor | undefined
  app.addHook('onClose', async () => lag?.stop())
  const { groups, dlqTopics } = consumerGroups(deps.config, ENTITIES)
  const broker = (): ConsumerStatusBody | null => {
    lag ??= watchLag(deps.config, groups, dlqTopics, app.log as unknown as Logger)
    const { lag: partitions, deadLetters, refreshedAt } = lag.snapshot()
    if (refreshedAt === null) return null
    return { service: 'api', entities: [...ENTITIES], records: {}, lag: partitions, lag_refreshed_at: refreshedAt, dead_letters: { totals: deadLetters, latest: [] } }
  }
  const sources: OverviewSources = {
    broker,
    counts: () => deps.catalog.counts(),
    stats: repositories(deps.database.db).stats,
    registry: deps.registry,
    services: {
      gatewayUrl: deps.config.dashboard.gatewayUrl,
      consumerUrls: deps.config.dashboard.consumerUrls,
      // The deployment's own key (API_KEY, else the first of API_KEYS), for services whose reads are protected.
      apiKey: deps.config.consumer.apiKey
    }
  }

  for (const asset of pageAssets()) {
    const isPage = asset.name === ''
    app.get(isPage ? '/dashboard' : `/dashboard/assets/${asset.name}`, { schema: { hide: true } }, async (_request, reply) => {
      const body = await asset.load()
      if (isPage) reply.header('content-security-policy', PAGE_POLICY)
      return reply.type(asset.contentType).header('cache-control', 'no-cache').send(body)
    })
  }

  app.get('/dashboard/overview', {
    schema: {
      tags: ['operations'],
      summary: 'What the operator dashboard shows: stored counts, where the bets go, recommendation latency, and whether each service is up',
      response: { 200: DashboardOverview, 401: ErrorBody, 503: ErrorBody }
    }
  }, async () => readOverview(sources))
}
