// Dummy datasets in the seed's file format: deterministic for a seed, streamed record by record so a million
// coupons fit. The data has the structure of a real sportsbook's (dataset/world.ts, dataset/bettors.ts):
// fixtures on each competition's calendar around `now`, and coupons placed over the four weeks before it
// by bettors with home leagues, favourite teams, coupon styles and changing tastes.
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { drawBettor, type Bettor } from './dataset/bettors.ts'
import { chooseLeg, fixtureIndex, HORIZON_MS, placingTime } from './dataset/legs.ts'
import { seedTimestamp } from './dataset/format.ts'
import { int, stream, weighted } from './dataset/random.ts'
import { usersWithFacts, type DummyUser } from './dataset/users.ts'
import { buildWorld, DAY_MS, type Fixture, type World } from './dataset/world.ts'

export type { DummyUser } from './dataset/users.ts'

export interface DummyEvent {
  /** A numeric string, as in the seed's data. */
  event_id: string
  begin_timestamp: string
  end_timestamp: string
  country: string
  league: string
  participants: string[]
  sport: string
}

export interface DummySelection { event_id: string, odds: number }

export interface DummyCoupon {
  coupon_id: number
  user_id: number
  stake: number
  timestamp: string
  selections: DummySelection[]
}

export interface Dataset { users: DummyUser[], events: DummyEvent[], coupons: DummyCoupon[] }

export interface DatasetOptions {
  users?: number
  events?: number
  coupons?: number
  /** Same seed, same counts and same `now`: the same dataset. */
  seed?: number
  /** The instant events are spread around and coupons precede; default: the current time. */
  now?: Date
  /**
   * First id of each entity; ids then count up. The default starts above the seed's ids (0 to 99,999), so a
   * generated dataset and the seed's fixture can share one database without conflicts.
   */
  firstId?: number
}

export interface DatasetCounts { users: number, events: number, coupons: number }

const DEFAULTS = { users: 100, events: 100, coupons: 100, seed: 1, firstId: 100_000 }
const MINUTE_MS = 60_000

/** The calendar runs from four weeks before `now` to four weeks after; coupons are placed in the first half. */
export const PAST_DAYS = 28
const FUTURE_DAYS = 28

const round2 = (x: number): number => Math.round(x * 100) / 100
interface Settings { users: number, events: number, coupons: number, seed: number, nowMs: number, firstId: number }

function settings (options: DatasetOptions): Settings {
  const s = { ...DEFAULTS, ...options, nowMs: (options.now ?? new Date()).getTime() }
  for (const key of ['users', 'events', 'coupons', 'firstId'] as const) {
    if (!Number.isSafeInteger(s[key]) || s[key] < 0) throw new RangeError(`${key} must be a non-negative integer (got ${s[key]})`)
  }
  if (!Number.isSafeInteger(s.firstId + Math.max(s.users, s.events, s.coupons))) throw new RangeError('ids would exceed the safe integer range')
  if (!Number.isInteger(s.seed)) throw new RangeError(`seed must be an integer (got ${s.seed})`)
  if (Number.isNaN(s.nowMs)) throw new RangeError('now must be a valid date')
  if (s.coupons > 0 && (s.users === 0 || s.events === 0)) throw new RangeError('coupons need at least one user and one event')
  return { users: s.users, events: s.events, coupons: s.coupons, seed: s.seed, nowMs: s.nowMs, firstId: s.firstId }
}

export function * userRecords (options: DatasetOptions = {}): Generator<DummyUser> {
  for (const { record } of usersWithFacts(settings(options))) yield record
}

function worldOf (s: Settings): World {
  return buildWorld(stream(s.seed, 2), s.events, s.nowMs - PAST_DAYS * DAY_MS, s.nowMs + FUTURE_DAYS * DAY_MS)
}

function eventRecord (world: World, fixture: Fixture, id: number): DummyEvent {
  const sport = world.sports[fixture.sport] as World['sports'][number]
  const league = sport.leagues[fixture.league] as (typeof sport.leagues)[number]
  // Kick-offs fall on 5-minute marks.
  const begin = Math.floor(fixture.beginMs / (5 * MINUTE_MS)) * 5 * MINUTE_MS
  return {
    event_id: String(id),
    begin_timestamp: seedTimestamp(begin),
    end_timestamp: seedTimestamp(begin + fixture.durationMs),
    country: league.country,
    league: league.name,
    participants: [league.teams[fixture.home] as string, league.teams[fixture.away] as string],
    sport: sport.name
  }
}

export function * eventRecords (options: DatasetOptions = {}): Generator<DummyEvent> {
  const s = settings(options)
  const world = worldOf(s)
  for (const [i, fixture] of world.fixtures.entries()) yield eventRecord(world, fixture, s.firstId + i)
}

