// The dummy dataset generator: deterministic, valid by the API's own validators, coherent, and streamed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseTimestamp } from '../../src/domain/time.ts'
import { parsers } from '../../src/domain/validation.ts'
import { couponRecords, generateDataset, writeDataset, type Dataset } from '../../src/tools/dataset.ts'

const NOW = new Date('2025-06-01T12:00:00Z')
const NOW_MICROS = NOW.getTime() * 1000
const options = { users: 200, events: 300, coupons: 3000, seed: 42, now: NOW }
const dataset = generateDataset(options)
const dir = mkdtempSync(join(tmpdir(), 'dataset-test-'))

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const micros = (text: string): number => {
  const value = parseTimestamp(text)
  if (value === undefined) throw new Error(`not a timestamp: ${text}`)
  return value
}

describe('generateDataset', () => {
  it('gives the asked counts', () => {
    expect([dataset.users.length, dataset.events.length, dataset.coupons.length]).toEqual([200, 300, 3000])
  })

  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateDataset(options)).toEqual(dataset)
    const other = generateDataset({ ...options, seed: 43 })
    expect(other.users).not.toEqual(dataset.users)
    expect(other.events).not.toEqual(dataset.events)
    expect(other.coupons).not.toEqual(dataset.coupons)
  })

  it('writes records the API accepts, in the seed\'s shape', () => {
    for (const user of dataset.users) expect(() => parsers.users(user), JSON.stringify(user)).not.toThrow()
    for (const event of dataset.events) expect(() => parsers.events(event), JSON.stringify(event)).not.toThrow()
    for (const coupon of dataset.coupons) expect(() => parsers.coupons(coupon), JSON.stringify(coupon)).not.toThrow()
    const zoneless = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/
    expect(Object.keys(dataset.users[0] ?? {}).sort()).toEqual(['birth_year', 'country', 'currency', 'gender', 'registration_date', 'user_id'])
    expect(Object.keys(dataset.events[0] ?? {}).sort()).toEqual(['begin_timestamp', 'country', 'end_timestamp', 'event_id', 'league', 'participants', 'sport'])
    expect(Object.keys(dataset.coupons[0] ?? {}).sort()).toEqual(['coupon_id', 'selections', 'stake', 'timestamp', 'user_id'])
    for (const user of dataset.users) expect(user.registration_date).toMatch(zoneless)
    for (const event of dataset.events) {
      expect(event.event_id).toMatch(/^\d+$/)
      expect(event.begin_timestamp).toMatch(zoneless)
    }
    for (const coupon of dataset.coupons) {
      expect(coupon.timestamp).toMatch(zoneless)
      expect(coupon.selections.length).toBeGreaterThanOrEqual(1)
      expect(coupon.selections.length).toBeLessThanOrEqual(5)
      for (const s of coupon.selections) expect(s.odds).toBeGreaterThan(1)
    }
  })

  it('uses unique ids', () => {
    const unique = (ids: unknown[]): number => new Set(ids).size
    expect(unique(dataset.users.map((u) => u.user_id))).toBe(dataset.users.length)
    expect(unique(dataset.events.map((e) => e.event_id))).toBe(dataset.events.length)
    expect(unique(dataset.coupons.map((c) => c.coupon_id))).toBe(dataset.coupons.length)
  })

  it('starts ids above the seed fixture\'s, or where asked', () => {
    expect(dataset.users[0]?.user_id).toBe(100_000)
    const shifted = generateDataset({ ...options, users: 3, events: 3, coupons: 3, firstId: 7 })
    expect(shifted.users.map((u) => u.user_id)).toEqual([7, 8, 9])
    expect(shifted.events.map((e) => e.event_id)).toEqual(['7', '8', '9'])
    for (const c of shifted.coupons) expect([7, 8, 9]).toContain(c.user_id)
  })

  it('makes coupons of existing users and events, placed in the past, after the user registered and before kick-off', () => {
    const registered = new Map(dataset.users.map((u) => [u.user_id, micros(u.registration_date)]))
    const begins = new Map(dataset.events.map((e) => [e.event_id, micros(e.begin_timestamp)]))
    for (const coupon of dataset.coupons) {
      const placed = micros(coupon.timestamp)
      expect(registered.has(coupon.user_id)).toBe(true)
      expect(placed).toBeLessThan(NOW_MICROS)
      expect(placed).toBeGreaterThan(registered.get(coupon.user_id) as number)
      const ids = coupon.selections.map((s) => s.event_id)
      expect(new Set(ids).size).toBe(ids.length)
      for (const id of ids) {
        expect(begins.has(id)).toBe(true)
        expect(placed).toBeLessThan(begins.get(id) as number)
      }
    }
  })

  it('spreads events over four weeks either side of now: about half still open, a couple of hours long', () => {
    const ends = dataset.events.map((e) => micros(e.end_timestamp))
    const open = ends.filter((end) => end > NOW_MICROS).length
    expect(open / dataset.events.length).toBeGreaterThan(0.35)
    expect(open / dataset.events.length).toBeLessThan(0.65)
    for (const e of dataset.events) {
      const hours = (micros(e.end_timestamp) - micros(e.begin_timestamp)) / 3.6e9
      expect(hours).toBeGreaterThanOrEqual(1)
      expect(hours).toBeLessThanOrEqual(5)
      expect(Math.abs(micros(e.begin_timestamp) - NOW_MICROS)).toBeLessThan(35 * 24 * 3.6e9)
      expect(e.participants[0]).not.toBe(e.participants[1])
    }
    expect(new Set(dataset.events.map((e) => e.sport)).size).toBeGreaterThanOrEqual(8)
  })

  it('gives each user a few preferred sports that dominate their bets', () => {
    const sportOf = new Map(dataset.events.map((e) => [e.event_id, e.sport]))
    const perUser = new Map<number, Map<string, number>>()
    for (const coupon of dataset.coupons) {
      const counts = perUser.get(coupon.user_id) ?? new Map<string, number>()
      perUser.set(coupon.user_id, counts)
      for (const s of coupon.selections) {
        const sport = sportOf.get(s.event_id) as string
        counts.set(sport, (counts.get(sport) ?? 0) + 1)
      }
    }
    let inTopThree = 0
    let favourite = 0
    let total = 0
    for (const counts of perUser.values()) {
      const sorted = [...counts.values()].sort((a, b) => b - a)
      const sum = sorted.reduce((a, b) => a + b, 0)
      if (sum < 10) continue
      total += sum
      inTopThree += sorted.slice(0, 3).reduce((a, b) => a + b, 0)
      favourite += sorted[0] as number
    }
    expect(total).toBeGreaterThan(1000)
    // Were bets spread by sport popularity alone, a user's three most-bet sports would hold about 60% of them.
    expect(inTopThree / total).toBeGreaterThan(0.85)
    expect(favourite / total).toBeGreaterThan(0.45)
  })

  it('schedules fixtures as sportsbooks list them: weekend clusters, several kick-offs at once, league names shared by countries', () => {
    const weekday = (e: Dataset['events'][number]) => new Date(micros(e.begin_timestamp) / 1000).getUTCDay()
    const football = dataset.events.filter((e) => e.sport === 'Football')
    const weekend = football.filter((e) => weekday(e) === 0 || weekday(e) === 6).length
    // Per day, a weekend day holds well over a weekday's fixtures.
    expect((weekend / 2) / ((football.length - weekend) / 5)).toBeGreaterThan(1.5)
    const perKickOff = new Map<string, number>()
    for (const e of dataset.events) perKickOff.set(e.begin_timestamp, (perKickOff.get(e.begin_timestamp) ?? 0) + 1)
    expect(Math.max(...perKickOff.values())).toBeGreaterThanOrEqual(3)
    const big = generateDataset({ ...options, events: 3000, coupons: 0 })
    const countriesOf = new Map<string, Set<string>>()
    for (const e of big.events) countriesOf.set(`${e.sport}|${e.league}`, (countriesOf.get(`${e.sport}|${e.league}`) ?? new Set()).add(e.country))
    expect([...countriesOf.values()].some((countries) => countries.size > 1)).toBe(true)
  })

  it('gives bettors loyalties beyond the sport: most of a bettor\'s selections fall in a few leagues', () => {
    const leagueOf = new Map(dataset.events.map((e) => [e.event_id, `${e.sport}|${e.country}|${e.league}`]))
    /** Share of selections in each bettor's two most bet leagues, with coupons given to bettors by `owner`. */
    const topTwoShare = (owner: (index: number) => number) => {
      const byUser = new Map<number, Map<string, number>>()
      dataset.coupons.forEach((c, i) => {
        const counts = byUser.get(owner(i)) ?? new Map<string, number>()
        for (const sel of c.selections) counts.set(leagueOf.get(sel.event_id) as string, (counts.get(leagueOf.get(sel.event_id) as string) ?? 0) + 1)
        byUser.set(owner(i), counts)
      })
      let inTopTwo = 0
      let total = 0
      for (const counts of byUser.values()) {
        const sorted = [...counts.values()].sort((a, b) => b - a)
        total += sorted.reduce((a, b) => a + b, 0)
        inTopTwo += (sorted[0] ?? 0) + (sorted[1] ?? 0)
      }
      return inTopTwo / total
    }
    const own = topTwoShare((i) => (dataset.coupons[i] as Dataset['coupons'][number]).user_id)
    // The same coupons dealt to bettors in turn: what the share would be without loyalties.
    const dealt = topTwoShare((i) => (dataset.coupons[(i * 7919) % dataset.coupons.length] as Dataset['coupons'][number]).user_id)
    expect(own).toBeGreaterThan(dealt + 0.15)
  })

  it('refuses coupons without users or events to refer to', () => {
    expect(() => generateDataset({ users: 0, events: 5, coupons: 1 })).toThrow(RangeError)
    expect(() => generateDataset({ users: 5, events: 0, coupons: 1 })).toThrow(RangeError)
    expect(() => generateDataset({ users: -1 })).toThrow(RangeError)
    expect(generateDataset({ users: 0, events: 0, coupons: 0 })).toEqual({ users: [], events: [], coupons: [] })
  })
})

describe('streaming', () => {
  it('writes the same dataset to a file as it builds in memory, one record per line', async () => {
    const file = join(dir, 'nested', 'dummy.json')
    const written = await writeDataset(file, options)
    const text = readFileSync(file, 'utf8')
    expect(written).toEqual({ users: 200, events: 300, coupons: 3000, bytes: Buffer.byteLength(text) })
    expect(JSON.parse(text) as Dataset).toEqual(dataset)
    expect(text.split('\n').length).toBeGreaterThan(3500)
  })

  it('writes a valid file for empty sections', async () => {
    const file = join(dir, 'empty.json')
    await writeDataset(file, { users: 0, events: 0, coupons: 0 })
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ users: [], events: [], coupons: [] })
  })

  it('generates coupons lazily: the first of a trillion comes at once', () => {
    const coupons = couponRecords({ users: 10, events: 10, coupons: 1e12, seed: 1, now: NOW })
    const first = coupons.next()
    expect(first.done).toBe(false)
    expect(coupons.next().value).toMatchObject({ coupon_id: 100_001 })
  })
})
