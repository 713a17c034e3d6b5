// Generated users: where they come from (the seed's UK and JPN spellings among the countries), their
// currency, age and registration, deterministic for a seed.
import { seedTimestamp } from './format.ts'
import { int, pick, stream } from './random.ts'
import { DAY_MS } from './world.ts'

export interface DummyUser {
  user_id: number
  birth_year: number
  country: string
  currency: string
  gender: 'M' | 'F'
  registration_date: string
}

/** Countries users come from (the seed's UK and JPN spellings among them), with their usual currency. */
const COUNTRIES: Array<[country: string, currency: string]> = [
  ['GR', 'EUR'], ['DE', 'EUR'], ['FR', 'EUR'], ['ES', 'EUR'], ['IT', 'EUR'], ['AL', 'ALL'], ['UK', 'GBP'],
  ['US', 'USD'], ['JPN', 'JPY'], ['NL', 'EUR'], ['PT', 'EUR'], ['SE', 'SEK'], ['CH', 'CHF'], ['CA', 'CAD'],
  ['AU', 'AUD'], ['BR', 'BRL'], ['PL', 'PLN'], ['IN', 'INR'], ['UA', 'UAH']
]
/** The seed gives users a random one of these regardless of country; some of ours do the same. */
const SEED_CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY']

export interface UserFacts { record: DummyUser, country: string }

export function * usersWithFacts (s: { users: number, seed: number, nowMs: number, firstId: number }): Generator<UserFacts> {
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
