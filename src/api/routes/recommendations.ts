// A user's recommendation (any algorithm, live or as of an instant), the algorithms on offer, bet-slip
// suggestions and related events; POST to rebuild every algorithm's state.
import { Type } from 'typebox'
import { ALGORITHM_NAMES, isAlgorithmName } from '../../domain/algorithms.ts'
import { ValidationError } from '../../domain/errors.ts'
import { AlgorithmList, ErrorBody, GenerateResult, Recommendation, SlipInput, Suggestions } from '../../domain/schemas.ts'
import { parseTimestamp } from '../../domain/time.ts'
import { normaliseSlip } from '../../domain/validation.ts'
import type { BaseApp } from '../../http/base-app.ts'
import type { RecommendationService } from '../../recommender/service.ts'
import { presentRecommendation, presentSuggestions } from '../present.ts'
import { decimalIdParams, IdParam } from '../../http/params.ts'

/** How many events a recommendation holds: the seed's default of 3, at most 50. */
const LIMIT = { min: 1, max: 50, default: 3 } as const
const Limit = Type.Optional(Type.Integer({ minimum: LIMIT.min, maximum: LIMIT.max, default: LIMIT.default, description: `How many events (default ${LIMIT.default}).` }))

export function recommendationRoutes (app: BaseApp, recommender: RecommendationService): void {
  app.get('/recommendation/algorithms', {
    schema: { tags: ['recommendations'], summary: 'The algorithms a recommendation can use, and the default', response: { 200: AlgorithmList } }
  }, async () => recommender.list())

  app.get('/recommendation/:user_id', {
    preValidation: decimalIdParams,
    schema: {
      tags: ['recommendations'],
      summary: "The user's current recommendation (a list holding one)",
      params: IdParam('user_id'),
      querystring: Type.Object({
        limit: Limit,
        at: Type.Optional(Type.String({ maxLength: 64, description: 'Compute as of this ISO-8601 instant: only coupons placed by then count, and events must be open then.' })),
        algorithm: Type.Optional(Type.String({ maxLength: 64, description: `One of ${ALGORITHM_NAMES.join(', ')} (GET /recommendation/algorithms); default: the configured one.` }))
      }),
      response: { 200: Type.Array(Recommendation), 404: ErrorBody, 422: ErrorBody }
    }
  }, async (request) => {
    const { limit, at, algorithm } = request.query
    if (algorithm !== undefined && !isAlgorithmName(algorithm)) {
      throw new ValidationError([{ field: 'querystring.algorithm', message: `must be one of ${ALGORITHM_NAMES.join(', ')}` }])
    }
    let atMicros: number | undefined
    if (at !== undefined) {
      atMicros = parseTimestamp(restorePlus(at))
      if (atMicros === undefined) throw new ValidationError([{ field: 'querystring.at', message: 'must be an ISO-8601 timestamp' }])
    }
    const recommendation = await recommender.recommend(request.params.user_id, { limit: limit ?? LIMIT.default, at: atMicros, algorithm })
    return [presentRecommendation(recommendation)]
  })

  app.post('/recommendation/slip', {
    schema: {
      tags: ['recommendations'],
      summary: 'Bet-slip suggestions: open events most often bet together with the slip\'s selections',
      body: SlipInput,
      response: { 200: Suggestions, 400: ErrorBody, 404: ErrorBody, 413: ErrorBody, 422: ErrorBody }
    }
  }, async (request) => presentSuggestions(await recommender.slip(normaliseSlip(request.body))))

  app.get('/events/:event_id/related', {
    preValidation: decimalIdParams,
    schema: {
      tags: ['events'],
      summary: 'Open events most often bet together with this one',
      params: IdParam('event_id'),
      querystring: Type.Object({
        limit: Limit,
        user_id: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: "Whose page: leaves out the user's own bets and applies their responsible-gambling flags." }))
      }),
      response: { 200: Suggestions, 404: ErrorBody, 422: ErrorBody }
    }
  }, async (request) => {
    const { limit, user_id: userId } = request.query
    return presentSuggestions(await recommender.related({ eventId: request.params.event_id, userId, limit: limit ?? LIMIT.default }))
  })

  app.post('/recommendation/generate', {
    schema: { tags: ['recommendations'], summary: "Rebuild every algorithm's state from the stored events and coupons", response: { 200: GenerateResult } }
  }, async (request) => {
    // A rebuild of a large database takes minutes, with nothing sent meanwhile: the connection's idle
    // timeout (REQUEST_TIMEOUT_MS) would close it before the answer. The full-scale PostgreSQL benchmark
    // lost its answer that way after 30 s.
    // (inject() runs without a socket of its own.)
    if (typeof request.raw.socket?.setTimeout === 'function') request.raw.socket.setTimeout(0)
    const started = performance.now()
    const users = await recommender.generateAll()
    return { message: `Recommendations generated for ${users} users.`, users, elapsed_ms: Math.round(performance.now() - started) }
  })
}

// A query string decodes `+` to a space, so `?at=2024-04-10T12:00:00+02:00` typed as is arrives as
// `...12:00:00 02:00`. A space before a trailing offset can mean nothing else: read it as the `+` it was.
const DECODED_PLUS = /^(.*[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) (\d{2}(?::?\d{2})?)$/

function restorePlus (at: string): string {
  return at.replace(DECODED_PLUS, '$1+$2')
}
