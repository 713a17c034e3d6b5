// The dead-letter tools on the run's real broker: records set aside with the consumers' own headers are
// listed by reason, shown one by one, and replayed to the topic they came from, once.
import { Admin, Consumer } from '@platformatic/kafka'
import { beforeAll, describe, expect, it } from 'vitest'
import { describeDeadLetter, formatDeadLetter, formatListing, formatReplay } from '../../../src/cli/commands/dlq.ts'
import { loadConfig, type Config } from '../../../src/config/config.ts'
import { createSideProducer, Headers, type SideRecord } from '../../../src/kafka/side-topics.ts'
import {
  allDeadLetterTopics, DeadLetterNotFoundError, findDeadLetter, ledgerTopicOf, listDeadLetters, readDeadLetters,
  REPLAYED_FROM_HEADER, replayDeadLetters, type ListedRecord, type Listing
} from '../../../src/kafka/dead-letters/index.ts'
import { ENTITIES, ensureTopics, entityTopics } from '../../../src/kafka/topics.ts'
import { uniqueName } from '../../helpers/database.ts'
import { kafkaBootstrap } from '../../helpers/kafka.ts'
import { readTopic, waitForLeaders } from '../../helpers/pipeline.ts'

const TIMEOUT = { timeoutMs: 60_000 }

function configFor (prefix: string): Config {
  return loadConfig({ BOOTSTRAP_SERVER: kafkaBootstrap(), TOPIC_PREFIX: prefix, LOG_LEVEL: 'silent' })
}

interface Fixture {
  config: Config
  users: ReturnType<typeof entityTopics>
  coupons: ReturnType<typeof entityTopics>
  /** What was produced to the dead-letter topics, by key. */
  sent: Map<string, SideRecord>
}

function deadLetter (topic: string, key: string, value: string, reason: string, code: string, status: string, origin?: [string, number, number]): SideRecord {
  const headers: Record<string, string> = { [Headers.reason]: reason, [Headers.status]: status, [Headers.code]: code }
  if (origin !== undefined) {
    headers[Headers.originalTopic] = origin[0]
    headers[Headers.originalPartition] = String(origin[1])
    headers[Headers.originalOffset] = String(origin[2])
  }
  return { topic, key: Buffer.from(key), value: Buffer.from(value), headers }
}

/** Fresh topics under a prefix of their own, with dead-lettered records as the consumers write them. */
async function deadLetterFixture (): Promise<Fixture> {
  const prefix = `${uniqueName('dlq')}-`
  const config = configFor(prefix)
  const users = entityTopics(prefix, 'users')
  const coupons = entityTopics(prefix, 'coupons')
  const topics = ENTITIES.flatMap((e) => [entityTopics(prefix, e).main, entityTopics(prefix, e).dlq])
  await ensureTopics(config, topics, 'dlq-test-admin')
  await waitForLeaders(config, topics)
  const coupon = (id: number) => JSON.stringify({ coupon_id: id, user_id: 404, stake: 5, selections: [{ event_id: 1, odds: 2 }, { event_id: 2, odds: 3.5 }] })
  const records = [
    deadLetter(users.dlq, '900', JSON.stringify({ user_id: 900, birth_year: 1980, country: 'GB', currency: 'EUR', gender: 'M' }),
      'users 900 already exists with different content (birth_year)', 'CONFLICT', '409', [users.main, 1, 4]),
    deadLetter(users.dlq, '901', JSON.stringify({ user_id: 901, birth_year: 1975, country: 'GB', currency: 'EUR', gender: 'F' }),
      'users 901 already exists with different content (birth_year)', 'CONFLICT', '409', [users.main, 2, 9]),
    // Written without origin headers: a replay falls back to the main topic of its dead-letter topic.
    deadLetter(users.dlq, 'k', 'not json at all', 'not JSON: Unexpected token', 'POISON', '0'),
    deadLetter(coupons.dlq, '3', coupon(3), 'User not found (still missing after retrying for 2 s)', 'USER_NOT_FOUND', '404', [coupons.main, 0, 0]),
    deadLetter(coupons.dlq, '4', coupon(4), 'User not found (still missing after retrying for 31 s)', 'USER_NOT_FOUND', '404', [coupons.main, 0, 1])
  ]
  const side = createSideProducer(config, 'dlq-test-seed')
  try {
    await side.send(records)
  } finally {
    await side.close()
  }
  return { config, users, coupons, sent: new Map(records.map((r) => [r.key?.toString() ?? '', r])) }
}