/**
 * Coupons: a bettor (the more active, the more often) builds a coupon at a moment of the past four weeks
 * from fixtures starting in the next three days, by their taste at that moment. Streamed: the world and the
 * bettors are regenerated from their own streams, so the caller need not keep users or events.
 */
export function * couponRecords (options: DatasetOptions = {}): Generator<DummyCoupon> {
  const s = settings(options)
  if (s.coupons === 0) return
  const world = worldOf(s)
  const index = fixtureIndex(world)
  const tastes = stream(s.seed, 4)
  const from = s.nowMs - PAST_DAYS * DAY_MS
  const bettors: Bettor[] = []
  for (const { country } of usersWithFacts(s)) bettors.push(drawBettor(tastes, world.sports, country, from, s.nowMs))
  const cumulative: number[] = []
  let total = 0
  for (const b of bettors) cumulative.push(total += b.activity)
  const random = stream(s.seed, 3)

  for (let i = 0; i < s.coupons; i++) {
    const r = random() * total
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((cumulative[mid] as number) <= r) lo = mid + 1
      else hi = mid
    }
    const bettor = bettors[lo] as Bettor
    let placed = placingTime(random, s.nowMs - PAST_DAYS * DAY_MS, s.nowMs - MINUTE_MS)
    const wanted = weighted(random, bettor.legs) + 1
    const chosen: number[] = []
    for (let attempt = 0; attempt < wanted * 3 && chosen.length < wanted; attempt++) {
      const leg = chooseLeg(random, world, index, bettor, placed)
      if (leg !== undefined && !chosen.includes(leg)) chosen.push(leg)
    }
    if (chosen.length === 0) {
      // Nothing of the bettor's sports soon (a small calendar): a single on some fixture, placed before it.
      const leg = int(random, 0, world.fixtures.length - 1)
      chosen.push(leg)
      placed = Math.min(s.nowMs - MINUTE_MS, (index.begins[leg] as number) - int(random, MINUTE_MS, HORIZON_MS))
    }
    yield {
      coupon_id: s.firstId + i,
      user_id: s.firstId + lo,
      stake: round2(2 + random() ** 2 * 198),
      timestamp: seedTimestamp(placed, int(random, 0, 999)),
      selections: chosen.map((leg) => ({ event_id: String(s.firstId + leg), odds: round2(1.1 + random() ** 2 * 6.9) }))
    }
  }
}

/** One `now` for all three streams, so events and the coupons that precede them agree. */
const withNow = (options: DatasetOptions): DatasetOptions => ({ ...options, now: options.now ?? new Date() })

/** The whole dataset in memory; for large counts prefer writeDataset or the record generators. */
export function generateDataset (options: DatasetOptions = {}): Dataset {
  options = withNow(options)
  return { users: [...userRecords(options)], events: [...eventRecords(options)], coupons: [...couponRecords(options)] }
}

const CHUNK_CHARS = 1 << 16

/** The file's text in chunks of about 64 KiB: one record per line, in the seed's {users, events, coupons} object. */
function * datasetText (options: DatasetOptions, onRecord: () => void): Generator<string> {
  const sections = [
    ['users', userRecords(options)],
    ['events', eventRecords(options)],
    ['coupons', couponRecords(options)]
  ] as const
  let chunk = '{\n'
  for (const [index, [name, records]] of sections.entries()) {
    chunk += `  "${name}": [`
    let first = true
    for (const record of records) {
      chunk += `${first ? '\n' : ',\n'}    ${JSON.stringify(record)}`
      first = false
      onRecord()
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk
        chunk = ''
      }
    }
    chunk += `${first ? '' : '\n  '}]${index < sections.length - 1 ? ',' : ''}\n`
  }
  yield `${chunk}}\n`
}

/**
 * Write a dataset file without holding it in memory: chunks go through a stream pipeline, which waits for
 * the disk when it falls behind. The file appears complete or not at all (written aside, then renamed).
 */
export async function writeDataset (
  path: string, options: DatasetOptions = {}, onProgress?: (written: number, total: number) => void
): Promise<DatasetCounts & { bytes: number }> {
  options = withNow(options)
  const s = settings(options)
  await mkdir(dirname(path), { recursive: true })
  const partial = `${path}.${process.pid}.partial`
  let bytes = 0
  let written = 0
  const total = s.users + s.events + s.coupons
  // Told every thousand records, not every one: the callback redraws a bar.
  const counted = () => { if (++written % 1000 === 0 || written === total) onProgress?.(written, total) }
  const chunks = Readable.from((function * () {
    for (const chunk of datasetText(options, counted)) {
      bytes += Buffer.byteLength(chunk)
      yield chunk
    }
  })())
  try {
    await pipeline(chunks, createWriteStream(partial))
    await rename(partial, path)
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  }
  return { users: s.users, events: s.events, coupons: s.coupons, bytes }
}
