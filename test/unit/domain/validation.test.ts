// Validation and normalisation (src/domain/validation.ts, codes.ts): shapes, aliases, codes, bounds,
// and how field errors are named.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isCountryCode, isCurrencyCode } from '../../../src/domain/codes.ts'
import { ValidationError } from '../../../src/domain/errors.ts'
import { bodyAjv, fieldErrors, normaliseUser, parsers } from '../../../src/domain/validation.ts'
import { UserInput } from '../../../src/domain/schemas.ts'

const user = (o: Record<string, unknown> = {}) => ({ birth_year: 1990, country: 'GB', currency: 'EUR', gender: 'M', ...o })
const event = (o: Record<string, unknown> = {}) => ({ begin_timestamp: '2024-01-01T10:00:00Z', end_timestamp: '2024-01-01T12:00:00Z', country: 'X', league: 'L', sport: 'S', participants: ['A', 'B'], ...o })
const coupon = (o: Record<string, unknown> = {}) => ({ user_id: 1, stake: 1, selections: [{ event_id: 2, odds: 1.5 }], ...o })

/** The fields a refusal names, or [] when the input is accepted. */
function refusedFields (parse: () => unknown): string[] {
  try {
    parse()
    return []
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error
    return error.fieldErrors.map((f) => f.field)
  }
}

describe('parsers.users', () => {
  it('resolves the alias, reads numeric strings and upper-cases codes', () => {
    expect(parsers.users(user({ user_id: '007', country: 'uk', currency: 'usd' }))).toEqual({
      id: 7, birth_year: 1990, country: 'UK', currency: 'USD', gender: 'M', registration_date: undefined
    })
    expect(parsers.users(user({ id: 5, user_id: '5' })).id).toBe(5)
    expect(parsers.users(user()).id).toBeUndefined()
  })

  it('names the alias when id and alias disagree', () => {
    expect(refusedFields(() => parsers.users(user({ id: 1, user_id: 2 })))).toEqual(['body.user_id'])
  })

  it('refuses numeric strings beyond the safe integers', () => {
    expect(refusedFields(() => parsers.users(user({ id: '9007199254740992' })))).toEqual(['body.id'])
    expect(parsers.users(user({ id: '9007199254740991' })).id).toBe(Number.MAX_SAFE_INTEGER)
  })

  it('bounds birth_year by the given current year', () => {
    const now = new Date(Date.UTC(2030, 5, 1))
    const shape = (birthYear: number) => ({ ...user({ birth_year: birthYear }) }) as never
    expect(normaliseUser(shape(2012), now).birth_year).toBe(2012)
    expect(refusedFields(() => normaliseUser(shape(2013), now))).toEqual(['body.birth_year'])
    expect(refusedFields(() => parsers.users(user({ birth_year: 1899 })))).toEqual(['body.birth_year'])
  })

  it('reads registration_date as an instant in microseconds', () => {
    expect(parsers.users(user({ registration_date: '1970-01-01T00:00:01.000002+00:00' })).registration_date).toBe(1_000_002)
    expect(refusedFields(() => parsers.users(user({ registration_date: '2024-02-30' })))).toEqual(['body.registration_date'])
  })

  it('names every bad field at once', () => {
    expect(refusedFields(() => parsers.users({ id: -1, birth_year: 'x', country: 1, gender: 'Q' })).sort())
      .toEqual(['body.birth_year', 'body.country', 'body.currency', 'body.gender', 'body.id'])
    expect(refusedFields(() => parsers.users(user({ country: 'XX', currency: 'ZZZ' }))).sort()).toEqual(['body.country', 'body.currency'])
  })

  it.each([null, 5, 'x', [], true])('refuses %j as a whole body', (body) => {
    expect(refusedFields(() => parsers.users(body))).toEqual(['body'])
  })

  it('does not keep unknown fields', () => {
    expect(parsers.users(user({ admin: true }))).not.toHaveProperty('admin')
  })
})

