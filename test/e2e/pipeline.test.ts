// Gateway -> Kafka -> consumers -> API -> database, on the run's real broker, on SQLite and PostgreSQL.
import { Producer, stringSerializers } from '@platformatic/kafka'
import { afterEach, describe, expect, it } from 'vitest'
import { entityTopics } from '../../src/kafka/topics.ts'
import { dialects } from '../helpers/database.ts'
import { loadSeedFixture } from '../helpers/fixture.ts'
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.ts'
import { countRows, eventBody, userBody } from '../helpers/records.ts'

describe.each(dialects)('pipeline on %s', (dialect) => {
  let p: Pipeline | undefined
  afterEach(async () => {
    await p?.close()
    p = undefined
  })

  const get = async (pipeline: Pipeline, url: string) => {
    const res = await pipeline.api.inject({ url })
    return { status: res.statusCode, body: res.json() }
  }

  it('stores every entity sent to the gateway, with the id and content the gateway acknowledged', async () => {
    p = await startPipeline(dialect)
    const user = await p.post('/users', userBody({ user_id: 7 }))
    expect(user).toMatchObject({ status: 202, body: { id: 7, topic: `${p.config.kafka.topicPrefix}users` } })
    expect(typeof user.body.offset).toBe('number')
    const event = await p.post('/events', eventBody({ event_id: '11' }))
    expect(event.status).toBe(202)
    const anonymous = await p.post('/users', userBody({ country: 'jpn' }))
    expect(anonymous.status).toBe(202)
    const coupon = await p.post('/coupons', { user_id: 7, stake: 10, selections: [{ event_id: 11, odds: 1.5 }] })
    expect(coupon.status).toBe(202)

    const stored = await eventually(() => get(p as Pipeline, `/coupons/${coupon.body.id as number}`), (r) => r.status === 200)
    expect(stored.body).toMatchObject({ id: coupon.body.id, user_id: 7, stake: 10, selections: [{ event_id: 11, odds: 1.5 }] })
    expect((await get(p, '/users/7')).body).toMatchObject({ id: 7, country: 'GB' })
    expect((await get(p, '/events/11')).body).toMatchObject({ id: 11, participants: ['Home FC', 'Away FC'] })
    const generated = await eventually(() => get(p as Pipeline, `/users/${anonymous.body.id as number}`), (r) => r.status === 200)
    expect(generated.body.country).toBe('JPN')
  })

  it('refuses invalid input at the gateway with 400/422 before anything reaches Kafka', async () => {
    p = await startPipeline(dialect)
    expect((await p.post('/users', userBody({ birth_year: 'old' }))).status).toBe(422)
    const res = await fetch(`${p.gatewayUrl}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"birth_year":' })
    expect(res.status).toBe(400)
    const batch = await p.post('/users/batch', [userBody({ user_id: 1 }), userBody({ user_id: 2, gender: 'X' })])
    expect(batch.status).toBe(422)
    expect(batch.body.detail).toContain('body[1].gender')
    expect(await p.deadLetters('users', 1, 1500)).toEqual([])
    expect(await countRows(p.db.database.db, 'users')).toBe(0)
  })

  it('dead-letters poison and refused records with the reason, without stalling their partition', async () => {
    p = await startPipeline(dialect)
    const topics = entityTopics(p.config.kafka.topicPrefix, 'users')
    const producer = new Producer({ clientId: 'e2e-raw', bootstrapBrokers: p.config.kafka.bootstrapServers, serializers: stringSerializers })
    // Each poison record with the start of the reason it must be dead-lettered with.
    const poison: Array<[string, string]> = [
      ['not json at all', 'not JSON'],
      ['[1,2,3]', 'not a JSON object'],
      ['{"hello":"world"}', 'body.birth_year'],
      [JSON.stringify({ id: 5, birth_year: 1800, country: 'GB', currency: 'EUR', gender: 'M' }), 'body.birth_year'],
      [JSON.stringify({ op: 'delete', data: JSON.stringify(userBody({ id: 9 })) }), 'unknown envelope: op "delete"'],
      [JSON.stringify({ op: 'create', data: 42 }), 'unknown envelope: data'],
      [JSON.stringify({ op: 'create', data: '{"id": 10, "birth' }), 'envelope data: not JSON'],
      [JSON.stringify({ op: 'create', data: { op: 'create', data: userBody({ id: 11 }) } }), 'unknown envelope: data is itself an envelope']
    ]
    try {
      // Same key: same partition, so the valid records behind the poison ones prove nothing stalls.
      await producer.send({
        messages: [
          ...poison.map(([value]) => ({ topic: topics.main, key: 'k', value })),
          { topic: topics.main, key: 'k', value: JSON.stringify({ op: 'create', data: JSON.stringify(userBody({ id: 6 })) }) }
        ]
      })
    } finally {
      await producer.close()
    }
    await p.post('/users', userBody({ user_id: 8 }))
    await p.post('/users', userBody({ user_id: 8, birth_year: 1980 })) // same id, other content: 409 at the API

    await eventually(() => get(p as Pipeline, '/users/6'), (r) => r.status === 200)
    const dead = await p.deadLetters('users', poison.length + 1)
    expect(dead).toHaveLength(poison.length + 1)
    for (const [value, reason] of poison) {
      const letter = dead.find((d) => d.value === value) // original bytes kept
      expect(letter?.headers['x-dlq-reason'], value).toContain(reason)
      expect(letter?.headers['x-original-topic']).toBe(topics.main)
    }
    const conflict = dead.find((d) => d.headers['x-dlq-code'] === 'CONFLICT')
    expect(conflict?.headers['x-dlq-status']).toBe('409')
    expect((await get(p, '/users/8')).body.birth_year).toBe(1990)
    for (const id of [5, 9, 10, 11]) expect((await get(p, `/users/${id}`)).status, `user ${id}`).toBe(404)
  })

  it('stores a coupon that arrives before its user and event', async () => {
    p = await startPipeline(dialect)
    const coupon = await p.post('/coupons', { coupon_id: 99, user_id: 41, stake: 5, selections: [{ event_id: 42, odds: 2 }, { event_id: 42, odds: 2.5 }] })
    expect(coupon.status).toBe(202)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect((await get(p, '/coupons/99')).status).toBe(404)
    await p.post('/events', eventBody({ event_id: 42 }))
    await p.post('/users', userBody({ user_id: 41 }))
    const stored = await eventually(() => get(p as Pipeline, '/coupons/99'), (r) => r.status === 200)
    expect(stored.body.selections).toEqual([{ event_id: 42, odds: 2 }, { event_id: 42, odds: 2.5 }])
    expect(await p.deadLetters('coupons', 1, 1000)).toEqual([])
  })

  it('dead-letters a coupon whose user never arrives once the retry window is over', async () => {
    p = await startPipeline(dialect, { RETRY_WINDOW_MS: 1500 })
    await p.post('/coupons', { coupon_id: 3, user_id: 404, stake: 5, selections: [{ event_id: 1, odds: 2 }] })
    const [dead] = await p.deadLetters('coupons', 1)
    expect(dead?.headers['x-dlq-code']).toBe('USER_NOT_FOUND')
    expect(dead?.headers['x-dlq-reason']).toMatch(/User not found \(still missing after retrying/)
  })

  it('stores the seed fixture sent in shuffled order, dead-lettering only coupon 42299 as a conflict', async () => {
    p = await startPipeline(dialect)
    const data = loadSeedFixture()
    const records = [
      ...data.users.map((body) => ({ path: '/users', body })),
      ...data.events.map((body) => ({ path: '/events', body })),
      ...data.coupons.map((body) => ({ path: '/coupons', body }))
    ].sort(() => Math.random() - 0.5)
    for (const r of records) expect((await (p as Pipeline).post(r.path, r.body)).status).toBe(202)

    const db = p.db.database.db
    await eventually(async () => ({ users: await countRows(db, 'users'), events: await countRows(db, 'events'), coupons: await countRows(db, 'coupons') }),
      (c) => c.users === 101 && c.events === 101 && c.coupons === 100)
    const dead = await p.deadLetters('coupons', 1)
    expect(dead).toHaveLength(1)
    expect(dead[0]?.headers['x-dlq-status']).toBe('409')
    expect(JSON.parse(dead[0]?.value ?? '{}').coupon_id).toBe(42299)
  })

  it('shares partitions between two consumer instances of one group, storing each record once', async () => {
    p = await startPipeline(dialect, { TOPICS: 'users' })
    await p.startConsumer()
    // Let both instances join the group before the records arrive.
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const ids = Array.from({ length: 300 }, (_, i) => 1000 + i)
    for (let i = 0; i < ids.length; i += 50) {
      const res = await p.post('/users/batch', ids.slice(i, i + 50).map((id) => userBody({ user_id: id })))
      expect(res.status).toBe(202)
    }
    const db = p.db.database.db
    await eventually(() => countRows(db, 'users'), (n) => n === 300)
    const perInstance = p.batches.map((log) => log.reduce((n, b) => n + b.summary.stored, 0))
    expect(perInstance.every((n) => n > 0)).toBe(true)
    const distinct = await db.selectFrom('users').select((eb) => eb.fn.count('id').distinct().as('n')).executeTakeFirstOrThrow()
    expect(Number(distinct.n)).toBe(300)
  })
})
