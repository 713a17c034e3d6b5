// SPEC §Main API, error paragraph: malformed JSON 400, wrong shapes 422, over 1 MiB 413, bad path ids 422,
// JSON error bodies with `detail` everywhere, docs and the OpenAPI document, health.
import { beforeAll, describe, expect, it } from 'vitest'
import { useTestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { couponBody, create, eventBody, snapshotCounts, userBody, type Answer } from '../../helpers/records.ts'

const WRITES = ['/users', '/events', '/coupons'] as const
const ID_ROUTES = ['/users/', '/events/', '/coupons/', '/coupons/user/', '/recommendation/'] as const
const MIB = 1024 * 1024

function expectErrorBody (res: Answer, status: number): void {
  expect(res.status).toBe(status)
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/)
  expect(typeof res.body.detail).toBe('string')
  expect(res.body.detail.length).toBeGreaterThan(0)
}

describe.each(dialects)('HTTP behaviour on %s', (dialect) => {
  const t = useTestApi(dialect)
  let userId: number
  beforeAll(async () => {
    userId = (await create(t.client, 'users', userBody())).id
    await create(t.client, 'events', eventBody({ id: 1 }))
  })

  it.each(WRITES)('answers malformed JSON on POST %s with 400', async (path) => {
    for (const text of ['{"birth_year": 1990,', '{bad}', 'nul', '{"a":1}}', '\u00ef\u00bb\u00bf{}']) {
      expectErrorBody(await t.client.raw(path, text, 'application/json'), 400)
    }
  })

  it.each(WRITES)('answers an empty JSON body on POST %s with 400', async (path) => {
    expectErrorBody(await t.client.raw(path, '', 'application/json'), 400)
  })

  it.each(WRITES)('answers JSON that is not an object on POST %s with 422', async (path) => {
    for (const text of ['[]', '[{"birth_year": 1990}]', '"text"', '42', 'null', 'true']) {
      const res = await t.client.raw(path, text, 'application/json')
      expectErrorBody(res, 422)
      expect(res.body.detail).toContain('body')
    }
  })

  it.each(WRITES)('answers a body over 1 MiB on POST %s with 413 and stores nothing', async (path) => {
    const before = await snapshotCounts(t.db.database.db)
    const padded = JSON.stringify({ ...userBody(), padding: 'x'.repeat(MIB) })
    expectErrorBody(await t.client.raw(path, padded, 'application/json'), 413)
    expect(await snapshotCounts(t.db.database.db)).toEqual(before)
  })

  it('accepts a body just under 1 MiB (unknown padding is ignored)', async () => {
    const body = JSON.stringify({ ...userBody(), padding: '' })
    const padded = JSON.stringify({ ...userBody(), padding: 'x'.repeat(MIB - body.length - 10) })
    expect(padded.length).toBeLessThan(MIB)
    expect((await t.client.raw('/users', padded, 'application/json')).status).toBe(200)
  })

  it.each(WRITES)('answers a content type other than JSON on POST %s with a 4xx JSON error', async (path) => {
    for (const type of ['application/x-www-form-urlencoded', 'application/octet-stream', 'multipart/form-data; boundary=x', 'text/plain']) {
      const res = await t.client.raw(path, 'birth_year=1990', type)
      expect(res.status, type).toBeGreaterThanOrEqual(400)
      expect(res.status, type).toBeLessThan(500)
      expect(typeof res.body.detail).toBe('string')
    }
  })

  it.each(WRITES)('answers a text/plain body on POST %s with 415 naming the content type', async (path) => {
    const res = await t.client.raw(path, JSON.stringify(userBody()), 'text/plain')
    expectErrorBody(res, 415)
    expect(res.body.detail).toBe('Content-Type must be application/json, not text/plain')
  })

  it('answers a body with a __proto__ or constructor.prototype key with 422 saying what is refused and why', async () => {
    for (const body of ['{"__proto__": {"admin": true}, "birth_year": 1990}', '{"constructor": {"prototype": {"admin": true}}}', '[{"a": {"__proto__": 1}}]']) {
      const res = await t.client.raw('/users', body, 'application/json')
      expectErrorBody(res, 422)
      expect(res.body.detail).toContain('prototype pollution')
    }
  })

  it.each(ID_ROUTES)('answers a non-numeric id in GET %s{id} with 422 naming the parameter', async (prefix) => {
    for (const id of ['abc', '-1x', '--1', '1.5', '0x10', '1e3', '%20', '+5', '9007199254740992', 'Infinity', 'NaN', '1,2']) {
      const res = await t.client.get(`${prefix}${id}`)
      expectErrorBody(res, 422)
      expect(res.body.detail).toContain('params')
    }
  })

  it.each(ID_ROUTES)('answers a path id of 300 digits in GET %s{id} with a 4xx JSON error', async (prefix) => {
    const res = await t.client.get(`${prefix}${'9'.repeat(300)}`)
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    expect(typeof res.body.detail).toBe('string')
  })

  it('answers a badly percent-encoded path with a 400 JSON error', async () => {
    const res = await t.client.get('/users/%E0%A4%A')
    expectErrorBody(res, 400)
  })

  it('answers unknown routes and methods with a 404 JSON error', async () => {
    expectErrorBody(await t.client.get('/nope'), 404)
    expectErrorBody(await t.client.post('/users/1', userBody()), 404)
  })

  it('answers 404 with detail for every kind of unknown record', async () => {
    expect((await t.client.get('/users/987654')).body.detail).toBe('User not found')
    expect((await t.client.get('/events/987654')).body.detail).toBe('Event not found')
    expect((await t.client.get('/coupons/987654')).body.detail).toBe('Coupon not found')
    expect((await t.client.get('/coupons/user/987654')).body.detail).toBe('User not found')
    expect((await t.client.get('/recommendation/987654')).body.detail).toBe('User not found')
  })

  it('never answers 5xx for a coupon with huge or tiny numbers', async () => {
    for (const [stake, odds] of [[1e308, 1e308], [5e-324, 1.0000000000000002], [Number.MAX_SAFE_INTEGER, 2 ** 60]]) {
      const res = await t.client.post('/coupons', { user_id: userId, stake, selections: [{ event_id: 1, odds }] })
      expect(res.status).toBe(200)
      expect(res.body.stake).toBe(stake)
      const got = await t.client.get(`/coupons/${res.body.id as number}`)
      expect(got.body.stake).toBe(stake)
      expect(got.body.selections[0].odds).toBe(odds)
    }
  })

  it('serves interactive docs as HTML at /docs', async () => {
    const res = await t.api.inject({ url: '/docs' })
    const page = res.statusCode === 302 ? await t.api.inject({ url: String(res.headers.location).replace(/^\.\//, '/docs/') }) : res
    expect(page.statusCode).toBe(200)
    expect(String(page.headers['content-type'])).toMatch(/text\/html/)
    expect(page.body).toMatch(/swagger/i)
  })

  it('serves the OpenAPI document at /openapi.json with every endpoint of the contract', async () => {
    const res = await t.client.get('/openapi.json')
    expect(res.status).toBe(200)
    expect(res.body.openapi).toMatch(/^3\./)
    const paths = Object.keys(res.body.paths)
    for (const path of ['/users', '/users/{user_id}', '/events', '/events/{event_id}', '/coupons', '/coupons/{coupon_id}',
      '/coupons/user/{user_id}', '/recommendation/{user_id}', '/recommendation/generate', '/users/bulk', '/events/bulk', '/coupons/bulk']) {
      expect(paths).toContain(path)
    }
  })

  it('answers /health', async () => {
    const res = await t.client.get('/health')
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('ok')
  })

  it('answers POST /coupons with a 404 for an unknown user even when its body has unknown fields and a string id', async () => {
    const res = await t.client.post('/coupons', { ...couponBody(123456789, [1]), extra: { nested: [1, 2] } })
    expectErrorBody(res, 404)
  })
})