describe('parsers.events', () => {
  it('resolves the alias and reads timestamps as instants', () => {
    const parsed = parsers.events(event({ event_id: '3', begin_timestamp: '2024-01-01 10:00:00', end_timestamp: '2024-01-01T13:00:00+01:00' }))
    expect(parsed).toMatchObject({ id: 3, begin_timestamp: Date.UTC(2024, 0, 1, 10) * 1000, end_timestamp: Date.UTC(2024, 0, 1, 12) * 1000 })
  })

  it('accepts an end equal to the begin and refuses an end before it', () => {
    expect(refusedFields(() => parsers.events(event({ end_timestamp: '2024-01-01T10:00:00Z' })))).toEqual([])
    expect(refusedFields(() => parsers.events(event({ end_timestamp: '2024-01-01T09:00:00Z' })))).toEqual(['body.end_timestamp'])
  })

  it('requires at least two distinct non-empty participants', () => {
    expect(refusedFields(() => parsers.events(event({ participants: ['A'] })))).toEqual(['body.participants'])
    expect(refusedFields(() => parsers.events(event({ participants: ['A', 'A'] })))).toEqual(['body.participants'])
    expect(refusedFields(() => parsers.events(event({ participants: ['A', ' '] })))).toEqual(['body.participants[1]'])
    expect(refusedFields(() => parsers.events(event({ participants: ['A', 'a'] })))).toEqual([])
  })

  it('refuses text the databases cannot store as sent', () => {
    expect(refusedFields(() => parsers.events(event({ sport: 'a\u0000' })))).toEqual(['body.sport'])
    expect(refusedFields(() => parsers.events(event({ league: 'x\uD83D' })))).toEqual(['body.league'])
    expect(refusedFields(() => parsers.events(event({ participants: ['\uDE00A', 'B'] })))).toEqual(['body.participants[0]'])
    expect(refusedFields(() => parsers.events(event({ sport: '\u{1F3C8}', country: 'Côte d’Ivoire' })))).toEqual([])
  })

  it('accepts any well-formed text without NUL, and refuses text with one', () => {
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 50 }).filter((s) => /\S/.test(s))
    fc.assert(fc.property(text, (sport) => {
      const refused = refusedFields(() => parsers.events(event({ sport })))
      expect(refused).toEqual(sport.includes('\u0000') ? ['body.sport'] : [])
    }))
  })
})

describe('parsers.coupons', () => {
  it('resolves the alias and reads every numeric-string id', () => {
    expect(parsers.coupons(coupon({ coupon_id: '9', user_id: '1', selections: [{ event_id: '2', odds: 2 }] }))).toMatchObject({
      id: 9, user_id: 1, selections: [{ event_id: 2, odds: 2 }]
    })
  })

  it('keeps both selections of the same event, in order', () => {
    const selections = [{ event_id: 2, odds: 2 }, { event_id: 2, odds: 3 }]
    expect(parsers.coupons(coupon({ selections })).selections).toEqual(selections)
  })

  it('refuses odds of 1 or less, a stake of 0 or less, and infinite numbers', () => {
    expect(refusedFields(() => parsers.coupons(coupon({ selections: [{ event_id: 1, odds: 1 }] })))).toEqual(['body.selections[0].odds'])
    expect(refusedFields(() => parsers.coupons(coupon({ stake: 0 })))).toEqual(['body.stake'])
    expect(refusedFields(() => parsers.coupons(coupon({ stake: Infinity })))).toEqual(['body.stake'])
    expect(refusedFields(() => parsers.coupons(coupon({ selections: [{ event_id: 1, odds: Infinity }] })))).toEqual(['body.selections[0].odds'])
  })

  it('accepts 1 to 30 selections', () => {
    const selections = (n: number) => Array.from({ length: n }, (_, i) => ({ event_id: i, odds: 2 }))
    expect(refusedFields(() => parsers.coupons(coupon({ selections: selections(30) })))).toEqual([])
    expect(refusedFields(() => parsers.coupons(coupon({ selections: selections(31) })))).toEqual(['body.selections'])
    expect(refusedFields(() => parsers.coupons(coupon({ selections: [] })))).toEqual(['body.selections'])
  })
})

describe('fieldErrors', () => {
  it('names nested fields with dots and brackets, and missing ones by name', () => {
    const check = bodyAjv.compile(UserInput)
    check({ country: 5 })
    const fields = fieldErrors(check.errors, 'body').map((f) => f.field)
    expect(fields).toEqual(expect.arrayContaining(['body.birth_year', 'body.country', 'body.currency', 'body.gender']))
    expect(fieldErrors([{ instancePath: '/selections/2/odds', keyword: 'exclusiveMinimum', message: 'must be > 1', params: {}, schemaPath: '' }], 'body'))
      .toEqual([{ field: 'body.selections[2].odds', message: 'must be > 1' }])
  })

  it('reports one entry per field and at most 20', () => {
    const errors = Array.from({ length: 50 }, (_, i) => ({ instancePath: `/f${i % 25}`, keyword: 'type', message: 'bad', params: {}, schemaPath: '' }))
    const fields = fieldErrors(errors, 'body')
    expect(fields).toHaveLength(20)
    expect(new Set(fields.map((f) => f.field)).size).toBe(20)
  })
})

describe('codes', () => {
  it.each(['GB', 'gb', 'UK', 'uk', 'JPN', 'jpn', 'USA', 'DE'])('accepts country %s', (code) => expect(isCountryCode(code)).toBe(true))
  it.each(['XX', 'ZZZ', 'GBR1', '', 'U'])('refuses country %j', (code) => expect(isCountryCode(code)).toBe(false))
  it.each(['USD', 'usd', 'EUR', 'JPY', 'GBP'])('accepts currency %s', (code) => expect(isCurrencyCode(code)).toBe(true))
  it.each(['ZZZ', 'US', 'EURO', ''])('refuses currency %j', (code) => expect(isCurrencyCode(code)).toBe(false))
})
