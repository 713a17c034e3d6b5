// uploadDataset against the real API on a real port (both dialects), and against a scripted server for retries.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApi, type Api } from '../../../src/api/app.ts'
import { repositories } from '../../../src/storage/repositories/index.ts'
import { generateDataset, writeDataset } from '../../../src/tools/dataset.ts'
import { formatSummary, uploadDataset, type EntitySummary, type UploadSummary } from '../../../src/tools/upload/index.ts'
import { createTestDatabase, dialects, type TestDatabase } from '../../helpers/database.ts'
import { SEED_FIXTURE_PATH } from '../../helpers/fixture.ts'

const dir = mkdtempSync(join(tmpdir(), 'upload-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const entity = (summary: UploadSummary, name: string): EntitySummary => {
  const found = summary.entities.find((e) => e.entity === name)
  if (found === undefined) throw new Error(`no ${name} in the summary`)
  return found
}

describe.each(dialects)('upload to the API on %s', (dialect) => {
  let db: TestDatabase
  let api: Api
  let url: string

  beforeAll(async () => {
    db = await createTestDatabase(dialect)
    api = await buildApi({ config: db.config, database: db.database, logger: false })
    await api.listen({ port: 0, host: '127.0.0.1' })
    url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await api.close()
    await db.drop()
  })

  const counts = async () => {
    const repos = repositories(db.database.db)
    return { users: await repos.users.count(), events: await repos.events.count(), coupons: await repos.coupons.count() }
  }

  it('ingests the seed fixture unchanged, twice, refusing only coupon 42299 each time', async () => {
    for (const pass of [1, 2]) {
      const summary = await uploadDataset({ file: SEED_FIXTURE_PATH, url })
      expect(summary.ok, `pass ${pass}:\n${formatSummary(summary)}`).toBe(true)
      expect(summary.entities.map((e) => [e.entity, e.total, e.sent, e.stored, e.refused, e.failed])).toEqual([
        ['users', 101, 101, 101, 0, 0],
        ['events', 101, 101, 101, 0, 0],
        ['coupons', 101, 101, 100, 1, 0]
      ])
      const [refusal] = entity(summary, 'coupons').refusals
      expect(refusal).toMatchObject({ status: 409, count: 1, examples: [{ id: 42299 }] })
      expect(refusal?.examples[0]?.detail).toMatch(/42299/)
      expect(await counts()).toEqual({ users: 101, events: 101, coupons: 100 })
    }
  })

  it('stores a generated dataset through the bulk routes', async () => {
    const options = { users: 40, events: 25, coupons: 90, seed: 11, firstId: 500_000 }
    const file = join(dir, `bulk-${dialect}.json`)
    await writeDataset(file, options)
    const before = await counts()
    const summary = await uploadDataset({ file, url, bulk: 7, concurrency: 3 })
    expect(summary.ok, formatSummary(summary)).toBe(true)
    expect(summary.bulk).toBe(7)
    expect(summary.entities.map((e) => [e.entity, e.sent, e.stored, e.refused])).toEqual([
      ['users', 40, 40, 0], ['events', 25, 25, 0], ['coupons', 90, 90, 0]
    ])
    expect(await counts()).toEqual({ users: before.users + 40, events: before.events + 25, coupons: before.coupons + 90 })

    const coupon = generateDataset(options).coupons[89]
    const stored = await (await fetch(`${url}/coupons/${coupon?.coupon_id}`)).json() as { user_id: number, selections: Array<{ event_id: number }> }
    expect(stored.user_id).toBe(coupon?.user_id)
    expect(stored.selections.map((s) => s.event_id)).toEqual(coupon?.selections.map((s) => Number(s.event_id)))
  })

  it('uploads only the entities asked for, from memory, and reports refusals of the bulk routes', async () => {
    const { users } = generateDataset({ users: 3, events: 0, coupons: 0, firstId: 600_000 })
    const bad = { ...users[0], user_id: 600_100, country: 'XX' }
    const summary = await uploadDataset({ dataset: { users: [...users, bad], coupons: [{ coupon_id: 1 }] }, url, bulk: 10, entities: ['users'] })
    expect(summary.entities.map((e) => e.entity)).toEqual(['users'])
    expect(entity(summary, 'users')).toMatchObject({ sent: 4, stored: 3, refused: 1, refusals: [{ status: 422, count: 1, examples: [{ id: 600_100 }] }] })
    expect(summary.ok).toBe(true)
  })
})

/** A server whose answer to each request is scripted by the test. */
async function scriptedServer (answer: (req: IncomingMessage, res: ServerResponse, body: string, attempt: number) => void) {
  const attempts = new Map<string, number>()
  const requests: Array<{ url: string, body: string, key: string | undefined }> = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { body += chunk })
    req.on('end', () => {
      const attempt = (attempts.get(body) ?? 0) + 1
      attempts.set(body, attempt)
      requests.push({ url: req.url ?? '', body, key: req.headers['x-api-key'] as string | undefined })
      answer(req, res, body, attempt)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  }
}

const reply = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

describe('upload retries and verdicts', () => {
  const users = [{ user_id: 1 }, { user_id: 2 }, { user_id: 3 }]

  it('retries 503 and dropped connections, then counts the record stored', async () => {
    const server = await scriptedServer((req, res, _body, attempt) => {
      if (attempt === 1) req.socket.destroy()
      else if (attempt === 2) reply(res, 503, { detail: 'busy' })
      else reply(res, 202, { id: 1, topic: 'users', partition: 0, offset: 0 })
    })
    try {
      const summary = await uploadDataset({ dataset: { users }, url: `${server.url}/base/`, target: 'gateway', retryDelayMs: 1, apiKey: 'k1' })
      expect(entity(summary, 'users')).toMatchObject({ sent: 3, stored: 3, refused: 0, failed: 0 })
      expect(summary.ok).toBe(true)
      expect(server.requests).toHaveLength(9)
      expect(new Set(server.requests.map((r) => r.url))).toEqual(new Set(['/base/users']))
      expect(new Set(server.requests.map((r) => r.key))).toEqual(new Set(['k1']))
      expect(formatSummary(summary)).toMatch(/3 accepted/)
    } finally {
      await server.close()
    }
  })

  it('reports a 4xx as a refusal without retrying, and a 5xx after retries as a failure', async () => {
    const server = await scriptedServer((_req, res, body) => {
      const id = (JSON.parse(body) as { user_id: number }).user_id
      if (id === 1) reply(res, 422, { detail: 'bad country' })
      else if (id === 2) reply(res, 500, { detail: 'boom' })
      else reply(res, 503, { detail: 'still busy' })
    })
    try {
      const summary = await uploadDataset({ dataset: { users }, url: server.url, retries: 2, retryDelayMs: 1 })
      const summaryOfUsers = entity(summary, 'users')
      expect(summaryOfUsers).toMatchObject({ sent: 3, stored: 0, refused: 1, failed: 2, refusals: [{ status: 422, count: 1, examples: [{ id: 1, detail: 'bad country' }] }] })
      expect(summaryOfUsers.failures.sort()).toEqual(['user 2: 500 boom', 'user 3: 503 still busy'])
      expect(summary.ok).toBe(false)
      const tries = (id: number) => server.requests.filter((r) => r.body === JSON.stringify({ user_id: id })).length
      expect([tries(1), tries(2), tries(3)]).toEqual([1, 1, 3])
    } finally {
      await server.close()
    }
  })

  it('stops after too many failures and says so', async () => {
    const server = await scriptedServer((_req, res) => reply(res, 500, { detail: 'down' }))
    try {
      const many = Array.from({ length: 50 }, (_, i) => ({ user_id: i }))
      const summary = await uploadDataset({ dataset: { users: many, events: [{ event_id: 1 }] }, url: server.url, concurrency: 2, maxFailures: 5 })
      expect(summary.aborted).toMatch(/stopped after 5 failed records/)
      expect(summary.sent).toBeLessThan(10)
      expect(summary.entities.map((e) => e.entity)).toEqual(['users'])
      expect(summary.ok).toBe(false)
    } finally {
      await server.close()
    }
  })

  it('refuses options that cannot work', async () => {
    await expect(uploadDataset({ dataset: { users }, target: 'gateway', bulk: 10 })).rejects.toThrow(/bulk/)
    await expect(uploadDataset({ dataset: { users }, concurrency: 0 })).rejects.toThrow(/concurrency/)
    await expect(uploadDataset({ dataset: { users }, bulk: 5001 })).rejects.toThrow(/bulk/)
    await expect(uploadDataset({ dataset: { users }, entities: ['bets' as 'users'] })).rejects.toThrow(/unknown entities: bets/)
    await expect(uploadDataset({ dataset: { events: [] }, entities: ['users'] })).rejects.toThrow(/none of users/)
  })
})
