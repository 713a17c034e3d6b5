// The operator dashboard on the API: the page and its assets, and GET /dashboard/overview's figures
// against what the database holds, on both dialects; services that refuse, hang, stall or are not ready
// are reported as down with why.
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config/config.ts'
import { PROBE_TIMEOUT_MS } from '../../../src/dashboard/services.ts'
import { createIdGenerator } from '../../../src/domain/ids.ts'
import { buildGateway } from '../../../src/gateway/app.ts'
import { createRecordProducer } from '../../../src/gateway/producer.ts'
import { createTestApi, useTestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { client, countRows, couponBody, create, emptyTables, eventBody, userBody } from '../../helpers/records.ts'

/** Nothing listens on the discard port: a connection there is refused at once. */
const CLOSED = 'http://127.0.0.1:9'
const packageFile = createRequire(import.meta.url).resolve

describe.each(dialects)('dashboard on %s', (dialect) => {
  const t = useTestApi(dialect, { GATEWAY_URL: CLOSED, CONSUMER_URLS: CLOSED })
  beforeEach(async () => { await emptyTables(t.db.database.db) })

  it('serves the page as HTML that may load only what the API serves', async () => {
    const page = await t.client.get('/dashboard')
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.body).toMatch(/^<!doctype html>/i)
    const policy = String(page.headers['content-security-policy'])
    expect(policy).toContain("default-src 'none'")
    expect(policy).toContain("script-src 'self'")
    expect(policy).toContain("connect-src 'self'")
    // Every script and stylesheet the page names lives on the API itself.
    const assets = [...String(page.body).matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string).filter((url) => url !== 'data:,')
    expect(assets.length).toBeGreaterThanOrEqual(4)
    for (const url of assets) expect(url).toMatch(/^\/dashboard\/assets\//)
  })

  it('serves every asset the page names with its content type', async () => {
    const page = await t.client.get('/dashboard')
    const assets = [...String(page.body).matchAll(/(?:src|href)="(\/dashboard\/assets\/[^"]+)"/g)].map((m) => m[1] as string)
    expect(assets.sort()).toEqual(['/dashboard/assets/main.js', '/dashboard/assets/style.css', '/dashboard/assets/uPlot.iife.min.js', '/dashboard/assets/uPlot.min.css'])
    for (const url of assets) {
      const res = await t.client.get(url)
      expect(res.status, url).toBe(200)
      expect(res.headers['content-type'], url).toBe(url.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8')
      expect(String(res.body).length, url).toBeGreaterThan(100)
    }
    // uPlot as its package ships it; the page script bundled to plain JavaScript (this only compiles it).
    expect((await t.client.get('/dashboard/assets/uPlot.iife.min.js')).body).toBe(readFileSync(packageFile('uplot/dist/uPlot.iife.min.js'), 'utf8'))
    const script = String((await t.client.get('/dashboard/assets/main.js')).body)
    expect(() => new Function(script)).not.toThrow() // eslint-disable-line no-new-func -- a syntax check, never run
    expect(script).not.toMatch(/^\s*import\s/m)
  })

  it('counts what the database holds after writes', async () => {
    const users = [await create(t.client, 'users', userBody()), await create(t.client, 'users', userBody()), await create(t.client, 'users', userBody())]
    const events = [await create(t.client, 'events', eventBody()), await create(t.client, 'events', eventBody({ participants: ['A', 'B'] }))]
    await create(t.client, 'coupons', couponBody(users[0].id, [events[0].id, events[1].id]))
    await create(t.client, 'coupons', couponBody(users[1].id, [events[1].id]))
    const { status, body } = await t.client.get('/dashboard/overview')
    expect(status).toBe(200)
    const db = t.db.database.db
    expect(body.counts).toEqual({ users: await countRows(db, 'users'), events: await countRows(db, 'events'), coupons: await countRows(db, 'coupons') })
    expect(body.counts).toEqual({ users: 3, events: 2, coupons: 2 })

    await create(t.client, 'users', userBody())
    expect((await t.client.get('/dashboard/overview')).body.counts).toEqual({ users: 4, events: 2, coupons: 2 })
  })

  it('ranks sports and leagues by the selections on their events, most first', async () => {
    const user = await create(t.client, 'users', userBody())
    const event = async (sport: string, country: string, league: string) =>
      (await create(t.client, 'events', eventBody({ sport, country, league, participants: [`${league} home`, `${league} away`] }))).id as number
    const premier = await event('football', 'England', 'Premier League')
    const laLiga = await event('football', 'Spain', 'La Liga')
    const atp = await event('tennis', 'World', 'ATP')
    const atp2 = await event('tennis', 'World', 'ATP')
    await event('basketball', 'USA', 'NBA') // no bets: ranks nowhere
    // Selections: Premier League 3, ATP 2 + 2 = 4 over two events, La Liga 1.
    for (const selections of [[premier, atp], [premier, atp2], [premier, laLiga], [atp, atp2]]) {
      await create(t.client, 'coupons', couponBody(user.id, selections))
    }
    const { body } = await t.client.get('/dashboard/overview')
    expect(body.top_sports).toEqual([{ sport: 'football', bets: 4 }, { sport: 'tennis', bets: 4 }])
    expect(body.top_leagues).toEqual([
      { sport: 'tennis', country: 'World', league: 'ATP', bets: 4 },
      { sport: 'football', country: 'England', league: 'Premier League', bets: 3 },
      { sport: 'football', country: 'Spain', league: 'La Liga', bets: 1 }
    ])

    await create(t.client, 'coupons', couponBody(user.id, [laLiga]))
    expect((await t.client.get('/dashboard/overview')).body.top_sports).toEqual([{ sport: 'football', bets: 5 }, { sport: 'tennis', bets: 4 }])
  })

  it("reports each algorithm's recommendation latency from the API's histogram", async () => {
    const user = await create(t.client, 'users', userBody())
    const answered = async (algorithm: string) => {
      const rows: Array<{ algorithm: string, path: string, count: number, p50_ms: number, p95_ms: number }> = (await t.client.get('/dashboard/overview')).body.recommendation_latency
      return rows.find((r) => r.algorithm === algorithm && r.path === 'recommendation')
    }
    const algorithms: Array<{ name: string }> = (await t.client.get('/recommendation/algorithms')).body
    const [first, second] = algorithms.map((a) => a.name) as [string, string]
    const before = (await answered(first))?.count ?? 0
    for (let i = 0; i < 3; i++) expect((await t.client.get(`/recommendation/${user.id}?algorithm=${first}`)).status).toBe(200)
    expect((await t.client.get(`/recommendation/${user.id}?algorithm=${second}`)).status).toBe(200)

    const row = await answered(first)
    expect(row?.count).toBe(before + 3)
    expect(row?.p50_ms).toBeGreaterThan(0)
    expect(row?.p95_ms).toBeGreaterThanOrEqual(row?.p50_ms ?? Infinity)
    expect((await answered(second))?.count).toBeGreaterThanOrEqual(1)
  })

  it('shows a gateway and a consumer that refuse connections as down, with why', async () => {
    const { status, body } = await t.client.get('/dashboard/overview')
    expect(status).toBe(200)
    expect(body.services.api).toEqual({ status: 'up' })
    expect(body.services.gateway).toEqual({ url: CLOSED, status: 'down', detail: expect.stringMatching(/ECONNREFUSED/) })
    expect(body.services.consumers).toEqual([{ url: CLOSED, status: 'down', detail: expect.stringMatching(/ECONNREFUSED/) }])
  })
})

describe('dashboard probes', () => {
  it('reports a service that never answers, or stalls mid-answer, as down after the probe timeout, and still answers', async () => {
    const listen = async (server: Server) => {
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    }
    // A hung process: accepts connections and never answers. A stalled one: sends its headers, then nothing.
    const hung = createServer(() => {})
    const stalled = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.write('{"status":')
    })
    const [hungUrl, stalledUrl] = [await listen(hung), await listen(stalled)]
    const t = await createTestApi('sqlite', { GATEWAY_URL: hungUrl, CONSUMER_URLS: `${stalledUrl},${CLOSED}` })
    try {
      const started = performance.now()
      const { status, body } = await client(t.api).get('/dashboard/overview')
      const elapsed = performance.now() - started
      expect(status).toBe(200)
      const timedOut = `no answer within ${PROBE_TIMEOUT_MS} ms`
      expect(body.services.gateway).toEqual({ url: hungUrl, status: 'down', detail: timedOut })
      expect(body.services.consumers).toEqual([
        { url: stalledUrl, status: 'down', detail: timedOut },
        { url: CLOSED, status: 'down', detail: expect.stringMatching(/ECONNREFUSED/) }
      ])
      // The probes run in parallel: one timeout, not one per probe.
      expect(elapsed).toBeGreaterThanOrEqual(PROBE_TIMEOUT_MS - 50)
      expect(elapsed).toBeLessThan(3 * PROBE_TIMEOUT_MS)
    } finally {
      await t.close()
      for (const server of [hung, stalled]) {
        server.closeAllConnections()
        server.close()
      }
    }
  })

  it("shows a gateway whose broker is unreachable as down, with the gateway's own reason", async () => {
    // A real gateway over a broker address where nothing listens: its /ready answers 503 and says why.
    const gatewayConfig = loadConfig({ LOG_LEVEL: 'silent', BOOTSTRAP_SERVER: '127.0.0.1:9' })
    const producer = createRecordProducer(gatewayConfig, 'dashboard-test-gateway')
    const gateway = await buildGateway({ config: gatewayConfig, producer, nextId: createIdGenerator(-1), logger: false })
    const gatewayUrl = await gateway.listen({ host: '127.0.0.1', port: 0 })
    const t = await createTestApi('sqlite', { GATEWAY_URL: gatewayUrl, CONSUMER_URLS: CLOSED })
    try {
      const ready = await fetch(`${gatewayUrl}/ready`)
      const { detail } = await ready.json() as { detail: string }
      expect(ready.status).toBe(503)
      const { body } = await client(t.api).get('/dashboard/overview')
      expect(body.services.gateway).toEqual({ url: gatewayUrl, status: 'down', detail })
      expect(detail).toMatch(/^kafka unreachable/)
    } finally {
      await t.close()
      await gateway.close()
      await producer.close()
    }
  })

  it('guards the overview like every read when reads are protected', async () => {
    const t = await createTestApi('sqlite', { API_KEYS: 'k1', PROTECT_READS: true, GATEWAY_URL: CLOSED, CONSUMER_URLS: CLOSED })
    try {
      const c = client(t.api)
      const refused = await c.get('/dashboard/overview')
      expect(refused.status).toBe(401)
      expect(refused.body.detail).toMatch(/API key/)
      expect((await c.get('/dashboard/overview', { 'x-api-key': 'wrong' })).status).toBe(401)
      const allowed = await c.get('/dashboard/overview', { 'x-api-key': 'k1' })
      expect(allowed.status).toBe(200)
      // The page and its files hold no data: open, so the page can ask for the key.
      for (const url of ['/dashboard', '/dashboard/assets/main.js', '/dashboard/assets/style.css', '/dashboard/assets/uPlot.iife.min.js', '/dashboard/assets/uPlot.min.css']) {
        expect((await c.get(url)).status, url).toBe(200)
      }
      expect((await c.get('/dashboard/overview/')).status).toBe(401)
      expect(allowed.body.counts).toEqual({ users: 0, events: 0, coupons: 0 })
    } finally {
      await t.close()
    }
  })
})
