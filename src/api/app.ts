// buildApi: a ready fastify app over an open database. Listening and signals live in server.ts,
// so tests drive the app with inject() and never need a port.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { guardrailService } from '../catalog/guardrails.ts'
import { catalogService } from '../catalog/service.ts'
import type { Config } from '../config/config.ts'
import { dashboardRoutes } from '../dashboard/routes.ts'
import { createIdGenerator } from '../domain/ids.ts'
import { createBaseApp } from '../http/base-app.ts'
import { installReadiness } from '../http/readiness.ts'
import { recommendationService } from '../recommender/service.ts'
import type { Database } from '../storage/database.ts'
import { apiMetrics } from './metrics.ts'
import { entityRoutes } from './routes/entities.ts'
import { guardrailRoutes } from './routes/guardrails.ts'
import { recommendationRoutes } from './routes/recommendations.ts'

export interface ApiOptions {
  config: Config
  database: Database
  logger?: FastifyBaseLogger | boolean
}

export async function buildApi ({ config, database, logger }: ApiOptions) {
  const { app, registry } = createBaseApp({ config, service: 'api', logger })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Betting recommendation API',
        version: '1.0.0',
        description: 'Users, sports events and betting coupons in; event recommendations out.'
      },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } },
      tags: [{ name: 'users' }, { name: 'events' }, { name: 'coupons' }, { name: 'recommendations' }, { name: 'responsible gambling' }, { name: 'operations' }]
    }
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  installReadiness(app as unknown as FastifyInstance, 'api', [{ name: 'database', probe: () => database.ping() }])
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  // The seed answers {"msg": "Hello World"} here; a client probing the root learns where the docs are.
  app.get('/', { schema: { hide: true } }, async () => ({ service: 'betting-recommendations API', docs: '/docs', openapi: '/openapi.json' }))

  const recommender = recommendationService(database, config.recommender, apiMetrics(registry, database).recommender)
  const catalog = catalogService(database, createIdGenerator(config.instanceId), config.recommender, recommender.committed)
  // A database upgraded from before the recommender's state existed gets it once, before serving.
  if (await recommender.rebuildIfStale()) app.log.info('recommender state rebuilt from the stored events and coupons')
  entityRoutes(app, catalog)
  recommendationRoutes(app, recommender)
  guardrailRoutes(app, guardrailService(database))
  dashboardRoutes(app, { catalog, database, registry, config })
  await app.ready()
  return app
}

export type Api = Awaited<ReturnType<typeof buildApi>>
