// API keys (API_KEYS, PROTECT_READS): every write needs a valid X-API-Key header, reads are open unless
// asked otherwise, and /health, /docs and /openapi.json stay open.
import { beforeAll, describe, expect, it } from 'vitest'
import { createTestApi, useTestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { client, couponBody, eventBody, snapshotCounts, userBody } from '../../helpers/records.ts'

const KEY_HEADER = 'x-api-key'

/** Every write of the API with a body it would accept (ids fixed so repeats are replays). */
const WRITES: Array<[string, unknown]> = [
  ['/users', userBody({ id: 1, registration_date: '2024-01-01T00:00:00Z' })],
  ['/events', eventBody({ id: 1 }, Date.UTC(2030, 0, 1))],
  ['/coupons', couponBody(1, [1], { id: 1, timestamp: '2024-01-01T00:00:00Z' })],
  ['/users/bulk', [userBody({ id: 2, registration_date: '2024-01-01T00:00:00Z' })]],
  ['/events/bulk', [eventBody({ id: 2 }, Date.UTC(2030, 0, 1))]],
  ['/coupons/bulk', [couponBody(2, [2], { id: 2, timestamp: '2024-01-01T00:00:00Z' })]],
  ['/recommendation/generate', undefined]
]
const READS = ['/users/1', '/events/1', '/coupons/1', '/coupons/user/1', '/recommendation/1']
const OPEN = ['/health', '/openapi.json', '/docs/json']

describe.each(dialects)('API keys on %s', (dialect) => {
  describe('with API_KEYS set', () => {
    const t = useTestApi(dialect, { API_KEYS: 'k1, k2' })

    it('refuses every write without a valid key with 401 and stores nothing', async () => {
      const before = await snapshotCounts(t.db.database.db)
      const wrong: Array<Record<string, string> | undefined> = [
        undefined,
        { [KEY_HEADER]: '' },
        { [KEY_HEADER]: 'k3' },
        { [KEY_HEADER]: 'k1 ' },
        { [KEY_HEADER]: 'K1' },
        { [KEY_HEADER]: 'k1,k2' },
        { authorization: 'Bearer k1' },
        { authorization: 'k1' },
        { 'x-api-key-': 'k1' }
      ]
      for (const [path, body] of WRITES) {
        for (const headers of wrong) {
          const res = await t.client.post(path, body, headers)
          expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401)
          expect(res.body.detail).toMatch(/API key/)
        }
        for (const query of ['api_key=k1', 'x-api-key=k1', 'key=k1']) {
          expect((await t.client.post(`${path}?${query}`, body)).status, `${path}?${query}`).toBe(401)
        }
      }
      expect(await snapshotCounts(t.db.database.db)).toEqual(before)
    })

    it('refuses a keyless write before reading its body (malformed or oversized bodies still get 401)', async () => {
      expect((await t.client.raw('/users', '{not json', 'application/json')).status).toBe(401)
      expect((await t.client.raw('/users', JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }), 'application/json')).status).toBe(401)
    })

    it('accepts every write with either key', async () => {
      for (const key of ['k1', 'k2']) {
        for (const [path, body] of WRITES) {
          const res = await t.client.post(path, body, { [KEY_HEADER]: key })
          expect(res.status, `${path} with ${key}`).toBe(200)
          if (path.endsWith('/bulk')) expect(res.body.results[0].status).toBe(200)
        }
      }
      expect((await t.client.get('/users/1')).body.id).toBe(1)
    })

    it('keeps reads open, and /health and the docs', async () => {
      for (const path of [...READS, ...OPEN]) {
        const res = await t.client.get(path)
        expect(res.status, path).not.toBe(401)
      }
    })
  })

  describe('with PROTECT_READS=true', () => {
    const t = useTestApi(dialect, { API_KEYS: 'k1', PROTECT_READS: true })
    beforeAll(async () => {
      await t.client.post('/users', userBody({ id: 1 }), { [KEY_HEADER]: 'k1' })
    })

    it('refuses reads without a valid key and answers them with one', async () => {
      for (const path of READS) {
        expect((await t.client.get(path)).status, path).toBe(401)
        expect((await t.client.get(path, { [KEY_HEADER]: 'nope' })).status, path).toBe(401)
        expect((await t.client.get(`${path}?api_key=k1`)).status, path).toBe(401)
        expect((await t.client.get(path, { [KEY_HEADER]: 'k1' })).status, path).not.toBe(401)
      }
      expect((await t.client.get('/users/1', { [KEY_HEADER]: 'k1' })).status).toBe(200)
    })

    it('still leaves /health and the docs open', async () => {
      for (const path of OPEN) expect((await t.client.get(path)).status, path).toBe(200)
    })
  })

  describe('without API_KEYS', () => {
    it('accepts writes without a key (quick start)', async () => {
      const t = await createTestApi(dialect)
      try {
        expect((await client(t.api).post('/users', userBody())).status).toBe(200)
      } finally {
        await t.close()
      }
    })
  })
})