/** How many records a topic holds, from its end offsets: no waiting for records that might still come. */
async function recordCount (config: Config, topic: string): Promise<number> {
  const consumer = new Consumer({ clientId: 'dlq-test-offsets', groupId: uniqueName('dlq-test-offsets'), bootstrapBrokers: config.kafka.bootstrapServers })
  try {
    const offsets = await consumer.listOffsets({ topics: [topic] })
    return (offsets.get(topic) ?? []).reduce((n, end) => n + Number(end), 0)
  } finally {
    await consumer.close()
  }
}

async function topicExists (config: Config, topic: string): Promise<boolean> {
  const admin = new Admin({ clientId: 'dlq-test-topics', bootstrapBrokers: config.kafka.bootstrapServers })
  try {
    return (await admin.listTopics()).includes(topic)
  } finally {
    await admin.close()
  }
}

const keysOf = (records: ListedRecord[]): string[] => records.map((r) => r.key ?? '').sort()

function recordWithKey (listing: Listing, key: string): ListedRecord {
  const record = listing.groups.flatMap((g) => g.records).find((r) => r.key === key)
  if (record === undefined) throw new Error(`no listed record with key ${key}`)
  return record
}

describe('dlq list and show', () => {
  let f: Fixture
  let all: Listing
  beforeAll(async () => {
    f = await deadLetterFixture()
    all = await listDeadLetters(f.config, { topics: allDeadLetterTopics(f.config.kafka.topicPrefix), limit: 3, ...TIMEOUT })
  })

  it('reads every dead-letter topic to its end and groups the records by reason, numbers aside', () => {
    const prefix = f.config.kafka.topicPrefix
    expect(all.topics).toEqual([
      { topic: f.users.dlq, exists: true, records: 3 },
      { topic: `${prefix}events.dlq`, exists: true, records: 0 },
      { topic: f.coupons.dlq, exists: true, records: 2 }
    ])
    expect(all.total).toBe(5)
    expect(all.groups.map((g) => [g.code, g.reason, g.count])).toEqual(expect.arrayContaining([
      ['CONFLICT', 'users # already exists with different content (birth_year)', 2],
      ['USER_NOT_FOUND', 'User not found (still missing after retrying for # s)', 2]
    ]))
    // The largest groups first.
    expect(all.groups.map((g) => g.count)).toEqual([2, 2, 1])
    expect(all.groups[2]).toMatchObject({ code: 'POISON', reason: 'not JSON: Unexpected token', count: 1 })
    const conflicts = all.groups.find((g) => g.code === 'CONFLICT')
    expect(keysOf(conflicts?.records ?? [])).toEqual(['900', '901'])
  })

  it('lists each record with its position, key, origin, full reason and a short preview of its value', () => {
    const record = recordWithKey(all, '900')
    expect(record).toMatchObject({
      topic: f.users.dlq,
      key: '900',
      reason: 'users 900 already exists with different content (birth_year)',
      code: 'CONFLICT',
      status: '409',
      original: { topic: f.users.main, partition: 1, offset: 4 },
      preview: f.sent.get('900')?.value?.toString()
    })
    expect(recordWithKey(all, 'k').original).toEqual({ topic: f.users.main, partition: null, offset: null })
    const coupon = recordWithKey(all, '3')
    expect(coupon.preview).toHaveLength(80)
    expect(coupon.preview.endsWith('…')).toBe(true)
    expect(f.sent.get('3')?.value?.toString().startsWith(coupon.preview.slice(0, -1))).toBe(true)
  })

  it('shows at most --limit records per group, the count still complete', async () => {
    const listing = await listDeadLetters(f.config, { topics: [f.users.dlq], limit: 1, ...TIMEOUT })
    const conflicts = listing.groups.find((g) => g.code === 'CONFLICT')
    expect(conflicts?.count).toBe(2)
    expect(conflicts?.records).toHaveLength(1)
    expect(formatListing(listing, undefined)).toContain('... and 1 more')
    const counts = await listDeadLetters(f.config, { topics: [f.users.dlq], limit: 0, ...TIMEOUT })
    expect(counts.groups.map((g) => g.records.length)).toEqual([0, 0])
  })

  it('filters by a case-insensitive part of the reason or the code, and by topic', async () => {
    const topics = allDeadLetterTopics(f.config.kafka.topicPrefix)
    const byText = await listDeadLetters(f.config, { topics, reason: 'ALREADY exists', limit: 3, ...TIMEOUT })
    expect(byText.total).toBe(2)
    expect(byText.groups.map((g) => g.code)).toEqual(['CONFLICT'])
    const byCode = await listDeadLetters(f.config, { topics, reason: 'user_not', limit: 3, ...TIMEOUT })
    expect(byCode.groups.map((g) => [g.code, g.count])).toEqual([['USER_NOT_FOUND', 2]])
    const byTopic = await listDeadLetters(f.config, { topics: [f.coupons.dlq], limit: 3, ...TIMEOUT })
    expect(byTopic.topics).toEqual([{ topic: f.coupons.dlq, exists: true, records: 2 }])
    expect(keysOf(byTopic.groups.flatMap((g) => g.records))).toEqual(['3', '4'])

    const none = await listDeadLetters(f.config, { topics, reason: 'nothing like this', limit: 3, ...TIMEOUT })
    expect(none).toMatchObject({ total: 0, groups: [] })
    expect(formatListing(none, 'nothing like this')).toContain('no dead-lettered records matching "nothing like this"')
  })

  it('reports missing dead-letter topics as empty, not as an error', async () => {
    const config = configFor(`${uniqueName('dlq-none')}-`)
    const listing = await listDeadLetters(config, { topics: allDeadLetterTopics(config.kafka.topicPrefix), limit: 3, ...TIMEOUT })
    expect(listing.total).toBe(0)
    expect(listing.groups).toEqual([])
    expect(listing.topics.every((t) => !t.exists && t.records === 0)).toBe(true)
    const text = formatListing(listing, undefined)
    expect(text).toContain('no dead-lettered records')
    expect(text).toContain(`${config.kafka.topicPrefix}users.dlq: does not exist`)
  })

  it('shows one record in full: headers, key and the original value bytes', async () => {
    const listed = recordWithKey(all, '900')
    const record = await findDeadLetter(f.config, listed, TIMEOUT)
    const sent = f.sent.get('900') as SideRecord
    expect(record?.key?.equals(sent.key as Buffer)).toBe(true)
    expect(record?.value?.equals(sent.value as Buffer)).toBe(true)
    expect(record?.headers).toEqual(sent.headers)
    expect(describeDeadLetter(record as NonNullable<typeof record>)).toMatchObject({
      topic: f.users.dlq, partition: listed.partition, offset: listed.offset, key: '900', json: { user_id: 900, birth_year: 1980 }
    })
    const text = formatDeadLetter(record as NonNullable<typeof record>)
    expect(text).toContain(`  ${Headers.reason}: users 900 already exists with different content (birth_year)`)
    expect(text).toContain('  "birth_year": 1980,') // pretty-printed JSON
  })

  it('finds no record past the end of a partition, on a partition that does not exist, or on a missing topic', async () => {
    const listed = recordWithKey(all, '900')
    expect(await findDeadLetter(f.config, { ...listed, offset: listed.offset + 1000 }, TIMEOUT)).toBeUndefined()
    expect(await findDeadLetter(f.config, { ...listed, partition: 99 }, TIMEOUT)).toBeUndefined()
    expect(await findDeadLetter(f.config, { ...listed, topic: `${uniqueName('dlq-none')}-users.dlq` }, TIMEOUT)).toBeUndefined()
  })
})

