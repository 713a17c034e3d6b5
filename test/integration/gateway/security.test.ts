// The gateway's doors: API keys on every write (and a key anywhere but its header is no key), rate limits
// per client, security headers, and request timeouts for clients that stall. A refused request produces
// nothing.
import { connect } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig, type Env } from '../../../src/config/config.ts'
import { createIdGenerator } from '../../../src/domain/ids.ts'
import { buildGateway } from '../../../src/gateway/app.ts'
import type { Acknowledgement, OutgoingRecord, RecordProducer } from '../../../src/gateway/producer.ts'
import { couponBody, eventBody, userBody } from '../../helpers/records.ts'

class RecordingProducer implements RecordProducer {
  readonly sent: OutgoingRecord[] = []
  async send (_topic: string, records: OutgoingRecord[]): Promise<Acknowledgement[]> {
    this.sent.push(...records)
    return records.map((_, i) => ({ partition: 0, offset: this.sent.length - records.length + i }))
  }

  async close (): Promise<void> {}
}

async function gatewayWith (env: Partial<Env>) {
  const producer = new RecordingProducer()
  const app = await buildGateway({ config: loadConfig({ LOG_LEVEL: 'silent' }, env), producer, nextId: createIdGenerator(4), logger: false })
  const post = async (url: string, payload: unknown, headers: Record<string, string> = {}, remoteAddress?: string) => {
    const res = await app.inject({ method: 'POST', url, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json', ...headers }, ...(remoteAddress === undefined ? {} : { remoteAddress }) })
    return { status: res.statusCode, body: res.json(), headers: res.headers }
  }
  return { app, producer, post }
}

/** Every write endpoint of the gateway with a body it accepts. */
const WRITES: Array<[string, unknown]> = [
  ['/users', userBody()],
  ['/events', eventBody()],
  ['/coupons', couponBody(1, [1])],
  ['/users/batch', [userBody(), userBody()]],
  ['/events/batch', [eventBody()]],
  ['/coupons/batch', [couponBody(1, [1, 2])]]
]

describe('gateway API keys', () => {
  let g: Awaited<ReturnType<typeof gatewayWith>>
  beforeAll(async () => { g = await gatewayWith({ API_KEYS: 'k-one, k-two' }) })
  afterAll(async () => { await g.app.close() })

  it('refuses every write without a valid key in X-API-Key with 401, and produces nothing', async () => {
    const wrong: Array<Record<string, string>> = [
      {},
      { 'x-api-key': '' },
      { 'x-api-key': 'k-three' },
      { 'x-api-key': 'k-one ' },
      { 'x-api-key': 'K-ONE' },
      { 'x-api-key': 'k-one,k-two' },
      { 'x-api-key': 'k-on' },
      // The key in the wrong place: another header, a bearer token, a cookie.
      { authorization: 'Bearer k-one' },
      { authorization: 'k-one' },
      { 'x-api-key-id': 'k-one' },
      { 'api-key': 'k-one' },
      { cookie: 'x-api-key=k-one' }
    ]
    for (const [path, body] of WRITES) {
      for (const headers of wrong) {
        const res = await g.post(path, body, headers)
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401)
        expect(res.body).toMatchObject({ code: 'UNAUTHORIZED', detail: expect.stringMatching(/API key/) })
      }
      // ... in the query string, or in the body.
      for (const query of ['api_key=k-one', 'x-api-key=k-one', 'key=k-one']) {
        expect((await g.post(`${path}?${query}`, body)).status, `${path}?${query}`).toBe(401)
      }
      const inBody = Array.isArray(body) ? body.map((b) => ({ ...b as object, api_key: 'k-one' })) : { ...body as object, 'x-api-key': 'k-one' }
      expect((await g.post(path, inBody)).status, `${path} key in body`).toBe(401)
    }
    expect(g.producer.sent).toEqual([])
  })

  it('refuses a keyless write before reading its body: a malformed or oversized one is 401 too', async () => {
    const raw = async (payload: string) => (await g.app.inject({ method: 'POST', url: '/users', payload, headers: { 'content-type': 'application/json' } })).statusCode
    expect(await raw('{not json')).toBe(401)
    expect(await raw(JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }))).toBe(401)
  })

  it('accepts every write with either key, the header name in any case', async () => {
    const keyed: Array<Record<string, string>> = [{ 'x-api-key': 'k-one' }, { 'X-API-Key': 'k-two' }, { 'X-API-KEY': 'k-one' }]
    for (const headers of keyed) {
      for (const [path, body] of WRITES) expect((await g.post(path, body, headers)).status, `${path} ${JSON.stringify(headers)}`).toBe(202)
    }
    const recordsPerRound = WRITES.reduce((n, [, body]) => n + (Array.isArray(body) ? body.length : 1), 0)
    expect(g.producer.sent.length).toBe(keyed.length * recordsPerRound)
  })

  it('keeps /health and /metrics open for probes and scrapers', async () => {
    for (const url of ['/health', '/metrics']) expect((await g.app.inject({ url })).statusCode, url).toBe(200)
  })
})

