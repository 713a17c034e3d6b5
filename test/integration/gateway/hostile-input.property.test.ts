// Hostile input over every write endpoint of the gateway (fast-check): random JSON, mutated valid bodies,
// raw bytes under any content type, deep nesting, NUL bytes, unicode and 10 MB bodies. Never a 5xx, a
// JSON `detail` on every refusal, nothing produced for a refused request, and every record the gateway
// did produce is one the API accepts: delivered to the API on SQLite and PostgreSQL, none is refused as
// invalid or answered with a 5xx, which would dead-letter it or stall its partition.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config/config.ts'
import type { EntityName } from '../../../src/domain/entities.ts'
import { createIdGenerator } from '../../../src/domain/ids.ts'
import { parsers } from '../../../src/domain/validation.ts'
import { buildGateway } from '../../../src/gateway/app.ts'
import type { Acknowledgement, OutgoingRecord, RecordProducer } from '../../../src/gateway/producer.ts'
import { createTestApi, type TestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { CONTENT_TYPES, hostileRecords, nastyValue, preview, rawBody } from '../../helpers/hostile.ts'
import { eventBody, userBody } from '../../helpers/records.ts'

const NUM_RUNS = 200
const ENTITIES = ['users', 'events', 'coupons'] as const
const WRITES = ENTITIES.flatMap((e) => [`/${e}`, `/${e}/batch`])

/** Keeps what the gateway produced, per request, so a refused request can be shown to have produced nothing. */
class RecordingProducer implements RecordProducer {
  readonly sent: Array<{ topic: string, records: OutgoingRecord[] }> = []
  private offset = 0
  async send (topic: string, records: OutgoingRecord[]): Promise<Acknowledgement[]> {
    this.sent.push({ topic, records })
    return records.map(() => ({ partition: 0, offset: this.offset++ }))
  }

  async close (): Promise<void> {}
}

const producer = new RecordingProducer()
const gateway = await buildGateway({ config: loadConfig({ LOG_LEVEL: 'silent' }), producer, nextId: createIdGenerator(3), logger: false })
afterAll(async () => { await gateway.close() })

interface Answer { status: number, body: any, headers: Record<string, unknown> }

async function post (url: string, payload: string | Buffer, contentType: string | undefined = 'application/json'): Promise<Answer> {
  const res = await gateway.inject({ method: 'POST', url, payload, headers: contentType === undefined ? {} : { 'content-type': contentType } })
  const json = String(res.headers['content-type'] ?? '').startsWith('application/json')
  return { status: res.statusCode, body: json ? res.json() : res.body, headers: res.headers }
}

/**
 * The contract for any answer: no 5xx; a refusal is JSON with a detail and produced nothing; a 202 names
 * one id per record, and each produced record is valid by the API's own rules, keyed and identified by it.
 */
function expectContract (path: string, input: unknown, res: Answer, producedBefore: number): void {
  const context = `${path} <- ${preview(input)}`
  const produced = producer.sent.slice(producedBefore)
  expect(res.status, context).toBeLessThan(500)
  if (res.status !== 202) {
    expect(res.status, context).toBeGreaterThanOrEqual(400)
    expect(String(res.headers['content-type']), context).toMatch(/^application\/json/)
    expect(typeof res.body?.detail, context).toBe('string')
    expect(produced, `${context}: refused, yet produced`).toEqual([])
    return
  }
  const entity = path.split('/')[1] as EntityName
  const answers: Array<{ id: number, topic: string }> = path.endsWith('/batch') ? res.body.results : [res.body]
  const records = produced.flatMap((p) => p.records)
  expect(records.length, context).toBe(answers.length)
  records.forEach((record, i) => {
    const value = JSON.parse(record.value) as Record<string, unknown>
    expect(() => parsers[entity](value), `${context}: produced ${record.value}`).not.toThrow()
    expect(value.id, context).toBe(answers[i]?.id)
    expect(record.key, context).toBe(String(answers[i]?.id))
    expect(answers[i]?.topic, context).toBe(entity)
  })
}

describe('hostile input on the gateway', () => {
  it('answers any JSON value on every write endpoint without a 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...WRITES), fc.jsonValue({ maxDepth: 4 }), async (path, value) => {
      const before = producer.sent.length
      expectContract(path, value, await post(path, JSON.stringify(value)), before)
    }), { numRuns: NUM_RUNS })
  })

  it.each(ENTITIES)('answers mutated valid bodies on POST /%s without a 5xx', async (entity) => {
    await fc.assert(fc.asyncProperty(hostileRecords[entity], async (body) => {
      const before = producer.sent.length
      expectContract(`/${entity}`, body, await post(`/${entity}`, JSON.stringify(body)), before)
    }), { numRuns: NUM_RUNS })
  })

  it.each(ENTITIES)('answers batches of mutated records on POST /%s/batch all or nothing', async (entity) => {
    const batch = fc.array(fc.oneof({ weight: 4, arbitrary: hostileRecords[entity] as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: nastyValue }), { minLength: 0, maxLength: 12 })
    await fc.assert(fc.asyncProperty(batch, async (records) => {
      const before = producer.sent.length
      expectContract(`/${entity}/batch`, records, await post(`/${entity}/batch`, JSON.stringify(records)), before)
    }), { numRuns: Math.round(NUM_RUNS / 2) })
  })

  it('answers raw bytes and text under any content type without a 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...WRITES), rawBody, fc.constantFrom(...CONTENT_TYPES, undefined), async (path, body, type) => {
      const before = producer.sent.length
      expectContract(path, body, await post(path, body, type), before)
    }), { numRuns: NUM_RUNS })
  })

  it('refuses nesting 10,000 levels deep with a 4xx, as a whole body and inside a field', async () => {
    const deep = (open: string, close: string, inner = '1') => `${open.repeat(10_000)}${inner}${close.repeat(10_000)}`
    const bodies = [
      deep('[', ']', ''),
      deep('{"a":', '}'),
      `{"birth_year":1990,"country":${deep('[', ']', '')},"currency":"EUR","gender":"M"}`,
      `[${deep('{"a":', '}')}]`
    ]
    for (const path of WRITES) {
      for (const body of bodies) {
        const before = producer.sent.length
        const res = await post(path, body)
        expectContract(path, body, res, before)
        expect(res.status, `${path} <- ${preview(body)}`).toBeGreaterThanOrEqual(400)
      }
    }
  })

  it('answers 10 MB bodies with 413 and produces nothing', async () => {
    const huge = [JSON.stringify('x'.repeat(10_000_000)), JSON.stringify(userBody({ country: 'G'.repeat(10_000_000) })), `[${JSON.stringify(userBody())},${JSON.stringify('\u0000'.repeat(5_000_000))}]`]
    for (const path of WRITES) {
      for (const body of huge) {
        const before = producer.sent.length
        const res = await post(path, body)
        expectContract(path, body, res, before)
        expect(res.status).toBe(413)
      }
    }
  })

  it('refuses text the database could not store as sent (NUL, unpaired surrogates) and produces valid unicode as is', async () => {
    for (const bad of ['G\u0000B', 'Home\u0000', '\uD800x']) {
      const before = producer.sent.length
      const res = await post('/events', JSON.stringify(eventBody({ league: bad })))
      expectContract('/events', bad, res, before)
      expect(res.status).toBe(422)
    }
    const before = producer.sent.length
    const res = await post('/events', JSON.stringify(eventBody({ league: 'J1 リーグ 🏟️', participants: ['Zürich FC', 'Κέρκυρα'] })))
    expectContract('/events', 'unicode', res, before)
    expect(res.status).toBe(202)
    expect(JSON.parse(producer.sent.at(-1)?.records[0]?.value ?? '{}').participants).toEqual(['Zürich FC', 'Κέρκυρα'])
  })
})