describe('dlq replay', () => {
  it('replays the chosen records to their original topic with key and value unchanged, and a second run replays nothing', async () => {
    const f = await deadLetterFixture()
    const topics = allDeadLetterTopics(f.config.kafka.topicPrefix)
    const progress: Array<[number, number]> = []
    const first = await replayDeadLetters(f.config, { topics, reason: 'already exists', onProgress: (done, total) => progress.push([done, total]), ...TIMEOUT })
    expect(first).toMatchObject({ dryRun: false, replayed: 2, skipped: 0, topics: [{ topic: f.users.dlq, replayed: 2, skipped: 0, targets: { [f.users.main]: 2 } }] })
    expect(progress.at(-1)).toEqual([2, 2])

    const copies = await readTopic(f.config, f.users.main, 2, 30_000)
    expect(copies.map((c) => c.key).sort()).toEqual(['900', '901'])
    for (const copy of copies) {
      const sent = f.sent.get(copy.key) as SideRecord
      expect(copy.value).toBe(sent.value?.toString())
      const origin = first.records.find((r) => r.topic === f.users.dlq && copy.headers[REPLAYED_FROM_HEADER] === `${r.topic}:${r.partition}:${r.offset}`)
      expect(origin, JSON.stringify(copy.headers)).toBeDefined()
      expect(Object.keys(copy.headers)).toEqual([REPLAYED_FROM_HEADER])
    }
    expect(await recordCount(f.config, f.users.main)).toBe(2)

    // The ledger holds one record per replayed offset.
    const [ledger] = await readDeadLetters(f.config, [ledgerTopicOf(f.users.dlq)], TIMEOUT)
    expect(ledger?.records.map((r) => r.key?.toString()).sort()).toEqual(first.records.map((r) => `${r.partition}:${r.offset}`).sort())

    const second = await replayDeadLetters(f.config, { topics, reason: 'already exists', ...TIMEOUT })
    expect(second).toMatchObject({ replayed: 0, skipped: 2 })
    expect(second.records.every((r) => r.alreadyReplayed)).toBe(true)
    expect(formatReplay(second)).toContain('replayed 0 records, skipped 2 already replayed')
    expect(await recordCount(f.config, f.users.main)).toBe(2)

    // Everything now: only the three not replayed yet; the poison record, without origin headers, goes to its main topic.
    const rest = await replayDeadLetters(f.config, { topics, ...TIMEOUT })
    expect(rest).toMatchObject({ replayed: 3, skipped: 2 })
    expect(rest.records.find((r) => r.topic === f.users.dlq && !r.alreadyReplayed)?.target).toBe(f.users.main)
    expect(await recordCount(f.config, f.users.main)).toBe(3)
    expect(await recordCount(f.config, f.coupons.main)).toBe(2)
  })

  it('with dryRun reports what it would replay and produces nothing, not even a ledger', async () => {
    const f = await deadLetterFixture()
    const summary = await replayDeadLetters(f.config, { topics: allDeadLetterTopics(f.config.kafka.topicPrefix), dryRun: true, ...TIMEOUT })
    expect(summary).toMatchObject({ dryRun: true, replayed: 5, skipped: 0 })
    expect(formatReplay(summary)).toContain('dry run: would replay 5 records')
    expect(await recordCount(f.config, f.users.main)).toBe(0)
    expect(await recordCount(f.config, f.coupons.main)).toBe(0)
    expect(await topicExists(f.config, ledgerTopicOf(f.users.dlq))).toBe(false)
  })

  it('replays only the records at the given offsets, and refuses offsets that hold no record before producing anything', async () => {
    const f = await deadLetterFixture()
    const listing = await listDeadLetters(f.config, { topics: [f.users.dlq], limit: 3, ...TIMEOUT })
    const poison = recordWithKey(listing, 'k')
    const missing = { topic: f.users.dlq, partition: poison.partition, offset: poison.offset + 1000 }
    await expect(replayDeadLetters(f.config, { topics: [f.users.dlq], positions: [poison, missing], ...TIMEOUT }))
      .rejects.toBeInstanceOf(DeadLetterNotFoundError)
    expect(await recordCount(f.config, f.users.main)).toBe(0)

    const summary = await replayDeadLetters(f.config, { topics: [f.users.dlq], positions: [poison, poison], ...TIMEOUT })
    expect(summary.records).toEqual([{ topic: f.users.dlq, partition: poison.partition, offset: poison.offset, target: f.users.main, alreadyReplayed: false }])
    const [copy] = await readTopic(f.config, f.users.main, 1, 30_000)
    expect(copy).toMatchObject({ key: 'k', value: 'not json at all' })
    expect(await recordCount(f.config, f.users.main)).toBe(1)
  })
})
