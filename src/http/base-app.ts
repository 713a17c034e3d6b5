// What the API and the gateway share as HTTP servers: logging, limits, one validator setup, the error
// mapping, API keys, security headers, health and Prometheus metrics (each service adds its /ready checks).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify'
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import secureJson from 'secure-json-parse'
import type { Config } from '../config/config.ts'
import { createLogger } from '../config/logger.ts'
import { CodedError, ErrorCodes } from '../domain/errors.ts'
import { bodyAjv, paramsAjv } from '../domain/validation.ts'
import { installAuth } from './auth.ts'
import { installErrorHandler } from './errors.ts'
import { histogramChildren } from './histogram-children.ts'
import { installSecurityHeaders } from './security-headers.ts'

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

  // Bodies are JSON only: fastify also parses text/plain, which would then reach the schema as a string
  // and be answered 422 "must be object" where the honest answer is 415.
  app.removeContentTypeParser(['text/plain', 'application/json'])
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody)
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : paramsAjv).compile(schema))
  installErrorHandler(app as unknown as FastifyInstance)
  installSecurityHeaders(app as unknown as FastifyInstance)
  installAuth(app as unknown as FastifyInstance, {
    keys: config.security.apiKeys,
    protectReads: config.security.protectReads,
    openPaths: ['/health', '/ready', '/metrics', '/docs', '/openapi.json', '/dashboard/assets'],
    // The dashboard's page holds no data (it asks for a key when its reads need one); its data stays guarded.
    openExactPaths: ['/dashboard', '/dashboard/']
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
  const durationOf = histogramChildren(duration)
  app.addHook('onResponse', (request, reply, done) => {
    durationOf(request.method, request.routeOptions.url ?? 'unknown', String(reply.statusCode)).observe(reply.elapsedTime / 1000)
    done()
  })

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok', service }))
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics())
  })

  return { app, registry }
}

/**
 * fastify's own JSON parser answers every refusal with one sentence ("Body is not valid JSON"), a
 * `__proto__` key included; this one keeps the parser's reason, so the error handler can say what is wrong.
 * Keys that could pollute prototypes are still refused, as fastify does (secure-json-parse, its parser).
 */
function parseJsonBody (_request: unknown, body: string, done: (error: Error | null, value?: unknown) => void): void {
  if (body.length === 0) {
    done(new CodedError(ErrorCodes.emptyBody, 'Request body is empty; a JSON object is expected'))
    return
  }
  try {
    done(null, secureJson.parse(body, { protoAction: 'error', constructorAction: 'error' }))
  } catch (error) {
    done(error as Error)
  }
}

export type BaseApp = ReturnType<typeof createBaseApp>['app']
