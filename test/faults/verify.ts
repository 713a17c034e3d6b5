// What the fault-injection run checks at the end: every stored record with its content checksum, read
// straight from the database; the recommender's counters recomputed from the stored coupons (a coupon
// counted twice is a duplicate too, even when its row is unique); and Kafka's side: lag and dead letters.
import { Admin } from '@platformatic/kafka'
import type { Config } from '../../src/config/config.ts'
import { kafkaBrokers } from '../../src/config/config.ts'
import { ENTITIES, entityTopics } from '../../src/kafka/topics.ts'
import { openDatabase } from '../../src/storage/database.ts'
import { checksum, type Entity } from './records.ts'

export interface StoredRecord { checksum: string, copies: number }

export interface StoredState {
  records: Record<Entity, Map<number, StoredRecord>>
  /** Disagreements between the stored coupons and the counters kept from them; empty when consistent. */
  counterProblems: string[]
  /** Selections whose coupon is not stored: a coupon half-stored. */
  orphanSelections: number
}

export async function readStored (config: Config): Promise<StoredState> {
  const database = await openDatabase(config.database)
  try {
    const db = database.db
    const records: StoredState['records'] = { users: new Map(), events: new Map(), coupons: new Map() }
    const add = (entity: Entity, id: number, sum: string) => {
      const known = records[entity].get(id)
      if (known === undefined) records[entity].set(id, { checksum: sum, copies: 1 })
      else known.copies++
    }

    for (const u of await db.selectFrom('users').selectAll().execute()) {
      add('users', u.id, checksum({ entity: 'users', id: u.id, birthYear: u.birth_year, country: u.country, currency: u.currency, gender: u.gender, registeredAt: u.registration_date }))
    }
    const events = await db.selectFrom('events').innerJoin('participants', 'participants.id', 'events.participants_id')
      .select(['events.id', 'begin_ts', 'end_ts', 'country', 'league', 'sport', 'bet_count', 'names']).execute()
    const sportOf = new Map<number, string>()
    for (const e of events) {
      sportOf.set(e.id, e.sport)
      add('events', e.id, checksum({ entity: 'events', id: e.id, begin: e.begin_ts, end: e.end_ts, country: e.country, league: e.league, sport: e.sport, participants: JSON.parse(e.names) as string[] }))
    }

    const selections = new Map<number, Array<[number, number]>>()
    for (const s of await db.selectFrom('selections').select(['coupon_id', 'event_id', 'odds']).orderBy('coupon_id').orderBy('position').execute()) {
      const list = selections.get(s.coupon_id) ?? []
      list.push([s.event_id, s.odds])
      selections.set(s.coupon_id, list)
    }
    const coupons = await db.selectFrom('coupons').selectAll().execute()
    const couponIds = new Set(coupons.map((c) => c.id))
    const orphanSelections = [...selections.keys()].filter((id) => !couponIds.has(id)).length
    for (const c of coupons) {
      add('coupons', c.id, checksum({ entity: 'coupons', id: c.id, userId: c.user_id, stake: c.stake, placedAt: c.placed_at, selections: selections.get(c.id) ?? [] }))
    }

    // The counters the recommender keeps on each write, recomputed from the stored coupons.
    const betsPerEvent = new Map<number, number>()
    const perUserSport = new Map<string, { bets: number, last: number }>()
    for (const c of coupons) {
      for (const [eventId] of selections.get(c.id) ?? []) {
        betsPerEvent.set(eventId, (betsPerEvent.get(eventId) ?? 0) + 1)
        const key = `${c.user_id}/${sportOf.get(eventId) ?? '?'}`
        const stat = perUserSport.get(key) ?? { bets: 0, last: 0 }
        stat.bets++
        stat.last = Math.max(stat.last, c.placed_at)
        perUserSport.set(key, stat)
      }
    }
    const counterProblems: string[] = []
    for (const e of events) {
      const expected = betsPerEvent.get(e.id) ?? 0
      if (Number(e.bet_count) !== expected) counterProblems.push(`event ${e.id}: bet_count ${e.bet_count}, stored selections ${expected}`)
    }
    const stats = await db.selectFrom('user_sport_stats').selectAll().execute()
    for (const s of stats) {
      const expected = perUserSport.get(`${s.user_id}/${s.sport}`)
      if (expected === undefined || expected.bets !== s.bets || expected.last !== s.last_bet_at) {
        counterProblems.push(`user ${s.user_id} ${s.sport}: ${s.bets} bets (last ${s.last_bet_at}), stored coupons say ${expected?.bets ?? 0} (last ${expected?.last ?? '-'})`)
      }
    }
    if (stats.length !== perUserSport.size) counterProblems.push(`${stats.length} user/sport counters for ${perUserSport.size} user/sport pairs with coupons`)
    return { records, counterProblems: counterProblems.slice(0, 20), orphanSelections }
  } finally {
    await database.close()
  }
}

export interface KafkaState {
  /** Records not yet committed by the consumer groups of the main and retry topics. */
  lag: number
  /** The partitions behind, as `topic/partition committed..end` (what a drain that timed out names). */
  behind: string[]
  /** Records on the dead-letter topics. */
  deadLettered: number
}

/**
 * readKafka, asked again when the broker answers with an error: right after a node of a cluster died or
 * came back, a partition's leadership is still moving and listing its offsets fails for a few seconds.
 */
export async function readKafkaSettled (config: Config, attempts = 30): Promise<KafkaState> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readKafka(config)
    } catch (error) {
      if (attempt >= attempts) throw error
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
}

export async function readKafka (config: Config): Promise<KafkaState> {
  const admin = new Admin({ clientId: 'faults-verify', bootstrapBrokers: kafkaBrokers(config), retries: 5, retryDelay: 500 })
  try {
    const topics = ENTITIES.map((e) => entityTopics(config.kafka.topicPrefix, e))
    const names = topics.flatMap((t) => [t.main, t.retry, t.dlq])
    const partitions = Array.from({ length: config.kafka.partitions }, (_, i) => ({ partitionIndex: i, timestamp: -1n }))
    const ends = new Map<string, bigint>()
    for (const topic of await admin.listOffsets({ topics: names.map((name) => ({ name, partitions })) })) {
      for (const p of topic.partitions) ends.set(`${topic.name}/${p.partitionIndex}`, p.offset)
    }
    let lag = 0n
    const behind: string[] = []
    const groups = topics.flatMap((t) => [t.main, t.retry]).map((topic) => ({ topic, group: `${config.kafka.groupPrefix}-${topic}` }))
    const committed = await admin.listConsumerGroupOffsets({ groups: groups.map((g) => ({ groupId: g.group, topics: [{ name: g.topic, partitionIndexes: partitions.map((p) => p.partitionIndex) }] })) })
    for (const { group, topic } of groups) {
      for (const { partitionIndex } of partitions) {
        const offset = committed.find((c) => c.groupId === group)?.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === partitionIndex)?.committedOffset ?? -1n
        const end = ends.get(`${topic}/${partitionIndex}`) ?? 0n
        lag += end - (offset < 0n ? 0n : offset)
        if (end > offset && end > 0n) behind.push(`${topic}/${partitionIndex} ${offset}..${end}`)
      }
    }
    const deadLettered = topics.reduce((sum, t) => sum + partitions.reduce((n, p) => n + Number(ends.get(`${t.dlq}/${p.partitionIndex}`) ?? 0n), 0), 0)
    return { lag: Number(lag), behind, deadLettered }
  } finally {
    await admin.close()
  }
}
