// createApiClient over several API instances (API_URL with several URLs), on real APIs over one database:
// deliveries spread over the instances, one that is closed or answers 503 is skipped and the same records go
// to the next, it is tried again after the cool-down, and only when none answers does a delivery fail.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildApi, type Api } from '../../../src/api/app.ts'
import { createApiClient, type ApiClient, type InstanceAttempt } from '../../../src/consumer/delivery.ts'
import { ErrorCodes } from '../../../src/domain/errors.ts'
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts'
import { countRows, userBody } from '../../helpers/records.ts'

const COOL_DOWN_MS = 300
const users = (from: number, count: number) => Array.from({ length: count }, (_v, i) => userBody({ id: from + i }))

/** A server that answers every request 503, as an API instance whose database is away. */
async function unavailable (): Promise<{ url: string, close (): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(503, { 'content-type': 'application/json' }).end('{"code":"UNAVAILABLE","detail":"database unreachable"}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

describe('delivery to several API instances', () => {
  let db: TestDatabase
  let apis: Api[]
  let urls: string[]
  let client: ApiClient | undefined
  const attempts: InstanceAttempt[] = []

  const startApi = async (port = 0) => {
    const api = await buildApi({ config: db.config, database: db.database, logger: false })
    apis.push(api)
    return api.listen({ host: '127.0.0.1', port })
  }
  const open = (apiUrls: string[]) => {
    client = createApiClient(apiUrls, { apiKey: '', coolDownMs: COOL_DOWN_MS, onAttempt: (a) => attempts.push(a) })
    return client
  }

  beforeEach(async () => {
    db = await createTestDatabase('sqlite')
    apis = []
    attempts.length = 0
    urls = [await startApi(), await startApi()]
  })
  afterEach(async () => {
    await client?.close()
    client = undefined
    // An API closed by the test already is closed again harmlessly.
    await Promise.all(apis.map(async (api) => api.close()))
    await db.drop()
  })

  it('spreads deliveries round-robin over the instances', async () => {
    const api = open(urls)
    for (let batch = 0; batch < 4; batch++) {
      expect(await api.deliver('users', users(batch * 10 + 1, 10))).toEqual(Array(10).fill({ kind: 'stored' }))
    }
    expect(api.instances().map((i) => [i.url, i.state, i.deliveries])).toEqual([[urls[0], 'up', 2], [urls[1], 'up', 2]])
    expect(await countRows(db.database.db, 'users')).toBe(40)
  })

  it('sends the records of an instance that was closed to the other one, each stored once, and skips it for the cool-down', async () => {
    const api = open(urls)
    await api.deliver('users', users(1, 5))
    await api.deliver('users', users(6, 5))
    await (apis[1] as Api).close()
    for (let batch = 2; batch < 8; batch++) {
      expect(await api.deliver('users', users(batch * 5 + 1, 5))).toEqual(Array(5).fill({ kind: 'stored' }))
    }
    expect(await countRows(db.database.db, 'users')).toBe(40)
    const [first, second] = api.instances()
    expect(first).toMatchObject({ url: urls[0], state: 'up', deliveries: 7 })
    // Tried once, then skipped by every later delivery (all within the cool-down).
    expect(second).toMatchObject({ url: urls[1], state: 'down', deliveries: 1, failures: 1 })
    expect(second?.last_error).toMatch(/^API unreachable at http:\/\/127\.0\.0\.1:\d+: /)
    expect(attempts.filter((a) => !a.ok)).toEqual([{ url: urls[1], ok: false, changed: true, reason: second?.last_error }])
  })

  it('skips an instance that answers 503, delivering its batch to the next one', async () => {
    const down = await unavailable()
    try {
      const api = open([down.url, urls[0] as string])
      for (let batch = 0; batch < 3; batch++) expect(await api.deliver('users', users(batch * 3 + 1, 3))).toHaveLength(3)
      expect(await countRows(db.database.db, 'users')).toBe(9)
      expect(api.instances()[0]).toMatchObject({ state: 'down', deliveries: 0 })
      expect(api.instances()[0]?.last_error).toContain('answered 503')
    } finally {
      await down.close()
    }
  })

  it('fails a delivery only when no instance answers, and goes back to an instance once it answers again', async () => {
    const api = open(urls)
    const port = Number(new URL(urls[1] as string).port)
    await Promise.all(apis.map(async (a) => a.close()))
    const failure = await api.deliver('users', users(1, 3)).catch((error: unknown) => error)
    expect(failure).toMatchObject({ code: ErrorCodes.apiUnavailable })
    expect((failure as Error).message).toMatch(/^no API instance answered: /)
    for (const url of urls) expect((failure as Error).message).toContain(url)
    expect(api.instances().map((i) => i.state)).toEqual(['down', 'down'])

    // With both down, each delivery still tries one of them (the worker's backoff paces them).
    await startApi(port)
    await new Promise((resolve) => setTimeout(resolve, COOL_DOWN_MS))
    expect(await api.deliver('users', users(1, 3))).toEqual(Array(3).fill({ kind: 'stored' }))
    expect(await api.deliver('users', users(4, 3))).toHaveLength(3)
    expect(api.instances()[1]).toMatchObject({ url: urls[1], state: 'up', deliveries: 2 })
    expect(attempts.filter((a) => a.ok && a.changed)).toEqual([{ url: urls[1], ok: true, changed: true }])
    expect(await countRows(db.database.db, 'users')).toBe(6)
  })

  it('with a single instance, fails with its own sentence, as before API_URL took several', async () => {
    const api = open([urls[0] as string])
    await (apis[0] as Api).close()
    const failure = await api.deliver('users', users(1, 1)).catch((error: unknown) => error)
    expect((failure as Error).message).toMatch(/^API unreachable at http:\/\/127\.0\.0\.1:\d+: /)
    // Tried again by the very next delivery: a single API is never skipped.
    const again = await api.deliver('users', users(1, 1)).catch((error: unknown) => error)
    expect(again).toMatchObject({ code: ErrorCodes.apiUnavailable })
    expect(api.instances()[0]).toMatchObject({ state: 'down', failures: 2 })
  })
})
