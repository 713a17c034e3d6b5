// Dummy datasets in the seed's file format: deterministic for a seed, streamed record by record so a million coupons fit.
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

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
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

/** Share of events that have already ended at `now`; the others are open (in play or upcoming). */
const ENDED_SHARE = 0.15
/** Share of selections a user places on one of their preferred sports; the rest go to any event. */
const PREFERRED_SHARE = 0.85
const SELECTION_COUNT_WEIGHTS = [35, 25, 20, 12, 8] // 1 to 5 selections per coupon

interface League { name: string, country: string, teams: string[] }
interface Sport { name: string, weight: number, minutes: number, leagues: League[] }

/** Sports, leagues and teams; `weight` is how common a sport is among events and users' tastes. */
const SPORTS: Sport[] = [
  {
    name: 'Football',
    weight: 30,
    minutes: 110,
    leagues: [
      { name: 'Premier League', country: 'UK', teams: ['Arsenal', 'Liverpool', 'Manchester City', 'Manchester United', 'Chelsea', 'Tottenham', 'Newcastle', 'Aston Villa'] },
      { name: 'La Liga', country: 'ES', teams: ['Real Madrid', 'Barcelona', 'Atletico Madrid', 'Sevilla', 'Valencia', 'Real Sociedad', 'Villarreal', 'Real Betis'] },
      { name: 'Serie A', country: 'IT', teams: ['Juventus', 'Inter', 'AC Milan', 'Napoli', 'Roma', 'Lazio', 'Atalanta', 'Fiorentina'] },
      { name: 'Bundesliga', country: 'DE', teams: ['Bayern Munich', 'Borussia Dortmund', 'RB Leipzig', 'Bayer Leverkusen', 'Eintracht Frankfurt', 'VfB Stuttgart'] },
      { name: 'Super League', country: 'GR', teams: ['Olympiacos', 'Panathinaikos', 'AEK Athens', 'PAOK', 'Aris', 'Asteras Tripolis'] }
    ]
  },
  {
    name: 'Basketball',
    weight: 15,
    minutes: 150,
    leagues: [
      { name: 'NBA', country: 'US', teams: ['Los Angeles Lakers', 'Boston Celtics', 'Golden State Warriors', 'Chicago Bulls', 'New York Knicks', 'Miami Heat', 'Milwaukee Bucks', 'Denver Nuggets'] },
      { name: 'Euroleague', country: 'GR', teams: ['Olympiacos', 'Panathinaikos', 'Real Madrid', 'Barcelona', 'Fenerbahce', 'Anadolu Efes', 'Maccabi Tel Aviv', 'Zalgiris'] },
      { name: 'ACB', country: 'ES', teams: ['Real Madrid', 'Barcelona', 'Baskonia', 'Valencia Basket', 'Unicaja', 'Joventut'] }
    ]
  },
  {
    name: 'Tennis',
    weight: 12,
    minutes: 150,
    leagues: [
      { name: 'ATP', country: 'FR', teams: ['Novak Djokovic', 'Carlos Alcaraz', 'Jannik Sinner', 'Daniil Medvedev', 'Alexander Zverev', 'Holger Rune', 'Stefanos Tsitsipas', 'Casper Ruud'] },
      { name: 'WTA', country: 'US', teams: ['Iga Swiatek', 'Aryna Sabalenka', 'Coco Gauff', 'Elena Rybakina', 'Jessica Pegula', 'Ons Jabeur', 'Maria Sakkari', 'Marketa Vondrousova'] }
    ]
  },
  {
    name: 'Hockey',
    weight: 8,
    minutes: 150,
    leagues: [
      { name: 'NHL', country: 'US', teams: ['New York Rangers', 'Boston Bruins', 'Toronto Maple Leafs', 'Edmonton Oilers', 'Pittsburgh Penguins', 'Chicago Blackhawks', 'Colorado Avalanche', 'Tampa Bay Lightning'] },
      { name: 'KHL', country: 'RU', teams: ['CSKA Moscow', 'SKA Saint Petersburg', 'Ak Bars Kazan', 'Metallurg Magnitogorsk', 'Dynamo Moscow', 'Avangard Omsk'] }
    ]
  },
  {
    name: 'Volley',
    weight: 6,
    minutes: 120,
    leagues: [
      { name: 'SuperLega', country: 'IT', teams: ['Trentino', 'Perugia', 'Civitanova', 'Modena', 'Piacenza', 'Monza'] },
      { name: 'PlusLiga', country: 'PL', teams: ['Jastrzebski Wegiel', 'ZAKSA', 'Asseco Resovia', 'Projekt Warszawa', 'Skra Belchatow', 'Trefl Gdansk'] }
    ]
  },
  {
    name: 'Rugby',
    weight: 5,
    minutes: 100,
    leagues: [
      { name: 'Six Nations', country: 'UK', teams: ['England', 'France', 'Ireland', 'Wales', 'Scotland', 'Italy'] },
      { name: 'Super Rugby', country: 'NZ', teams: ['Crusaders', 'Blues', 'Chiefs', 'Hurricanes', 'Brumbies', 'Highlanders'] }
    ]
  },
  {
    name: 'Golf',
    weight: 4,
    minutes: 240,
    leagues: [
      { name: 'PGA Tour', country: 'US', teams: ['Scottie Scheffler', 'Rory McIlroy', 'Jon Rahm', 'Xander Schauffele', 'Collin Morikawa', 'Viktor Hovland', 'Patrick Cantlay', 'Tommy Fleetwood'] },
      { name: 'European Tour', country: 'UK', teams: ['Rory McIlroy', 'Tommy Fleetwood', 'Matt Fitzpatrick', 'Tyrrell Hatton', 'Shane Lowry', 'Ludvig Aberg'] }
    ]
  },
  {
    name: 'Baseball',
    weight: 8,
    minutes: 180,
    leagues: [
      { name: 'MLB', country: 'US', teams: ['New York Yankees', 'Boston Red Sox', 'Los Angeles Dodgers', 'San Francisco Giants', 'Chicago Cubs', 'Houston Astros', 'Atlanta Braves', 'New York Mets'] },
      { name: 'NPB', country: 'JPN', teams: ['Yomiuri Giants', 'Hanshin Tigers', 'Hiroshima Carp', 'Yakult Swallows', 'Chunichi Dragons', 'SoftBank Hawks'] }
    ]
  },
  {
    name: 'Handball',
    weight: 5,
    minutes: 90,
    leagues: [
      { name: 'EHF Champions League', country: 'DE', teams: ['THW Kiel', 'SG Flensburg-Handewitt', 'Barca', 'Veszprem', 'Paris Saint-Germain', 'Aalborg', 'Kielce', 'Magdeburg'] }
    ]
  },
  {
    name: 'Cricket',
    weight: 7,
    minutes: 210,
    leagues: [
      { name: 'IPL', country: 'IN', teams: ['Mumbai Indians', 'Chennai Super Kings', 'Royal Challengers Bengaluru', 'Kolkata Knight Riders', 'Delhi Capitals', 'Rajasthan Royals'] },
      { name: 'Test Series', country: 'UK', teams: ['England', 'Australia', 'India', 'South Africa', 'New Zealand', 'Pakistan'] }
    ]
  }
]

