// A consumer delivering to two API instances (API_URL with two URLs) over one database, on the run's real
// broker: deliveries go to both; when one is closed mid-run every record still arrives exactly once, the
// consumer stays ready and names the instance that is down; once it is back, deliveries go to it again.
import { afterEach, describe, expect, it } from 'vitest'
import { buildApi, type Api } from '../../src/api/app.ts'
import type { InstanceReport } from '../../src/consumer/api-instances.ts'
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.ts'
import { userBody } from '../helpers/records.ts'

const json = async (url: string) => {
  const res = await fetch(url)
  return { status: res.status, body: await res.json() as any }
}

describe('a consumer with two API instances', () => {
  let p: Pipeline | undefined
  afterEach(async () => {
    await p?.close()
    p = undefined
  })

  it('stores every record exactly once when one instance is closed mid-run, and uses it again once it is back', async () => {
    // Small batches: many deliveries, so both instances get some before and after the closing.
    p = await startPipeline('sqlite', { TOPICS: 'users', CONSUMER_BATCH_SIZE: 5 }, { apiInstances: 2 })
    const pipeline = p
    const consumer = (p.consumers[0] as Pipeline['consumers'][number]).url
    const [first, second] = p.apiUrls as [string, string]
    const topic = `${p.config.kafka.topicPrefix}users`
    const instances = async () => (await json(`${consumer}/status`)).body.api as InstanceReport[]
    const send = async (from: number, to: number) => {
      const ids = Array.from({ length: to - from + 1 }, (_v, i) => from + i)
      expect((await pipeline.post('/users/batch', ids.map((id) => userBody({ id })))).status).toBe(202)
    }
    const storedIds = async () => (await pipeline.db.database.db.selectFrom('users').select('id').orderBy('id').execute()).map((r) => r.id)
    const range = (to: number) => Array.from({ length: to }, (_v, i) => i + 1)

    const ready = await eventually(() => json(`${consumer}/ready`), (r) => r.status === 200)
    expect(ready.body.checks.api).toBe('ok')

    // Both instances take deliveries.
    for (let from = 1; from <= 20; from += 5) {
      await send(from, from + 4)
      await eventually(storedIds, (ids) => ids.length === from + 4)
    }
    expect((await instances()).map((i) => [i.url, i.state])).toEqual([[first, 'up'], [second, 'up']])
    expect((await instances()).every((i) => i.deliveries > 0)).toBe(true)

    // The second instance goes away while records keep coming: closed as a batch is sent, so the deliveries
    // in flight then are answered or fail over, and every later one that picks it finds it gone.
    let closing: Promise<void> | undefined
    for (let from = 21; from <= 60; from += 5) {
      await send(from, from + 4)
      if (from === 31) closing = (p.apis[1] as Api).close()
      await eventually(storedIds, (ids) => ids.length === from + 4)
    }
    await closing
    expect(await storedIds()).toEqual(range(60))
    const afterClosing = await eventually(instances, (list) => list[1]?.state === 'down')
    expect(afterClosing[0]).toMatchObject({ url: first, state: 'up' })
    expect(afterClosing[1]?.last_error).toContain(second)
    // Stored once each, nothing set aside: the skipped instance's batches went whole to the other.
    const status = await json(`${consumer}/status`)
    expect(status.body.records[topic]).toMatchObject({ stored: 60, retried: 0, dead_lettered: 0 })
    const stillReady = await json(`${consumer}/ready`)
    expect(stillReady).toMatchObject({ status: 200, body: { checks: { api: 'ok' } } })
    const metrics = await (await fetch(`${consumer}/metrics`)).text()
    expect(metrics).toMatch(new RegExp(`consumer_api_deliveries_total\\{[^}]*api="${second}"[^}]*outcome="unavailable"`))

    // Back on its port: after the cool-down, a delivery finds it and it takes its share again.
    const again = await buildApi({ config: p.db.config, database: p.db.database, logger: false })
    p.apis.push(again)
    await again.listen({ host: '127.0.0.1', port: Number(new URL(second).port) })
    let next = 61
    await eventually(async () => {
      await send(next, next + 4)
      next += 5
      return instances()
    }, (list) => list[1]?.state === 'up', 30_000)
    expect(await eventually(storedIds, (ids) => ids.length === next - 1)).toEqual(range(next - 1))

    // Neither answers: not ready, each instance named.
    await Promise.all(p.apis.map(async (api) => api.close()))
    const notReady = await json(`${consumer}/ready`)
    expect(notReady.status).toBe(503)
    expect(notReady.body.detail).toMatch(/^api unreachable: /)
    expect(notReady.body.detail).toContain(first)
    expect(notReady.body.detail).toContain(second)
  }, 120_000)
})
