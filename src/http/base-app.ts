// What the API and the gateway share as HTTP servers: logging, limits, one validator setup, the error
// mapping, API keys, security headers, health and Prometheus metrics (each service adds its /ready checks).
import helmet from '@fastify/helmet'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify'
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import type { Config } from '../config/config.ts'
import { createLogger } from '../config/logger.ts'
import { ErrorCodes } from '../domain/errors.ts'
import { bodyAjv, paramsAjv } from '../domain/validation.ts'
import { installAuth } from './auth.ts'
import { installErrorHandler } from './errors.ts'

export const BODY_LIMIT_BYTES = 1024 * 1024

export interface BaseAppOptions {
  config: Config
  service: 'api' | 'gateway' | 'consumer'
  logger?: FastifyBaseLogger | boolean
  /** The service's own registry when it has one already (the consumer's); default: a new one. */
  registry?: Registry
}

export function createBaseApp ({ config, service, logger, registry = new Registry() }: BaseAppOptions) {
  const loggerInstance = logger === false ? undefined : typeof logger === 'object' ? logger : createLogger(config, service)
  const app = Fastify({
    ...(loggerInstance === undefined ? { logger: false } : { loggerInstance }),
    // One log line per request costs more than the request itself at these rates; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: config.security.requestTimeoutMs,
    connectionTimeout: config.security.requestTimeoutMs,
    keepAliveTimeout: 72_000,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // ignoreTrailingSlash: FastAPI redirects `/users/` to `/users`, so the reference's clients use both forms.
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    // Refusals raised while routing, before any hook runs (a bad percent-encoding, an over-long path
    // parameter), would otherwise get fastify's own body without `detail`.
    frameworkErrors: (error, _request, reply) => {
      const detail = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is longer than 200 characters' : error.message
      // The callback's generic reply type refuses an arbitrary body; it is a plain reply.
      const plain = reply as unknown as FastifyReply
      plain.status(error.statusCode ?? 400).send({ detail, code: ErrorCodes.invalid })
    }
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : paramsAjv).compile(schema))
  installErrorHandler(app as unknown as FastifyInstance)
  app.register(helmet, { contentSecurityPolicy: false, global: true })
  installAuth(app as unknown as FastifyInstance, {
    keys: config.security.apiKeys,
    protectReads: config.security.protectReads,
    openPaths: ['/health', '/ready', '/metrics', '/docs', '/openapi.json']
  })

  registry.setDefaultLabels({ service })
  collectDefaultMetrics({ register: registry })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry]
  })
  app.addHook('onResponse', async (request, reply) => {
    duration.observe({ method: request.method, route: request.routeOptions.url ?? 'unknown', status: reply.statusCode }, reply.elapsedTime / 1000)
  })

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok', service }))
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics())
  })

  return { app, registry }
}

export type BaseApp = ReturnType<typeof createBaseApp>['app']