/** Countries users come from (the seed's UK and JPN spellings among them), with their usual currency. */
const COUNTRIES: Array<[country: string, currency: string]> = [
  ['GR', 'EUR'], ['DE', 'EUR'], ['FR', 'EUR'], ['ES', 'EUR'], ['IT', 'EUR'], ['AL', 'ALL'], ['UK', 'GBP'],
  ['US', 'USD'], ['JPN', 'JPY'], ['NL', 'EUR'], ['PT', 'EUR'], ['SE', 'SEK'], ['CH', 'CHF'], ['CA', 'CAD'],
  ['AU', 'AUD'], ['BR', 'BRL']
]
/** The seed gives users a random one of these regardless of country; some of ours do the same. */
const SEED_CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY']

type Random = () => number

/** mulberry32: a tiny, fast PRNG of good enough quality for test data; [0, 1). */
function mulberry32 (seed: number): Random {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Independent streams per entity, so each can be generated (and re-generated) without the others. */
function stream (seed: number, salt: number): Random {
  return mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35))
}

const int = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1))
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
const round2 = (x: number): number => Math.round(x * 100) / 100

function weighted (random: Random, weights: readonly number[]): number {
  let total = 0
  for (const w of weights) total += w
  let r = random() * total
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i] as number
    if (r < 0) return i
  }
  return weights.length - 1
}

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

export function * userRecords (options: DatasetOptions = {}): Generator<DummyUser> {
  const s = settings(options)
  const random = stream(s.seed, 1)
  const maxYear = new Date(s.nowMs).getUTCFullYear() - 18
  for (let i = 0; i < s.users; i++) {
    const [country, currency] = pick(random, COUNTRIES)
    // Registered at least 60 days ago: every coupon (placed within the last ~45 days) comes after it.
    const registered = s.nowMs - int(random, 60 * DAY_MS, 3 * 365 * DAY_MS)
    yield {
      user_id: s.firstId + i,
      birth_year: int(random, 1940, maxYear),
      country,
      currency: random() < 0.2 ? pick(random, SEED_CURRENCIES) : currency,
      gender: random() < 0.5 ? 'M' : 'F',
      registration_date: seedTimestamp(registered, int(random, 0, 999))
    }
  }
}

