// Dummy datasets in the seed's file format: deterministic for a seed, streamed record by record so a million
// coupons fit. The data has the structure of a real sportsbook's (dataset/world.ts, dataset/bettors.ts):
// fixtures on each competition's calendar around `now`, and coupons placed over the four weeks before it
// by bettors with home leagues, favourite teams, coupon styles and changing tastes.
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { drawBettor, teamKey, type Bettor, type Taste } from './dataset/bettors.ts'
import { int, pick, stream, weighted, type Random } from './dataset/random.ts'
import { buildWorld, DAY_MS, teamPopularity, type Fixture, type World } from './dataset/world.ts'

export interface DummyUser {
  user_id: number
  birth_year: number
  country: string
  currency: string
  gender: 'M' | 'F'
  registration_date: string
}

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
/** How far ahead of kick-off a bettor looks when building a coupon. */
const HORIZON_MS = 3 * DAY_MS
/** Share of legs a bettor with favourite teams spends on one of their fixtures, when one is near. */
const FAVOURITE_TEAM_SHARE = 0.45
/** Share of legs outside the bettor's own leagues (still in their sports). */
const EXPLORE_SHARE = 0.2
/** More coupons go in before the weekend: Friday and Saturday weigh more (Sunday 0 .. Saturday 6). */
const WEEKDAY_WEIGHTS = [1.2, 0.8, 0.9, 0.9, 1, 1.4, 1.6]

/** Countries users come from (the seed's UK and JPN spellings among them), with their usual currency. */
const COUNTRIES: Array<[country: string, currency: string]> = [
  ['GR', 'EUR'], ['DE', 'EUR'], ['FR', 'EUR'], ['ES', 'EUR'], ['IT', 'EUR'], ['AL', 'ALL'], ['UK', 'GBP'],
  ['US', 'USD'], ['JPN', 'JPY'], ['NL', 'EUR'], ['PT', 'EUR'], ['SE', 'SEK'], ['CH', 'CHF'], ['CA', 'CAD'],
  ['AU', 'AUD'], ['BR', 'BRL'], ['PL', 'PLN'], ['IN', 'INR'], ['UA', 'UAH']
]
/** The seed gives users a random one of these regardless of country; some of ours do the same. */
const SEED_CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY']

