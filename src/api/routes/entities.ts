// Writes and reads of users, events and coupons, single and bulk.
import { Type, type Static } from 'typebox'
import type { CatalogService, Entity, WriteInput } from '../../catalog/service.ts'
import { ValidationError } from '../../domain/errors.ts'
import {
  BulkRequest, BulkResponse, Coupon, CouponInput, ErrorBody, Event, EventInput, User, UserInput
} from '../../domain/schemas.ts'
import { normalisers, parsers } from '../../domain/validation.ts'
import type { BaseApp } from '../../http/base-app.ts'
import { domainErrorAnswer } from '../../http/errors.ts'
import { presentCoupon, presentEvent, presenters, presentUser } from '../present.ts'
import { decimalIdParams, IdParam, QueryBoolean } from '../../http/params.ts'

const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]))
const BULK_BODY_LIMIT = 16 * 1024 * 1024
const GenRecommendationsQuery = Type.Object({
  gen_recommendations: Type.Optional(QueryBoolean('Accepted and ignored, for compatibility with the seed: recommendations are always fresh.'))
})

const BulkQuery = Type.Object({
  answer: Type.Optional(Type.Union([Type.Literal('record'), Type.Literal('id')], {
    description: "A stored record's result body: the record as a single write answers it (`record`, the default), or `{id}` only (`id`: what the consumers read)."
  }))
})
type BulkAnswer = NonNullable<Static<typeof BulkQuery>['answer']>

export function entityRoutes (app: BaseApp, catalog: CatalogService): void {
  const inputs = { users: UserInput, events: EventInput, coupons: CouponInput }
  const outputs = { users: User, events: Event, coupons: Coupon }
  const tags = { users: ['users'], events: ['events'], coupons: ['coupons'] }

  for (const entity of ['users', 'events', 'coupons'] as const) {
    app.post(`/${entity}`, {
      schema: {
        tags: tags[entity],
        summary: `Store a ${entity.slice(0, -1)} (idempotent by id)`,
        body: inputs[entity],
        ...(entity === 'events' ? { querystring: GenRecommendationsQuery } : {}),
        response: { 200: outputs[entity], ...errors(400, 404, 409, 413, 422) }
      }
    }, async (request) => {
      const normalise = normalisers[entity] as (body: unknown) => WriteInput[typeof entity]
      const { record } = await catalog.write(entity, normalise(request.body))
      // The loop loses the link between entity and record type that the three routes each have.
      return (presenters[entity] as (r: unknown) => never)(record)
    })

    app.post(`/${entity}/bulk`, {
      bodyLimit: BULK_BODY_LIMIT,
      schema: {
        tags: tags[entity],
        summary: `Store many ${entity} in one transaction; one result per record, in order`,
        body: BulkRequest,
        querystring: BulkQuery,
        response: { 200: BulkResponse, ...errors(400, 413, 422) }
      }
    }, async (request) => bulkWrite(catalog, entity, request.body, request.query.answer ?? 'record'))
  }

  app.get('/users/:user_id', {
    preValidation: decimalIdParams,
    schema: { tags: ['users'], params: IdParam('user_id'), response: { 200: User, ...errors(404, 422) } }
  }, async (request) => presentUser(await catalog.user(request.params.user_id)))

  app.get('/events/:event_id', {
    preValidation: decimalIdParams,
    schema: { tags: ['events'], params: IdParam('event_id'), response: { 200: Event, ...errors(404, 422) } }
  }, async (request) => presentEvent(await catalog.event(request.params.event_id)))

  app.get('/coupons/:coupon_id', {
    preValidation: decimalIdParams,
    schema: { tags: ['coupons'], params: IdParam('coupon_id'), response: { 200: Coupon, ...errors(404, 422) } }
  }, async (request) => presentCoupon(await catalog.coupon(request.params.coupon_id)))

  app.get('/coupons/user/:user_id', {
    preValidation: decimalIdParams,
    schema: { tags: ['coupons'], summary: "A user's coupons, newest first", params: IdParam('user_id'), response: { 200: Type.Array(Coupon), ...errors(404, 422) } }
  }, async (request) => (await catalog.couponsOfUser(request.params.user_id)).map(presentCoupon))
}

async function bulkWrite (catalog: CatalogService, entity: Entity, records: unknown[], answer: BulkAnswer) {
  const parse = parsers[entity] as (body: unknown) => WriteInput[typeof entity]
  const inputs = records.map((record) => {
    try {
      return parse(record)
    } catch (error) {
      if (error instanceof ValidationError) return error
      throw error
    }
  })
  const outcomes = await catalog.writeMany(entity, inputs)
  const present = answer === 'id'
    ? (r: { id: number }) => ({ id: r.id })
    : presenters[entity] as (r: unknown) => Record<string, unknown>
  return {
    results: outcomes.map((outcome) => {
      if (outcome.ok) return { status: 200, body: present(outcome.written.record as { id: number }) }
      const answer = domainErrorAnswer(outcome.error)
      if (answer === undefined) throw outcome.error
      return { status: answer.status, body: answer.body }
    })
  }
}
