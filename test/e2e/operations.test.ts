// Health, readiness and metrics of the three services on the run's real broker: /ready names a dependency
// that does not answer, the gateway counts what it produced, the consumer its records per outcome, and its
// /status and /metrics show lag per partition and dead letters read from the broker.
import { afterEach, describe, expect, it } from 'vitest'
import { buildApi } from '../../src/api/app.ts'
import { loadConfig } from '../../src/config/config.ts'
import { createIdGenerator } from '../../src/domain/ids.ts'
import { buildGateway } from '../../src/gateway/app.ts'
import { createRecordProducer } from '../../src/gateway/producer.ts'
import { freePorts } from '../../src/dev/ports.ts'
import { createTestDatabase } from '../helpers/database.ts'
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.ts'
import { userBody } from '../helpers/records.ts'

const json = async (url: string) => {
  const res = await fetch(url)
  return { status: res.status, body: await res.json() as any }
}
const metric = (text: string, name: string, ...labels: string[]) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)))
  return line === undefined ? undefined : Number(line.split(' ').at(-1))
}

describe('operations', () => {
  let p: Pipeline | undefined
  afterEach(async () => {
    await p?.close()
    p = undefined
  })

  it('answers /health and /ready on every service, and counts records produced, stored and dead-lettered', async () => {
    p = await startPipeline('sqlite')
    const consumer = p.consumers[0]?.url as string
    for (const url of [p.apiUrl, p.gatewayUrl, consumer]) {
      expect((await json(`${url}/health`)).body.status).toBe('ok')
      const ready = await eventually(() => json(`${url}/ready`), (r) => r.status === 200)
      expect(ready.body.status).toBe('ready')
    }
    expect((await json(`${p.apiUrl}/ready`)).body.checks).toEqual({ database: 'ok' })
    expect((await json(`${p.gatewayUrl}/ready`)).body.checks).toEqual({ kafka: 'ok' })
    expect((await json(`${consumer}/ready`)).body.checks).toEqual({ kafka: 'ok', api: 'ok', workers: 'ok' })

    const topic = `${p.config.kafka.topicPrefix}users`
    for (const id of [1, 2, 3]) expect((await p.post('/users', userBody({ id }))).status).toBe(202)
    expect((await p.post('/users', userBody({ id: 3, gender: 'F' }))).status).toBe(202)
    const status = await eventually(() => json(`${consumer}/status`), (r) => r.body.records[topic]?.dead_lettered === 1 && r.body.dead_letters.totals[`${topic}.dlq`] === 1, 60_000)
    expect(status.body.records[topic]).toMatchObject({ consumed: 4, stored: 3, retried: 0, dead_lettered: 1 })
    expect(status.body.dead_letters.latest[0]).toMatchObject({ topic: `${topic}.dlq`, code: 'CONFLICT' })
    expect(status.body.dead_letters.latest[0].reason).toContain('User 3 already exists with different content')
    const lagOfUsers = status.body.lag.filter((l: { topic: string }) => l.topic === topic)
    expect(lagOfUsers).toHaveLength(p.config.kafka.partitions)

    const gatewayMetrics = await (await fetch(`${p.gatewayUrl}/metrics`)).text()
    expect(metric(gatewayMetrics, 'gateway_records_produced_total', `topic="${topic}"`)).toBe(4)
    const consumerMetrics = await (await fetch(`${consumer}/metrics`)).text()
    expect(metric(consumerMetrics, 'consumer_records_stored_total', `topic="${topic}"`)).toBe(3)
    expect(metric(consumerMetrics, 'consumer_records_dead_lettered_total', `topic="${topic}"`, 'code="CONFLICT"')).toBe(1)
    expect(metric(consumerMetrics, 'dead_letter_records', `topic="${topic}.dlq"`)).toBe(1)
    expect(consumerMetrics).toContain('consumer_delivery_duration_seconds_bucket{')
    expect(consumerMetrics).toContain('service="consumer"')
    const apiMetrics = await (await fetch(`${p.apiUrl}/metrics`)).text()
    expect(metric(apiMetrics, 'db_query_duration_seconds_count', 'repository="users"', 'call="insertMany"')).toBeGreaterThan(0)
    expect(metric(apiMetrics, 'db_rows', 'table="users"')).toBe(3)
  })

  it('shows the lag of a stopped consumer on another instance within 15 s, whose /ready names an API that does not answer', async () => {
    p = await startPipeline('sqlite')
    const [closed] = await freePorts(1)
    // Reads only events, and delivers to nowhere: it still watches every entity's groups on the broker.
    const watcher = await p.startConsumer({ TOPICS: 'events', API_URL: `http://127.0.0.1:${closed as number}` })
    const notReady = await json(`${watcher.url}/ready`)
    expect(notReady.status).toBe(503)
    expect(notReady.body.checks.kafka).toBe('ok')
    expect(notReady.body.detail).toMatch(/^api unreachable: /)

    await (p.consumers[0] as Pipeline['consumers'][number]).stop()
    const topic = `${p.config.kafka.topicPrefix}users`
    for (const id of [11, 12, 13, 14, 15]) expect((await p.post('/users', userBody({ id }))).status).toBe(202)
    const producedAt = Date.now()
    const lagOf = (text: string) => text.split('\n').filter((l) => l.startsWith('consumer_lag{') && l.includes(`topic="${topic}"`))
      .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0)
    await eventually(async () => lagOf(await (await fetch(`${watcher.url}/metrics`)).text()), (lag) => lag === 5, 30_000)
    expect(Date.now() - producedAt).toBeLessThan(15_000)
    const status = await json(`${watcher.url}/status`)
    const behind = status.body.lag.filter((l: { topic: string }) => l.topic === topic)
    expect(behind.reduce((sum: number, l: { lag: number }) => sum + l.lag, 0)).toBe(5)
  })

  it('reports the dependency that does not answer by name on /ready', async () => {
    const [closed] = await freePorts(1)
    const db = await createTestDatabase('sqlite')
    const api = await buildApi({ config: db.config, database: db.database, logger: false })
    expect((await api.inject('/ready')).statusCode).toBe(200)
    await db.database.close()
    const down = await api.inject('/ready')
    expect(down.statusCode).toBe(503)
    expect(down.json()).toMatchObject({ status: 'not ready', code: 'UNAVAILABLE', checks: { database: expect.not.stringMatching(/^ok$/) } })
    expect(down.json().detail).toMatch(/^database unreachable: /)
    await api.close()
    await db.drop().catch(() => {})

    const config = loadConfig({ BOOTSTRAP_SERVER: `127.0.0.1:${closed as number}`, LOG_LEVEL: 'silent' })
    const producer = createRecordProducer(config, 'ready-test')
    const gateway = await buildGateway({ config, producer, nextId: createIdGenerator(1), logger: false })
    const answer = await gateway.inject('/ready')
    expect(answer.statusCode).toBe(503)
    expect(answer.json().detail).toMatch(/^kafka unreachable: /)
    await gateway.close()
    await producer.close()
  })
})
