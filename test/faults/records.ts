// What the fault-injection run sends: users, events and coupons with ids the client chooses, each with a
// checksum of its content as the database must hold it, so sent and stored records compare one by one.
import { createHash } from 'node:crypto'
import { formatTimestamp } from '../../src/domain/time.ts'

export type Entity = 'users' | 'events' | 'coupons'

/** A record's content after the API's normalisation (codes upper-cased, times in microseconds). */
export type Content =
  | { entity: 'users', id: number, birthYear: number, country: string, currency: string, gender: string, registeredAt: number }
  | { entity: 'events', id: number, begin: number, end: number, country: string, league: string, sport: string, participants: string[] }
  | { entity: 'coupons', id: number, userId: number, stake: number, placedAt: number, selections: Array<[number, number]> }

/** The same content always gives the same checksum, whether built from what was sent or what was stored. */
export function checksum (content: Content): string {
  const fields = content.entity === 'users'
    ? [content.id, content.birthYear, content.country, content.currency, content.gender, content.registeredAt]
    : content.entity === 'events'
      ? [content.id, content.begin, content.end, content.country, content.league, content.sport, content.participants]
      : [content.id, content.userId, content.stake, content.placedAt, content.selections]
  return createHash('sha256').update(JSON.stringify([content.entity, ...fields])).digest('hex').slice(0, 20)
}

/** A small seeded generator (mulberry32): a run's data and fault schedule follow from its seed. */
export function seededRandom (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const COUNTRIES = ['gb', 'DE', 'fr', 'ITA', 'es', 'JPN', 'usa', 'BR', 'SE', 'pl']
const CURRENCIES = ['EUR', 'gbp', 'USD', 'jpy', 'BRL', 'SEK']
const SPORTS = ['football', 'tennis', 'basketball', 'ice hockey', 'cricket']
const LEAGUES = ['Premier League', 'Bundesliga', 'Série A', 'J1 リーグ', 'Ekstraklasa', 'NBA']
const TEAMS = ['Zürich FC', '東京 Verdy', 'São Paulo', 'Göteborg', 'Žalgiris', '⚽ United', 'Åland', 'Real Club', 'Ajax', 'Κέρκυρα', 'Spartak Москва', 'Home FC']
const HOUR_MICROS = 3_600_000_000

export class RecordFactory {
  constructor (private readonly random: () => number, private readonly now = Date.now() * 1000) {}

  private pick<T> (items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T
  }

  private micros (fromHours: number, toHours: number): number {
    return Math.round(this.now + (fromHours + this.random() * (toHours - fromHours)) * HOUR_MICROS)
  }

  user (id: number): Content {
    return {
      entity: 'users',
      id,
      birthYear: 1930 + Math.floor(this.random() * 70),
      country: this.pick(COUNTRIES).toUpperCase(),
      currency: this.pick(CURRENCIES).toUpperCase(),
      gender: this.pick(['M', 'F']),
      registeredAt: this.micros(-24 * 365, 0)
    }
  }

  event (id: number): Content {
    const begin = this.micros(-48, 24 * 30)
    const teams = [...TEAMS].sort(() => this.random() - 0.5).slice(0, 2 + Math.floor(this.random() * 3))
    return { entity: 'events', id, begin, end: begin + 2 * HOUR_MICROS, country: this.pick(COUNTRIES), league: this.pick(LEAGUES), sport: this.pick(SPORTS), participants: teams }
  }

  coupon (id: number, userId: number, eventIds: number[]): Content {
    const selections: Array<[number, number]> = eventIds.map((e) => [e, Math.round(101 + this.random() * 900) / 100])
    return { entity: 'coupons', id, userId, stake: Math.round(100 + this.random() * 10_000) / 100, placedAt: this.micros(-24, 0), selections }
  }

  /**
   * The request body for a content, in the forms the contract allows: ids as numbers or numeric strings,
   * under `id` or the seed's aliases, codes in any case. Each form must be stored as the same content.
   */
  body (content: Content): Record<string, unknown> {
    const id = this.random() < 0.3 ? String(content.id) : content.id
    switch (content.entity) {
      case 'users':
        return {
          [this.random() < 0.5 ? 'id' : 'user_id']: id,
          birth_year: content.birthYear,
          country: this.random() < 0.5 ? content.country.toLowerCase() : content.country,
          currency: content.currency,
          gender: content.gender,
          registration_date: formatTimestamp(content.registeredAt)
        }
      case 'events':
        return {
          [this.random() < 0.5 ? 'id' : 'event_id']: id,
          begin_timestamp: formatTimestamp(content.begin),
          end_timestamp: formatTimestamp(content.end),
          country: content.country,
          league: content.league,
          sport: content.sport,
          participants: content.participants
        }
      case 'coupons':
        return {
          [this.random() < 0.5 ? 'id' : 'coupon_id']: id,
          user_id: content.userId,
          stake: content.stake,
          timestamp: formatTimestamp(content.placedAt),
          selections: content.selections.map(([eventId, odds]) => ({ event_id: eventId, odds }))
        }
    }
  }
}