const round2 = (x: number): number => Math.round(x * 100) / 100
const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** The seed's zone-less UTC form with microseconds: `2024-02-03 20:48:20.438447`. */
function seedTimestamp (ms: number, micros = 0): string {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds() * 1000 + micros, 6)}`
}

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

interface UserFacts { record: DummyUser, country: string }

function * usersWithFacts (s: Settings): Generator<UserFacts> {
  const random = stream(s.seed, 1)
  const maxYear = new Date(s.nowMs).getUTCFullYear() - 18
  for (let i = 0; i < s.users; i++) {
    const [country, currency] = pick(random, COUNTRIES)
    // Registered at least 60 days ago: every coupon (placed within the last ~4 weeks) comes after it.
    const registered = s.nowMs - int(random, 60 * DAY_MS, 3 * 365 * DAY_MS)
    yield {
      country,
      record: {
        user_id: s.firstId + i,
        birth_year: int(random, 1940, maxYear),
        country,
        currency: random() < 0.2 ? pick(random, SEED_CURRENCIES) : currency,
        gender: random() < 0.5 ? 'M' : 'F',
        registration_date: seedTimestamp(registered, int(random, 0, 999))
      }
    }
  }
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

/** Fixture indexes by league and by team, each in kick-off order, for a bettor's look at what is coming. */
interface Index { byLeague: Map<string, number[]>, byTeam: Map<string, number[]>, begins: number[] }

function indexOf (world: World): Index {
  const byLeague = new Map<string, number[]>()
  const byTeam = new Map<string, number[]>()
  const push = (map: Map<string, number[]>, key: string, i: number) => {
    const list = map.get(key)
    if (list === undefined) map.set(key, [i])
    else list.push(i)
  }
  world.fixtures.forEach((f, i) => {
    const league = world.sports[f.sport]?.leagues[f.league]
    push(byLeague, `${f.sport}|${f.league}`, i)
    for (const team of [f.home, f.away]) push(byTeam, teamKey(f.sport, league?.teams[team] as string), i)
  })
  return { byLeague, byTeam, begins: world.fixtures.map((f) => f.beginMs) }
}

/** Indexes in `list` (kick-off order) of fixtures beginning in (from, to]. */
function window (list: readonly number[], begins: readonly number[], from: number, to: number): number[] {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((begins[list[mid] as number] as number) <= from) lo = mid + 1
    else hi = mid
  }
  const out: number[] = []
  for (let i = lo; i < list.length && (begins[list[i] as number] as number) <= to; i++) out.push(list[i] as number)
  return out
}

/** How much a bettor wants a fixture: big games (for those who like them), favourite teams, soon. */
function appeal (world: World, fixture: Fixture, bettor: Bettor, taste: Taste, placedMs: number): number {
  const teams = world.sports[fixture.sport]?.leagues[fixture.league]?.teams ?? []
  const size = teamPopularity(fixture.home) + teamPopularity(fixture.away)
  const favourite = taste.teams.has(teamKey(fixture.sport, teams[fixture.home] as string)) || taste.teams.has(teamKey(fixture.sport, teams[fixture.away] as string))
  const soon = 1 / (1 + (fixture.beginMs - placedMs) / DAY_MS)
  return (bettor.bigGames ? size ** 2 : size) * (favourite ? 6 : 1) * soon
}

function chooseLeg (random: Random, world: World, index: Index, bettor: Bettor, placedMs: number): number | undefined {
  const taste = placedMs >= bettor.driftAtMs ? bettor.drifted : bettor.taste
  const to = placedMs + HORIZON_MS
  const byAppeal = (candidates: number[]) => candidates.length === 0
    ? undefined
    : candidates[weighted(random, candidates.map((i) => appeal(world, world.fixtures[i] as Fixture, bettor, taste, placedMs)))]
  if (taste.teams.size > 0 && random() < FAVOURITE_TEAM_SHARE) {
    const team = pick(random, [...taste.teams])
    const next = window(index.byTeam.get(team) ?? [], index.begins, placedMs, to)
    if (next.length > 0) return next[0]
  }
  const sport = taste.sports[weighted(random, taste.sportWeights)] as number
  const own = taste.leagues.get(sport)
  const leagueCount = world.sports[sport]?.leagues.length ?? 0
  const league = own !== undefined && own.ids.length > 0 && random() >= EXPLORE_SHARE
    ? own.ids[weighted(random, own.weights)] as number
    : weighted(random, Array.from({ length: leagueCount }, (_, i) => 1 / (1 + i) ** 0.9))
  const inLeague = byAppeal(window(index.byLeague.get(`${sport}|${league}`) ?? [], index.begins, placedMs, to))
  if (inLeague !== undefined) return inLeague
  // Nothing in that league soon: any league of the sport.
  const inSport: number[] = []
  for (let l = 0; l < leagueCount; l++) inSport.push(...window(index.byLeague.get(`${sport}|${l}`) ?? [], index.begins, placedMs, to))
  return byAppeal(inSport)
}

/** A draw of the coupon's placing instant: in the past four weeks, more of them before weekends. */
function placingTime (random: Random, s: Settings): number {
  const from = s.nowMs - PAST_DAYS * DAY_MS
  for (;;) {
    const t = from + random() * (s.nowMs - MINUTE_MS - from)
    if (random() * 1.6 < (WEEKDAY_WEIGHTS[new Date(t).getUTCDay()] as number)) return t
  }
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
  const index = indexOf(world)
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
    let placed = placingTime(random, s)
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
function * datasetText (options: DatasetOptions): Generator<string> {
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
export async function writeDataset (path: string, options: DatasetOptions = {}): Promise<DatasetCounts & { bytes: number }> {
  options = withNow(options)
  const s = settings(options)
  await mkdir(dirname(path), { recursive: true })
  const partial = `${path}.${process.pid}.partial`
  let bytes = 0
  const chunks = Readable.from((function * () {
    for (const chunk of datasetText(options)) {
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
