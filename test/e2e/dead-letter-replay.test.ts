// The dead-letter tools on a whole pipeline: a record dead-lettered by a conflict, or by a user that did
// not arrive within the retry window, is listed, shown and replayed once its cause is fixed, and is then
// stored exactly once; replaying again changes nothing. The command line itself runs as a user runs it.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { Consumer } from '@platformatic/kafka'
import { afterEach, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config/config.ts'
import { findDeadLetter, listDeadLetters, replayDeadLetters, type Listing } from '../../src/kafka/dead-letters/index.ts'
import { entityTopics } from '../../src/kafka/topics.ts'
import { uniqueName } from '../helpers/database.ts'
import { kafkaBootstrap } from '../helpers/kafka.ts'
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.ts'
import { eventBody, userBody } from '../helpers/records.ts'

const ROOT = new URL('../../', import.meta.url).pathname
const PIPELINE_TEST_MS = 180_000

interface Run { code: number, stdout: string, stderr: string }

async function cli (env: Record<string, string>, ...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      // The child's configuration must not come from whatever the test runner's environment holds.
      env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env }
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number, stdout: string, stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** How many records a topic holds, from its end offsets. */
async function recordCount (config: Config, topic: string): Promise<number> {
  const consumer = new Consumer({ clientId: 'e2e-offsets', groupId: uniqueName('e2e-offsets'), bootstrapBrokers: config.kafka.bootstrapServers })
  try {
    return ((await consumer.listOffsets({ topics: [topic] })).get(topic) ?? []).reduce((n, end) => n + Number(end), 0)
  } finally {
    await consumer.close()
  }
}

async function get (p: Pipeline, url: string): Promise<{ status: number, body: any }> {
  const res = await p.api.inject({ url })
  return { status: res.statusCode, body: res.json() }
}

async function rowsWithId (p: Pipeline, table: 'users' | 'coupons', id: number): Promise<number> {
  const row = await p.db.database.db.selectFrom(table).where('id', '=', id).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Waits until the dead-letter topic holds `count` records and returns the listing. */
async function deadLettered (p: Pipeline, topic: string, count: number): Promise<Listing> {
  return eventually(() => listDeadLetters(p.config, { topics: [topic], limit: 3 }), (l) => l.total === count, 60_000)
}

/** What the pipeline's consumers committed for an entity's main topic, summed over batches. */
function delivered (p: Pipeline, entity: string): { records: number, stored: number, deadLettered: number } {
  const batches = p.batches.flat().filter((b) => b.entity === entity && b.summary.source === 'main')
  return {
    records: batches.reduce((n, b) => n + b.summary.records, 0),
    stored: batches.reduce((n, b) => n + b.summary.stored, 0),
    deadLettered: batches.reduce((n, b) => n + b.summary.deadLettered, 0)
  }
}

describe('dead-letter tools on a running pipeline', () => {
  let p: Pipeline | undefined
  afterEach(async () => {
    await p?.close()
    p = undefined
  })

  it('lists, shows and replays a record dead-lettered by a conflict after the conflict is resolved; it is stored exactly once', async () => {
    p = await startPipeline('sqlite')
    const pipeline = p
    const users = entityTopics(p.config.kafka.topicPrefix, 'users')
    expect((await p.post('/users', userBody({ user_id: 900 }))).status).toBe(202)
    await eventually(() => get(pipeline, '/users/900'), (r) => r.status === 200)
    expect((await p.post('/users', userBody({ user_id: 900, birth_year: 1980 }))).status).toBe(202)

    const listing = await deadLettered(p, users.dlq, 1)
    expect(listing.groups).toHaveLength(1)
    const [group] = listing.groups
    expect(group).toMatchObject({ code: 'CONFLICT', reason: 'User # already exists with different content (birth_year)', count: 1 })
    const listed = group?.records[0]
    expect(listed).toMatchObject({ key: '900', status: '409', original: { topic: users.main } })

    const shown = await findDeadLetter(p.config, listed as NonNullable<typeof listed>)
    expect(JSON.parse(shown?.value?.toString() ?? '{}')).toMatchObject({ user_id: 900, birth_year: 1980 })
    expect(shown?.headers['x-dlq-reason']).toBe('User 900 already exists with different content (birth_year)')

    // The operator's fix: the stored user was the wrong one; remove it so B's content can be stored.
    await p.db.database.db.deleteFrom('users').where('id', '=', 900).execute()
    expect((await get(p, '/users/900')).status).toBe(404)

    const position = { topic: users.dlq, partition: listed?.partition ?? -1, offset: listed?.offset ?? -1 }
    const replay = await replayDeadLetters(p.config, { topics: [users.dlq], positions: [position] })
    expect(replay).toMatchObject({ replayed: 1, skipped: 0, topics: [{ topic: users.dlq, targets: { [users.main]: 1 } }] })

    const stored = await eventually(() => get(pipeline, '/users/900'), (r) => r.status === 200 && r.body.birth_year === 1980)
    expect(stored.body).toMatchObject({ id: 900, birth_year: 1980 })
    expect(await rowsWithId(p, 'users', 900)).toBe(1)
    // A, B (dead-lettered) and B's replayed copy (stored): each delivered once.
    expect(await eventually(async () => delivered(pipeline, 'users'), (d) => d.records === 3)).toEqual({ records: 3, stored: 2, deadLettered: 1 })

    const again = await replayDeadLetters(p.config, { topics: [users.dlq], positions: [position] })
    expect(again).toMatchObject({ replayed: 0, skipped: 1 })
    expect(await recordCount(p.config, users.main)).toBe(3)
    expect((await listDeadLetters(p.config, { topics: [users.dlq], limit: 3 })).total).toBe(1)
    expect(await rowsWithId(p, 'users', 900)).toBe(1)
  }, PIPELINE_TEST_MS)

  it('replays a coupon dead-lettered because its user was missing beyond the retry window, once the user is posted', async () => {
    p = await startPipeline('sqlite', { RETRY_WINDOW_MS: 1500 })
    const pipeline = p
    const coupons = entityTopics(p.config.kafka.topicPrefix, 'coupons')
    expect((await p.post('/events', eventBody({ event_id: 1 }))).status).toBe(202)
    await eventually(() => get(pipeline, '/events/1'), (r) => r.status === 200)
    expect((await p.post('/coupons', { coupon_id: 3, user_id: 404, stake: 5, selections: [{ event_id: 1, odds: 2 }] })).status).toBe(202)

    const listing = await deadLettered(p, coupons.dlq, 1)
    expect(listing.groups[0]).toMatchObject({ code: 'USER_NOT_FOUND', reason: 'User not found (still missing after retrying for # s)', count: 1 })

    // Nothing to gain before the fix, and a dry run proves it would pick the coupon without producing it.
    const dryRun = await replayDeadLetters(p.config, { topics: [coupons.dlq], dryRun: true })
    expect(dryRun).toMatchObject({ dryRun: true, replayed: 1, skipped: 0 })
    expect(await recordCount(p.config, coupons.main)).toBe(1)

    expect((await p.post('/users', userBody({ user_id: 404 }))).status).toBe(202)
    await eventually(() => get(pipeline, '/users/404'), (r) => r.status === 200)

    const replay = await replayDeadLetters(p.config, { topics: [coupons.dlq], reason: 'user not found' })
    expect(replay).toMatchObject({ replayed: 1, skipped: 0 })
    const stored = await eventually(() => get(pipeline, '/coupons/3'), (r) => r.status === 200)
    expect(stored.body).toMatchObject({ id: 3, user_id: 404, stake: 5, selections: [{ event_id: 1, odds: 2 }] })
    expect(await rowsWithId(p, 'coupons', 3)).toBe(1)

    const again = await replayDeadLetters(p.config, { topics: [coupons.dlq] })
    expect(again).toMatchObject({ replayed: 0, skipped: 1 })
    expect(await recordCount(p.config, coupons.main)).toBe(2)
    expect((await listDeadLetters(p.config, { topics: [coupons.dlq], limit: 3 })).total).toBe(1)
    expect(await rowsWithId(p, 'coupons', 3)).toBe(1)
  }, PIPELINE_TEST_MS)

  it('runs as a command: dlq list --json and dlq show print the dead-lettered record, a missing one exits with 2', async () => {
    p = await startPipeline('sqlite')
    const pipeline = p
    const users = entityTopics(p.config.kafka.topicPrefix, 'users')
    await p.post('/users', userBody({ user_id: 5 }))
    await eventually(() => get(pipeline, '/users/5'), (r) => r.status === 200)
    await p.post('/users', userBody({ user_id: 5, country: 'IE' }))
    await deadLettered(p, users.dlq, 1)

    const env = { BOOTSTRAP_SERVER: kafkaBootstrap(), TOPIC_PREFIX: p.config.kafka.topicPrefix }
    const list = await cli(env, 'dlq', 'list', '--json')
    expect(list.code, list.stderr).toBe(0)
    const listing = JSON.parse(list.stdout) as Listing
    expect(listing.total).toBe(1)
    expect(listing.topics.find((t) => t.topic === users.dlq)).toEqual({ topic: users.dlq, exists: true, records: 1 })
    expect(listing.groups).toHaveLength(1)
    expect(listing.groups[0]).toMatchObject({ code: 'CONFLICT', count: 1, records: [{ topic: users.dlq, key: '5', original: { topic: users.main } }] })

    const { partition, offset } = listing.groups[0]?.records[0] ?? { partition: -1, offset: -1 }
    const [show, missing] = await Promise.all([
      cli(env, 'dlq', 'show', 'users', String(partition), String(offset), '--json'),
      cli(env, 'dlq', 'show', 'users', String(partition), String(offset + 1000))
    ])
    expect(show.code, show.stderr).toBe(0)
    expect(JSON.parse(show.stdout)).toMatchObject({ topic: users.dlq, partition, offset, key: '5', json: { user_id: 5, country: 'IE' } })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe(`dlq show: no record at ${users.dlq} partition ${partition} offset ${offset + 1000}.\n`)
  }, PIPELINE_TEST_MS)

  it('dlq --help lists the three sub-commands, and a bad option is a usage error with exit code 2', async () => {
    const [help, bad] = await Promise.all([cli({}, 'dlq', '--help'), cli({}, 'dlq', 'list', '--limit', 'many')])
    expect(help.code).toBe(0)
    for (const command of ['list [options]', 'show [options] <topic> <partition> <offset>', 'replay [options]']) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}${command.replace(/[[\]]/g, '\\$&')} `, 'm'))
    }
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^error: option '--limit <n>' argument 'many' is invalid\. expected a non-negative integer\.\n$/)
  })
})
