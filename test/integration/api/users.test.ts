// SPEC §Entities/User and §Main API: POST /users and GET /users/{user_id}, every field rule, alias and replay.
import { describe, expect, it } from 'vitest'
import { useTestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { countRows, create, userBody } from '../../helpers/records.ts'

describe.each(dialects)('users on %s', (dialect) => {
  const t = useTestApi(dialect)
  let nextId = 1000
  const freshId = () => nextId++

  it('stores a user and answers it with its id; GET answers the same object', async () => {
    const id = freshId()
    const res = await t.client.post('/users', userBody({ id, registration_date: '2024-02-03T20:48:20.438447Z' }))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ id, birth_year: 1990, country: 'GB', currency: 'EUR', gender: 'M', registration_date: '2024-02-03T20:48:20.438447Z' })
    const got = await t.client.get(`/users/${id}`)
    expect(got.status).toBe(200)
    expect(got.body).toEqual(res.body)
  })

  it('assigns distinct non-negative safe integer ids when the client sends none', async () => {
    const ids = []
    for (let i = 0; i < 20; i++) ids.push((await create(t.client, 'users', userBody())).id)
    for (const id of ids) expect(Number.isSafeInteger(id) && id >= 0).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids.slice(0, 3)) expect((await t.client.get(`/users/${id}`)).status).toBe(200)
  })

  it('accepts id 0', async () => {
    expect((await t.client.post('/users', userBody({ id: 0 }))).body.id).toBe(0)
    expect((await t.client.get('/users/0')).body.id).toBe(0)
  })

  it('accepts user_id as an alias of id, and numeric strings as ids', async () => {
    const a = freshId(); const b = freshId(); const d = freshId()
    expect((await t.client.post('/users', userBody({ user_id: a }))).body.id).toBe(a)
    expect((await t.client.post('/users', userBody({ id: String(b) }))).body.id).toBe(b)
    expect((await t.client.post('/users', userBody({ user_id: String(d), id: d }))).body.id).toBe(d)
    for (const id of [a, b, d]) expect((await t.client.get(`/users/${id}`)).status).toBe(200)
  })

  it('refuses id and user_id that disagree, naming the alias', async () => {
    const id = freshId()
    const res = await t.client.post('/users', userBody({ id, user_id: id + 1 }))
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('body.user_id')
    expect((await t.client.get(`/users/${id}`)).status).toBe(404)
    expect((await t.client.get(`/users/${id + 1}`)).status).toBe(404)
  })

  it.each([
    ['negative', -1],
    ['2**53 (not safe)', 2 ** 53],
    ['fractional', 1.5],
    ['boolean', true],
    ['non-numeric string', 'abc'],
    ['negative string', '-5'],
    ['string beyond safe integers', '9007199254740993'],
    ['huge', 1e308]
  ])('refuses a %s id', async (_name, id) => {
    const res = await t.client.post('/users', userBody({ id }))
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('body.id')
  })

  it('accepts the largest safe integer as an id', async () => {
    const res = await t.client.post('/users', userBody({ id: Number.MAX_SAFE_INTEGER }))
    expect(res.status).toBe(200)
    expect((await t.client.get(`/users/${Number.MAX_SAFE_INTEGER}`)).body.id).toBe(Number.MAX_SAFE_INTEGER)
  })

  it.each([['uk', 'UK'], ['JPN', 'JPN'], ['gb', 'GB'], ['usa', 'USA'], ['De', 'DE']])('accepts country %s as %s', async (country, expected) => {
    const res = await t.client.post('/users', userBody({ country }))
    expect(res.status).toBe(200)
    expect(res.body.country).toBe(expected)
    expect((await t.client.get(`/users/${res.body.id as number}`)).body.country).toBe(expected)
  })

  it.each(['XX', 'ZZZ', 'ABCD', 'G', '', 'G1', 12])('refuses country %j', async (country) => {
    const res = await t.client.post('/users', userBody({ country }))
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('body.country')
  })

  it.each([['usd', 'USD'], ['EUR', 'EUR'], ['jpy', 'JPY'], ['Gbp', 'GBP']])('accepts currency %s as %s', async (currency, expected) => {
    const res = await t.client.post('/users', userBody({ currency }))
    expect(res.status).toBe(200)
    expect(res.body.currency).toBe(expected)
  })

  it.each(['ZZZ', 'US', 'EURO', '', 840])('refuses currency %j', async (currency) => {
    const res = await t.client.post('/users', userBody({ currency }))
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('body.currency')
  })

  it('bounds birth_year to 1900 .. current year minus 18', async () => {
    const adult = new Date().getUTCFullYear() - 18
    expect((await t.client.post('/users', userBody({ birth_year: 1900 }))).status).toBe(200)
    expect((await t.client.post('/users', userBody({ birth_year: adult }))).status).toBe(200)
    for (const birthYear of [1899, adult + 1, 0, -5, 1990.5, '1990', null, 1e308]) {
      const res = await t.client.post('/users', userBody({ birth_year: birthYear }))
      expect(res.status, `birth_year ${String(birthYear)}`).toBe(422)
      expect(res.body.detail).toContain('body.birth_year')
    }
  })

  it('accepts gender M and F only', async () => {
    expect((await t.client.post('/users', userBody({ gender: 'F' }))).body.gender).toBe('F')
    expect((await t.client.post('/users', userBody({ gender: 'M' }))).body.gender).toBe('M')
    for (const gender of ['X', 'm', 'f', '', 'male', 1]) {
      const res = await t.client.post('/users', userBody({ gender }))
      expect(res.status, `gender ${String(gender)}`).toBe(422)
      expect(res.body.detail).toContain('body.gender')
    }
  })

  it('fills registration_date with the server time when absent', async () => {
    const before = Date.now()
    const res = await t.client.post('/users', userBody())
    const after = Date.now()
    const at = Date.parse(res.body.registration_date)
    expect(res.body.registration_date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
    expect(at).toBeGreaterThanOrEqual(before)
    expect(at).toBeLessThanOrEqual(after)
  })

  it.each([
    ['zone-less as UTC', '2024-02-03 20:48:20.438447', '2024-02-03T20:48:20.438447Z'],
    ['a positive offset converted', '2024-02-03T22:48:20.438447+02:00', '2024-02-03T20:48:20.438447Z'],
    ['a negative offset converted', '2024-02-03T15:18:20-05:30', '2024-02-03T20:48:20.000000Z'],
    ['a date alone as midnight UTC', '2024-02-03', '2024-02-03T00:00:00.000000Z'],
    ['a day change by offset', '2024-01-01T01:00:00+03:00', '2023-12-31T22:00:00.000000Z']
  ])('reads registration_date %s', async (_name, text, expected) => {
    const res = await t.client.post('/users', userBody({ registration_date: text }))
    expect(res.status).toBe(200)
    expect(res.body.registration_date).toBe(expected)
    expect((await t.client.get(`/users/${res.body.id as number}`)).body.registration_date).toBe(expected)
  })

  it.each(['2024-02-30', '2023-02-29T00:00:00Z', '2024-13-01', '2024-01-01T24:00:00', 'yesterday', '', '2024-01-01T00:00:00+25:00', 1706993300])('refuses registration_date %j', async (value) => {
    const res = await t.client.post('/users', userBody({ registration_date: value }))
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('body.registration_date')
  })

  it('names every missing field in detail', async () => {
    const res = await t.client.post('/users', {})
    expect(res.status).toBe(422)
    for (const field of ['birth_year', 'country', 'currency', 'gender']) expect(res.body.detail).toContain(`body.${field}`)
    expect(res.body.detail).not.toContain('body.registration_date')
  })

  it('names every field with a wrong type in detail', async () => {
    const res = await t.client.post('/users', { id: 'x', birth_year: 'old', country: 5, currency: [], gender: {}, registration_date: 7 })
    expect(res.status).toBe(422)
    for (const field of ['id', 'birth_year', 'country', 'currency', 'gender', 'registration_date']) {
      expect(res.body.detail).toContain(`body.${field}`)
    }
  })

  it('ignores unknown fields', async () => {
    const res = await t.client.post('/users', userBody({ nickname: 'bob', admin: true }))
    expect(res.status).toBe(200)
    expect(Object.keys(res.body).sort()).toEqual(['birth_year', 'country', 'currency', 'gender', 'id', 'registration_date'])
  })

  it('answers 404 User not found for an unknown user', async () => {
    const res = await t.client.get(`/users/${freshId()}`)
    expect(res.status).toBe(404)
    expect(res.body.detail).toBe('User not found')
  })

  describe('replays', () => {
    it('answers an identical replay 200 with the same object and stores one row', async () => {
      const id = freshId()
      const body = userBody({ id, registration_date: '2024-02-03 20:48:20.438447' })
      const first = await t.client.post('/users', body)
      const before = await countRows(t.db.database.db, 'users')
      const second = await t.client.post('/users', body)
      expect(second.status).toBe(200)
      expect(second.body).toEqual(first.body)
      expect(await countRows(t.db.database.db, 'users')).toBe(before)
    })

    it('compares content after normalisation (alias, case, numeric string, instant)', async () => {
      const id = freshId()
      const first = await t.client.post('/users', userBody({ id, country: 'gb', currency: 'eur', registration_date: '2024-02-03T20:48:20Z' }))
      const replay = await t.client.post('/users', userBody({ user_id: String(id), country: 'GB', currency: 'EUR', registration_date: '2024-02-03T21:48:20+01:00' }))
      expect(replay.status).toBe(200)
      expect(replay.body).toEqual(first.body)
    })

    it.each([
      ['birth_year', { birth_year: 1991 }],
      ['country', { country: 'FR' }],
      ['currency', { currency: 'USD' }],
      ['gender', { gender: 'F' }],
      ['registration_date', { registration_date: '2024-02-03T20:48:21Z' }]
    ])('answers 409 when %s differs, and keeps the first version', async (field, change) => {
      const id = freshId()
      const first = await t.client.post('/users', userBody({ id, registration_date: '2024-02-03T20:48:20Z' }))
      const res = await t.client.post('/users', userBody({ id, registration_date: '2024-02-03T20:48:20Z', ...change }))
      expect(res.status).toBe(409)
      expect(res.body.detail).toContain(field)
      expect((await t.client.get(`/users/${id}`)).body).toEqual(first.body)
    })

    it('does not compare a registration_date that only one of the two requests sent', async () => {
      const sentFirst = freshId()
      const first = await t.client.post('/users', userBody({ id: sentFirst, registration_date: '2024-02-03T20:48:20Z' }))
      const omitted = await t.client.post('/users', userBody({ id: sentFirst }))
      expect(omitted.status).toBe(200)
      expect(omitted.body).toEqual(first.body)

      const filledByServer = freshId()
      const auto = await t.client.post('/users', userBody({ id: filledByServer }))
      const sentLater = await t.client.post('/users', userBody({ id: filledByServer, registration_date: '2020-01-01T00:00:00Z' }))
      expect(sentLater.status).toBe(200)
      expect(sentLater.body).toEqual(auto.body)
    })
  })
})