describe.each(dialects)('records the gateway produced under hostile input, delivered to the API on %s', (dialect) => {
  let api: TestApi
  beforeAll(async () => { api = await createTestApi(dialect) })
  afterAll(async () => { await api.close() })

  it('are all accepted as valid: stored, or waiting for their user and events, or a conflict with an earlier one', async () => {
    // The runs above must have produced records of every entity, or this proves little.
    for (const entity of ENTITIES) expect(producer.sent.filter((p) => p.topic === entity).length, entity).toBeGreaterThan(10)
    // Users and events first, so coupons can find them, as the consumers would eventually.
    for (const entity of ENTITIES) {
      const values = producer.sent.filter((p) => p.topic === entity).flatMap((p) => p.records.map((r) => JSON.parse(r.value) as unknown))
      for (let i = 0; i < values.length; i += 500) {
        const res = await api.api.inject({ method: 'POST', url: `/${entity}/bulk`, payload: values.slice(i, i + 500) })
        expect(res.statusCode).toBe(200)
        const results = res.json().results as Array<{ status: number, body: { code: string, detail: string } }>
        results.forEach((r, j) => {
          const context = `${entity} ${JSON.stringify(values[i + j])}: ${r.status} ${JSON.stringify(r.body)}`
          expect(r.status, context).toBeLessThan(500)
          expect(['INVALID', 'MALFORMED_JSON'], context).not.toContain(r.body.code)
        })
      }
    }
  })
})
