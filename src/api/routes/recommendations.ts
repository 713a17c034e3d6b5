// GET a user's recommendation; POST to recompute every user's state.
import { Type } from 'typebox'
import { ValidationError } from '../../domain/errors.ts'
import { ErrorBody, GenerateResult, Recommendation } from '../../domain/schemas.ts'
import { parseTimestamp } from '../../domain/time.ts'
import type { BaseApp } from '../../http/base-app.ts'
import type { RecommendationService } from '../../recommender/service.ts'
import { presentRecommendation } from '../present.ts'
import { decimalIdParams, IdParam } from './params.ts'

/** How many events a recommendation holds: the seed's default of 3, at most 50. */
const LIMIT = { min: 1, max: 50, default: 3 } as const

export function recommendationRoutes (app: BaseApp, recommender: RecommendationService): void {
  app.get('/recommendation/:user_id', {
    preValidation: decimalIdParams,
    schema: {
      tags: ['recommendations'],
      summary: "The user's current recommendation (a list holding one)",
      params: IdParam('user_id'),
      querystring: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: LIMIT.min, maximum: LIMIT.max, default: LIMIT.default, description: `How many events (default ${LIMIT.default}).` })),
        at: Type.Optional(Type.String({ maxLength: 64, description: 'Compute as of this ISO-8601 instant: only coupons placed by then count, and events must be open then.' }))
      }),
      response: { 200: Type.Array(Recommendation), 404: ErrorBody, 422: ErrorBody }
    }
  }, async (request) => {
    const { limit, at } = request.query
    let atMicros: number | undefined
    if (at !== undefined) {
      atMicros = parseTimestamp(restorePlus(at))
      if (atMicros === undefined) throw new ValidationError([{ field: 'querystring.at', message: 'must be an ISO-8601 timestamp' }])
    }
    const recommendation = await recommender.recommend(request.params.user_id, { limit: limit ?? LIMIT.default, at: atMicros })
    return [presentRecommendation(recommendation)]
  })

  app.post('/recommendation/generate', {
    schema: { tags: ['recommendations'], summary: "Recompute every user's recommendation state from the stored coupons", response: { 200: GenerateResult } }
  }, async () => {
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