describe('gateway without API_KEYS (the one-machine quick start)', () => {
  it('accepts writes without a key', async () => {
    const g = await gatewayWith({})
    try {
      for (const [path, body] of WRITES) expect((await g.post(path, body)).status, path).toBe(202)
    } finally {
      await g.app.close()
    }
  })
})

describe('gateway rate limit', () => {
  let g: Awaited<ReturnType<typeof gatewayWith>>
  beforeAll(async () => { g = await gatewayWith({ RATE_LIMIT_PER_MINUTE: 5 }) })
  afterAll(async () => { await g.app.close() })

  it('answers 429 with a JSON detail and Retry-After once a client used its requests of the minute, and sends nothing for it', async () => {
    for (let i = 0; i < 5; i++) expect((await g.post('/users', userBody(), {}, '10.0.0.1')).status).toBe(202)
    const sent = g.producer.sent.length
    const limited = await g.post('/users', userBody(), {}, '10.0.0.1')
    expect(limited.status).toBe(429)
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', detail: expect.any(String) })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect((await g.post('/users/batch', [userBody()], {}, '10.0.0.1')).status).toBe(429)
    expect(g.producer.sent.length).toBe(sent)
  })

  it('counts per client: another address still gets through', async () => {
    expect((await g.post('/users', userBody(), {}, '10.0.0.2')).status).toBe(202)
  })

  it('is off by default', async () => {
    const open = await gatewayWith({})
    try {
      for (let i = 0; i < 50; i++) expect((await open.post('/users', userBody(), {}, '10.0.0.3')).status).toBe(202)
    } finally {
      await open.app.close()
    }
  })
})

describe('gateway security headers', () => {
  it('sends them on answers and refusals alike', async () => {
    const g = await gatewayWith({ API_KEYS: 'k' })
    try {
      for (const res of [await g.post('/users', userBody(), { 'x-api-key': 'k' }), await g.post('/users', userBody()), await g.post('/users', { bad: 1 }, { 'x-api-key': 'k' })]) {
        expect(res.headers['x-content-type-options']).toBe('nosniff')
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN')
        expect(res.headers['strict-transport-security']).toMatch(/max-age=/)
        expect(res.headers['cross-origin-resource-policy']).toBe('same-origin')
        expect(res.headers['x-powered-by']).toBeUndefined()
      }
    } finally {
      await g.app.close()
    }
  })
})

describe('gateway request timeout', () => {
  let g: Awaited<ReturnType<typeof gatewayWith>>
  let port: number
  beforeAll(async () => {
    g = await gatewayWith({ REQUEST_TIMEOUT_MS: 1000 })
    await g.app.listen({ host: '127.0.0.1', port: 0 })
    port = (g.app.server.address() as { port: number }).port
  })
  afterAll(async () => { await g.app.close() })
  afterEach(() => { g.producer.sent.length = 0 })

  /** Sends the start of a request and then nothing; resolves with what the server said before it hung up. */
  const stall = async (start: string) => new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(start))
    let answer = ''
    socket.on('data', (chunk) => { answer += chunk.toString() })
    socket.on('close', () => resolve(answer))
    socket.on('error', reject)
    // A server that never hangs up fails the test through the test timeout.
  })

  it('hangs up on a client that sends half its headers and stalls', async () => {
    const answer = await stall('POST /users HTTP/1.1\r\nHost: x\r\nContent-Ty')
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true)
  })

  it('hangs up on a client that sends its headers and half its body, and produces nothing', async () => {
    const body = JSON.stringify(userBody())
    const answer = await stall(`POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`)
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true)
    expect(g.producer.sent).toEqual([])
  })
}, 60_000)
