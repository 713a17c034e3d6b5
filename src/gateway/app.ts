// buildGateway: HTTP ingest -> validate with the API's own schemas -> produce to Kafka keyed by id.
// A 202 means Kafka acknowledged the record (acks=all); whether its user and events exist is the
// consumer's concern, as the gateway cannot know.
import rateLimit from '@fastify/rate-limit'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { Counter } from 'prom-client'
import { Type } from 'typebox'
import type { Config } from '../config/config.ts'
import type { EntityName } from '../domain/entities.ts'
import { DomainError, ErrorCodes, ValidationError } from '../domain/errors.ts'
import type { IdGenerator } from '../domain/ids.ts'
import { CouponInput, ErrorBody, EventInput, GuardrailsInput, UserInput } from '../domain/schemas.ts'
import { normaliseGuardrailChange, normalisers } from '../domain/validation.ts'
import { createBaseApp } from '../http/base-app.ts'
import { decimalIdParams, IdParam } from '../http/params.ts'
import { installReadiness } from '../http/readiness.ts'
import { createKafkaProbe } from '../kafka/probe.ts'
import { entityTopics } from '../kafka/topics.ts'
import { encodeGuardrailChange, encodeRecord } from '../kafka/wire.ts'
import { GATEWAY_DEFAULTS } from './defaults.ts'
import { KafkaUnavailableError, type RecordProducer } from './producer.ts'

const MAX_BATCH_RECORDS = GATEWAY_DEFAULTS.maxBatchRecords

export interface GatewayOptions {
  config: Config
  producer: RecordProducer
  nextId: IdGenerator
  logger?: FastifyBaseLogger | boolean
}

const Accepted = Type.Object({
  id: Type.Integer(),
  topic: Type.String(),
  partition: Type.Integer(),
  offset: Type.Integer()
}, { description: 'Kafka acknowledged the record; it will be stored by the consumers.' })

export async function buildGateway ({ config, producer, nextId, logger }: GatewayOptions) {
  const { app, registry } = createBaseApp({ config, service: 'gateway', logger })
  const kafka = createKafkaProbe(config, 'betting-gateway-probe')
  app.addHook('onClose', async () => kafka.close())
  installReadiness(app as unknown as FastifyInstance, 'gateway', [kafka])
  const produced = new Counter({ name: 'gateway_records_produced_total', help: 'Records Kafka acknowledged, per topic', labelNames: ['topic'], registers: [registry] })
  if (config.security.rateLimitPerMinute > 0) {
    await app.register(rateLimit, { max: config.security.rateLimitPerMinute, timeWindow: GATEWAY_DEFAULTS.rateLimitWindowMs })
  }
  const inputs = { users: UserInput, events: EventInput, coupons: CouponInput }
  const errors = Object.fromEntries([400, 401, 413, 422, 429, 503, 504].map((s) => [s, ErrorBody]))

  /** Checks the rules beyond the schema, gives the record its id, and serialises it for Kafka. */
  function prepare (entity: EntityName, body: Record<string, unknown>, field: string) {
    let normalised
    try {
      normalised = normalisers[entity](body as never)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      throw new ValidationError(error.fieldErrors.map((e) => ({ ...e, field: e.field.replace(/^body/, field) })))
    }
    const id = normalised.id ?? nextId()
    return { id, record: { key: String(id), value: encodeRecord(config.kafka.produceFormat, entity, { ...body, id }) } }
  }

  /** 503 only when the records were certainly not written; when that is not known, 504 (resend the same ids). */
  async function produce (topic: string, records: Array<{ key: string, value: string }>) {
    try {
      const acks = await producer.send(topic, records)
      produced.inc({ topic }, records.length)
      return acks
    } catch (error) {
      if (error instanceof KafkaUnavailableError) {
        // Debug, not warn: during an outage this is every request; the producer logs the outage itself.
        app.log.debug({ topic, reason: error.message }, 'produce refused: Kafka unreachable')
        throw new DomainError(ErrorCodes.unavailable, 'Kafka is unreachable: the record was NOT accepted; retry later')
      }
      app.log.warn({ err: error, topic }, 'produce outcome unknown')
      throw new DomainError(ErrorCodes.outcomeUnknown, 'Kafka did not confirm the record in time: it may or may not be accepted; send it again with the same id')
    }
  }

  for (const entity of ['users', 'events', 'coupons'] as const) {
    const topic = entityTopics(config.kafka.topicPrefix, entity).main

    app.post(`/${entity}`, {
      schema: { summary: `Accept a ${entity.slice(0, -1)} into Kafka`, body: inputs[entity], response: { 202: Accepted, ...errors } }
    }, async (request, reply) => {
      const { id, record } = prepare(entity, request.body as Record<string, unknown>, 'body')
      const [ack] = await produce(topic, [record])
      return reply.status(202).send({ id, topic, partition: ack?.partition ?? 0, offset: ack?.offset ?? 0 })
    })

    app.post(`/${entity}/batch`, {
      schema: {
        summary: `Accept up to ${MAX_BATCH_RECORDS} ${entity} at once: all are valid and acknowledged, or none is sent`,
        body: Type.Array(inputs[entity], { minItems: 1, maxItems: MAX_BATCH_RECORDS }),
        response: { 202: Type.Object({ results: Type.Array(Accepted) }), ...errors }
      }
    }, async (request, reply) => {
      const prepared = (request.body as Array<Record<string, unknown>>).map((body, i) => prepare(entity, body, `body[${i}]`))
      const acks = await produce(topic, prepared.map((p) => p.record))
      const results = prepared.map((p, i) => ({ id: p.id, topic, partition: acks[i]?.partition ?? 0, offset: acks[i]?.offset ?? 0 }))
      return reply.status(202).send({ results })
    })
  }
  const usersTopic = entityTopics(config.kafka.topicPrefix, 'users').main
  app.put('/users/:user_id/responsible-gambling', {
    preValidation: decimalIdParams,
    schema: {
      summary: "Accept a user's responsible-gambling change into Kafka (the users topic, keyed by user id)",
      params: IdParam('user_id'),
      body: GuardrailsInput,
      response: { 202: Type.Object({ ...Accepted.properties, id: Type.Integer({ description: 'The change_id: sending it again changes nothing.' }) }), ...errors, 404: ErrorBody }
    }
  }, async (request, reply) => {
    const userId = request.params.user_id
    const change = normaliseGuardrailChange(request.body, userId)
    const changeId = change.changeId ?? nextId()
    const value = encodeGuardrailChange({ ...request.body, user_id: userId, change_id: changeId })
    const [ack] = await produce(usersTopic, [{ key: String(userId), value }])
    return reply.status(202).send({ id: changeId, topic: usersTopic, partition: ack?.partition ?? 0, offset: ack?.offset ?? 0 })
  })

  await app.ready()
  return app
}