/** What coupons need to know of an event, without keeping its text. */
interface EventFacts { id: string, sport: number, beginMs: number }

function * eventsWithFacts (s: Settings): Generator<{ event: DummyEvent, facts: EventFacts }> {
  const random = stream(s.seed, 2)
  const sportWeights = SPORTS.map((sport) => sport.weight)
  for (let i = 0; i < s.events; i++) {
    const sportIndex = weighted(random, sportWeights)
    const sport = SPORTS[sportIndex] as Sport
    const league = pick(random, sport.leagues)
    const home = int(random, 0, league.teams.length - 1)
    const away = (home + int(random, 1, league.teams.length - 1)) % league.teams.length
    const durationMs = (sport.minutes + int(random, -20, 30)) * MINUTE_MS
    // Ended events finished within the last 30 days; open ones began at most an hour ago (in play, as every
    // duration is longer than that) or start within the next four weeks. Kick-offs fall on 5-minute marks.
    const beginMs = random() < ENDED_SHARE
      ? s.nowMs - int(random, MINUTE_MS, 30 * DAY_MS) - durationMs
      : s.nowMs + int(random, -HOUR_MS, 28 * DAY_MS)
    const begin = Math.floor(beginMs / (5 * MINUTE_MS)) * 5 * MINUTE_MS
    const id = String(s.firstId + i)
    yield {
      event: {
        event_id: id,
        begin_timestamp: seedTimestamp(begin),
        end_timestamp: seedTimestamp(begin + durationMs),
        country: league.country,
        league: league.name,
        participants: [league.teams[home] as string, league.teams[away] as string],
        sport: sport.name
      },
      facts: { id, sport: sportIndex, beginMs: begin }
    }
  }
}

export function * eventRecords (options: DatasetOptions = {}): Generator<DummyEvent> {
  for (const { event } of eventsWithFacts(settings(options))) yield event
}

/**
 * Coupons: each user has one to three preferred sports and places most selections on their events, so the
 * recommender has a clear favourite to work from. Users bet at random, some many times, some never.
 */
export function * couponRecords (options: DatasetOptions = {}): Generator<DummyCoupon> {
  const s = settings(options)
  if (s.coupons === 0) return
  // The events' facts are regenerated from their own stream (cheap: 20,000 events are a few MB) so coupons
  // can be streamed without the caller having kept the events.
  const events: EventFacts[] = []
  const bySport: EventFacts[][] = SPORTS.map(() => [])
  for (const { facts } of eventsWithFacts(s)) {
    events.push(facts)
    bySport[facts.sport]?.push(facts)
  }
  const random = stream(s.seed, 3)
  // Users' tastes follow the sports' popularity among the sports that have events.
  const tasteWeights = SPORTS.map((sport, i) => (bySport[i]?.length ?? 0) > 0 ? sport.weight : 0)
  const prefs: number[][] = []
  for (let u = 0; u < s.users; u++) {
    const count = int(random, 1, 3)
    const mine: number[] = []
    for (let k = 0; k < count; k++) {
      const sport = weighted(random, tasteWeights)
      if (!mine.includes(sport)) mine.push(sport)
    }
    prefs.push(mine)
  }
  // The first preferred sport is the favourite, the others come after it.
  const prefWeights = [[1], [3, 2], [3, 2, 1]]

  for (let i = 0; i < s.coupons; i++) {
    const user = int(random, 0, s.users - 1)
    const mine = prefs[user] as number[]
    const weights = prefWeights[mine.length - 1] as number[]
    const wanted = weighted(random, SELECTION_COUNT_WEIGHTS) + 1
    const chosen: EventFacts[] = []
    let firstBegin = s.nowMs
    // A few extra draws let a small event pool still yield distinct selections; a coupon keeps what it got.
    for (let attempt = 0; attempt < wanted * 3 && chosen.length < wanted; attempt++) {
      const pool = random() < PREFERRED_SHARE ? bySport[mine[weighted(random, weights)] as number] as EventFacts[] : events
      const event = pick(random, pool)
      if (chosen.includes(event)) continue
      chosen.push(event)
      if (event.beginMs < firstBegin) firstBegin = event.beginMs
    }
    // Bets are placed before the earliest kick-off among the selections, and never in the future.
    const placed = firstBegin - int(random, MINUTE_MS, 14 * DAY_MS)
    yield {
      coupon_id: s.firstId + i,
      user_id: s.firstId + user,
      stake: round2(2 + random() * 498),
      timestamp: seedTimestamp(placed, int(random, 0, 999)),
      selections: chosen.map((e) => ({ event_id: e.id, odds: round2(1.1 + random() ** 2 * 6.9) }))
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
