// API keys across the pipeline: with API_KEYS set, the gateway and the API refuse writes without a valid
// key, the consumers send theirs, and a consumer with a wrong key loses nothing (it retries; nothing is
// dead-lettered). Keys never appear in any service's log, even at the most verbose level.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { defineServiceStack } from '../../src/dev/service-stack.ts'
import { createTestDatabase, dialects, uniqueName } from '../helpers/database.ts'
import { kafkaBootstrap } from '../helpers/kafka.ts'
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.ts'
import { countRows, couponBody, eventBody, userBody } from '../helpers/records.ts'

describe.each(dialects)('API keys across the pipeline on %s', (dialect) => {
  let p: Pipeline | undefined
  afterEach(async () => {
    await p?.close()
    p = undefined
  })

  const status = async (url: string) => (await (p as Pipeline).api.inject({ url })).statusCode

  it('refuses keyless writes at the gateway and the API, and stores what came with a key, delivered by consumers that send theirs', async () => {
    p = await startPipeline(dialect, { API_KEYS: 'key-one,key-two' })
    const key = { 'x-api-key': 'key-two' }
    expect((await p.post('/users', userBody({ id: 1 }))).status).toBe(401)
    expect((await p.post('/users', userBody({ id: 1 }), { 'x-api-key': 'key-three' })).status).toBe(401)
    expect((await p.post('/users?api_key=key-one', userBody({ id: 1 }))).status).toBe(401)
    expect((await p.api.inject({ method: 'POST', url: '/users', payload: userBody({ id: 1 }) })).statusCode).toBe(401)

    expect((await p.post('/users', userBody({ id: 2 }), key)).status).toBe(202)
    expect((await p.post('/events/batch', [eventBody({ id: 3 })], key)).status).toBe(202)
    expect((await p.post('/coupons', couponBody(2, [3], { id: 4 }), key)).status).toBe(202)

    await eventually(() => status('/coupons/4'), (s) => s === 200)
    expect(await status('/users/2')).toBe(200)
    expect(await status('/users/1')).toBe(404)
    expect(await p.deadLetters('users', 1, 1000)).toEqual([])
  })

  it('a consumer with a wrong key stores and dead-letters nothing; one with the right key then stores every record', async () => {
    p = await startPipeline(dialect, { API_KEYS: 'right-key', API_KEY: 'wrong-key' })
    for (const id of [1, 2, 3]) expect((await p.post('/users', userBody({ id }), { 'x-api-key': 'right-key' })).status).toBe(202)
    // The API refuses each delivery with 401; the consumer must keep the batch, not drop or dead-letter it.
    await sleep(3000)
    expect(await countRows(p.db.database.db, 'users')).toBe(0)

    const [wrong] = p.consumers
    await wrong?.stop()
    await p.startConsumer({ API_KEY: 'right-key' })
    await eventually(() => countRows((p as Pipeline).db.database.db, 'users'), (n) => n === 3)
    expect(await p.deadLetters('users', 1, 1000)).toEqual([])
  })
})

describe('API keys in the logs', () => {
  it('never appear in what the API, the gateway and a consumer print, even at trace level', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'keys-in-logs-'))
    const db = await createTestDatabase('sqlite')
    const prefix = `${uniqueName('keys')}-`
    const keys = { api: 'SeCrEt-api-key-1f2e3d', other: 'SeCrEt-other-key-4c5b6a', wrong: 'SeCrEt-wrong-key-7a8b9c' }
    const env = {
      ...db.env,
      LOG_LEVEL: 'trace',
      API_KEYS: `${keys.api},${keys.other}`,
      TOPIC_PREFIX: prefix,
      CONSUMER_GROUP_PREFIX: prefix.slice(0, -1)
    }
    const stack = await defineServiceStack({ bootstrap: kafkaBootstrap(), env, logDir })
    const services = stack.all
    const [apiUrl, gateway] = [stack.apiUrls[0], stack.gatewayUrls[0]] as [string, string]
    try {
      await stack.start()
      const post = async (url: string, headers: Record<string, string>, body: unknown = userBody({ id: 9 })) =>
        (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })).status
      expect(await post(`${gateway}/users`, { 'x-api-key': keys.wrong })).toBe(401)
      expect(await post(`${gateway}/users?api_key=${keys.wrong}`, {})).toBe(401)
      expect(await post(`${gateway}/users`, { authorization: `Bearer ${keys.wrong}` })).toBe(401)
      expect(await post(`${gateway}/users`, { 'x-api-key': keys.other }, { ...userBody({ id: 9 }), birth_year: keys.wrong })).toBe(422)
      expect(await post(`${gateway}/users`, { 'x-api-key': keys.other })).toBe(202)
      expect(await post(`${apiUrl}/users`, { 'x-api-key': keys.wrong })).toBe(401)
      // The consumer delivers with the first key.
      const stored = async () => (await fetch(`${apiUrl}/users/9`)).status
      while (await stored() !== 200) await sleep(200)
    } finally {
      await stack.stop()
      await db.drop()
    }
    const printed = services.flatMap((s) => s.lines)
    expect(printed.length).toBeGreaterThan(10)
    for (const key of Object.values(keys)) {
      expect(printed.filter((line) => line.includes(key)), key).toEqual([])
    }
    rmSync(logDir, { recursive: true, force: true })
  }, 120_000)
})
