// The reference deployment's wire format on the real broker: records written byte for byte as its producers
// write them are stored by our consumers, and our gateway's `envelope` output is read by a consumer that does
// what the reference's consumers/main.py does (parse, POST data to /{op}). On SQLite and PostgreSQL.
import { Producer, stringSerializers } from '@platformatic/kafka'
import { afterEach, describe, expect, it } from 'vitest'
import { entityTopics } from '../../src/kafka/topics.ts'
import type { EntityName } from '../../src/domain/entities.ts'
import { dialects } from '../helpers/database.ts'
import { eventually, readTopic, startPipeline, type Pipeline } from '../helpers/pipeline.ts'
import { countRows, userBody } from '../helpers/records.ts'
import { referenceEnvelope } from '../helpers/reference-wire.ts'

// The Kafka client can stall a stream; the consumer fails it after 45 s of no fetch and resumes (see
// docs/reliability.md), so waits here allow for one such recovery on a loaded machine.
const WAIT_MS = 120_000
const TEST_MS = 180_000

// The reference's create models: no id; pydantic writes datetimes without a zone, with microseconds.
const referenceUser = { birth_year: 1991, country: 'GR', currency: 'EUR', gender: 'F', registration_date: '2024-04-01T20:48:20.438063' }
const referenceEvent = {
  begin_timestamp: '2030-05-04T18:30:00',
  end_timestamp: '2030-05-04T20:30:00',
  country: 'Spain',
  league: 'La Liga',
  participants: ['Atlético Madrid', 'Real Betis'],
  sport: 'football'
}

describe.each(dialects)('the reference wire format on %s', (dialect) => {
  let p: Pipeline | undefined
  afterEach(async () => {
    await p?.close()
    p = undefined
  })

  async function produceRaw (pipeline: Pipeline, entity: EntityName, values: string[]) {
    const producer = new Producer({ clientId: 'e2e-reference-producer', bootstrapBrokers: pipeline.config.kafka.bootstrapServers, serializers: stringSerializers })
    try {
      // No key, as the reference's producer sends them.
      await producer.send({ messages: values.map((value) => ({ topic: entityTopics(pipeline.config.kafka.topicPrefix, entity).main, value })) })
    } finally {
      await producer.close()
    }
  }

  it('stores every entity the reference\'s producers write, giving id-less records ids, and dead-letters an op for another topic', async () => {
    p = await startPipeline(dialect)
    const db = p.db.database.db
    await produceRaw(p, 'users', [referenceEnvelope('users', referenceUser), referenceEnvelope('events', referenceEvent)])
    await produceRaw(p, 'events', [referenceEnvelope('events', referenceEvent)])
    // At least once: records without ids cannot be deduplicated, so a redelivery (a consumer that
    // reconnected before committing) stores them again under new ids, as docs/migrating.md says.
    await eventually(async () => [await countRows(db, 'users'), await countRows(db, 'events')], ([u, e]) => u >= 1 && e >= 1, WAIT_MS)

    const [{ id: userId }] = await db.selectFrom('users').select('id').orderBy('id').execute() as [{ id: number }]
    const [{ id: eventId }] = await db.selectFrom('events').select('id').orderBy('id').execute() as [{ id: number }]
    const user = (await p.api.inject({ url: `/users/${userId}` })).json()
    expect(user).toMatchObject({ birth_year: 1991, country: 'GR', currency: 'EUR', gender: 'F' })
    const event = (await p.api.inject({ url: `/events/${eventId}` })).json()
    expect(event).toMatchObject({ league: 'La Liga', participants: ['Atlético Madrid', 'Real Betis'] })

    const coupon = { selections: [{ event_id: eventId, odds: 2.5 }], stake: 10.0, timestamp: '2030-05-01T12:00:00', user_id: userId }
    await produceRaw(p, 'coupons', [referenceEnvelope('coupons', coupon)])
    const stored = await eventually(async () => (await (p as Pipeline).api.inject({ url: `/coupons/user/${userId}` })).json(), (list) => list.length >= 1, WAIT_MS)
    expect(stored[0]).toMatchObject({ user_id: userId, stake: 10, selections: [{ event_id: eventId, odds: 2.5 }] })

    const [dead] = await p.deadLetters('users', 1, WAIT_MS)
    expect(dead?.headers['x-dlq-reason']).toBe('envelope for another entity: op "events" arrived on the users topic')
    expect(await p.deadLetters('coupons', 1, 1000)).toEqual([])
    expect(await p.deadLetters('events', 1, 1000)).toEqual([])
  }, TEST_MS)

  it('writes the reference\'s envelope with PRODUCE_FORMAT=envelope, read by a consumer doing what the reference\'s does and by ours', async () => {
    p = await startPipeline(dialect, { PRODUCE_FORMAT: 'envelope' })
    const accepted = await p.post('/users/', userBody({ user_id: 31 })) // the trailing-slash form, as the reference's clients post
    expect(accepted.status).toBe(202)

    const [record] = await readTopic(p.config, entityTopics(p.config.kafka.topicPrefix, 'users').main, 1, WAIT_MS)
    const envelope = JSON.parse(record?.value ?? '{}') as { op: string, data: string }
    expect(envelope.op).toBe('users')
    expect(typeof envelope.data).toBe('string')
    // The reference's consumer: POST data to /{op} of the API.
    const res = await fetch(`${p.apiUrl}/${envelope.op}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: envelope.data })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id: 31, country: 'GB' })

    // Our consumer reads the same topic and stores the same record once (same id and content: a replay).
    await eventually(() => (p as Pipeline).api.inject({ url: '/users/31' }), (r) => r.statusCode === 200, WAIT_MS)
    expect(await countRows(p.db.database.db, 'users')).toBe(1)
    expect(await p.deadLetters('users', 1, 1000)).toEqual([])
  }, TEST_MS)
})
