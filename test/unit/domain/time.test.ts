// Timestamps (src/domain/time.ts): ISO-8601 text to epoch microseconds and back, zones, invalid dates.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatTimestamp, nowMicros, parseTimestamp } from '../../../src/domain/time.ts'

const micros = (iso: string, extra = 0) => Date.parse(iso) * 1000 + extra

describe('parseTimestamp', () => {
  it('reads the seed\'s zone-less timestamps as UTC, with microseconds', () => {
    expect(parseTimestamp('2024-02-03 20:48:20.438447')).toBe(micros('2024-02-03T20:48:20.438Z', 447))
    expect(parseTimestamp('2024-02-03T20:48:20')).toBe(micros('2024-02-03T20:48:20Z'))
  })

  it('converts offsets to UTC, in every accepted spelling', () => {
    const expected = micros('2024-02-03T20:48:20Z')
    for (const text of ['2024-02-03T22:48:20+02:00', '2024-02-03T22:48:20+0200', '2024-02-03T22:48:20+02', '2024-02-03T15:18:20-05:30', '2024-02-03T20:48:20Z', '2024-02-03T20:48:20z', '2024-02-03 20:48:20 Z', '  2024-02-03T20:48:20Z  ']) {
      expect(parseTimestamp(text), text).toBe(expected)
    }
  })

  it('reads a date alone as midnight UTC and minutes without seconds', () => {
    expect(parseTimestamp('2024-02-03')).toBe(micros('2024-02-03T00:00:00Z'))
    expect(parseTimestamp('2024-02-03T20:48')).toBe(micros('2024-02-03T20:48:00Z'))
  })

  it('keeps microseconds and drops digits beyond them', () => {
    expect(parseTimestamp('2024-02-03T20:48:20.1Z')).toBe(micros('2024-02-03T20:48:20.100Z'))
    expect(parseTimestamp('2024-02-03T20:48:20.000001Z')).toBe(micros('2024-02-03T20:48:20Z', 1))
    expect(parseTimestamp('2024-02-03T20:48:20.123456789Z')).toBe(micros('2024-02-03T20:48:20.123Z', 456))
    expect(parseTimestamp('2024-02-03T20:48:20,5Z')).toBe(micros('2024-02-03T20:48:20.500Z'))
  })

  it('accepts leap days of leap years only', () => {
    expect(parseTimestamp('2024-02-29')).toBe(micros('2024-02-29T00:00:00Z'))
    expect(parseTimestamp('2000-02-29')).toBe(micros('2000-02-29T00:00:00Z'))
    expect(parseTimestamp('2023-02-29')).toBeUndefined()
    expect(parseTimestamp('1900-02-29')).toBeUndefined()
  })

  it.each([
    '2024-02-30', '2024-04-31', '2024-13-01', '2024-00-10', '2024-01-00', '2024-01-01T24:00:00', '2024-01-01T23:60:00',
    '2024-01-01T23:59:60', '2024-01-01T00:00:00+24:00', '2024-01-01T00:00:00+05:60', '24-01-01', '2024-1-1', '2024/01/01',
    'yesterday', '', 'T', '2024-01-01T', '2024-01-01T10', '2024-01-01T10:00:00.', '2024-01-01T10:00:00ZZ', '2024-01-01T10:00:00 CET',
    '0050-01-01', '9999-12-31T23:59:59Z', '１２３４-01-01'
  ])('refuses %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined()
  })

  it('never moves years below 100 into the 1900s', () => {
    // Those years are beyond the safe microsecond range: refused, never read as 19xx.
    for (const year of ['0000', '0001', '0050', '0099']) expect(parseTimestamp(`${year}-06-01T00:00:00Z`)).toBeUndefined()
  })

  it('accepts the whole range of safe microseconds (about 1685 to 2255)', () => {
    expect(parseTimestamp('1700-01-01T00:00:00Z')).toBe(Date.UTC(1700, 0, 1) * 1000)
    expect(parseTimestamp('2250-12-31T23:59:59.999999Z')).toBe(micros('2250-12-31T23:59:59.999Z', 999))
    expect(parseTimestamp('2300-01-01T00:00:00Z')).toBeUndefined()
  })
})

describe('formatTimestamp', () => {
  it('writes ISO-8601 in UTC with six fractional digits', () => {
    expect(formatTimestamp(micros('2024-02-03T20:48:20.438Z', 447))).toBe('2024-02-03T20:48:20.438447Z')
    expect(formatTimestamp(0)).toBe('1970-01-01T00:00:00.000000Z')
    expect(formatTimestamp(-1)).toBe('1969-12-31T23:59:59.999999Z')
  })

  it('round-trips every microsecond instant through text', () => {
    const instant = fc.integer({ min: -9_000_000_000_000_000, max: 9_000_000_000_000_000 })
    fc.assert(fc.property(instant, (us) => {
      const text = formatTimestamp(us)
      expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
      expect(parseTimestamp(text)).toBe(us)
    }), { numRuns: 2000 })
  })

  it('round-trips text with an offset to the same instant in UTC', () => {
    const parts = fc.record({
      instant: fc.integer({ min: 0, max: 4_000_000_000_000_000 }),
      offsetMinutes: fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 })
    })
    fc.assert(fc.property(parts, ({ instant, offsetMinutes }) => {
      // Write the local wall time at that offset, then read it back.
      const local = formatTimestamp(instant + offsetMinutes * 60_000_000).slice(0, -1)
      const sign = offsetMinutes < 0 ? '-' : '+'
      const abs = Math.abs(offsetMinutes)
      const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
      expect(parseTimestamp(`${local}${zone}`)).toBe(instant)
    }))
  })
})

describe('nowMicros', () => {
  it('is the current time in microseconds', () => {
    const before = Date.now() * 1000
    const now = nowMicros()
    expect(now).toBeGreaterThanOrEqual(before)
    expect(now).toBeLessThanOrEqual(Date.now() * 1000)
    expect(Number.isSafeInteger(now)).toBe(true)
  })
})
