// Redelivery races: the same record written many times at once (as consumers on several instances may)
// is stored once, every identical copy answers 200 with the same object, and different content gets 409.
import { beforeAll, describe, expect, it } from 'vitest'
import { useTestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { couponBody, create, eventBody, snapshotCounts, userBody } from '../../helpers/records.ts'

const COPIES = 20
const BASE = Date.UTC(2031, 0, 1)

describe.each(dialects)('concurrent writes on %s', (dialect) => {
  const t = useTestApi(dialect)
  beforeAll(async () => {
    await create(t.client, 'users', userBody({ id: 1 }))
    await create(t.client, 'events', eventBody({ id: 1 }, BASE))
  })

  it.each([
    ['users', userBody({ id: 10, registration_date: '2024-01-01T00:00:00Z' })],
    ['events', eventBody({ id: 10, participants: ['Race A', 'Race B'] }, BASE)],
    ['coupons', couponBody(1, [1, 1], { id: 10, timestamp: '2024-01-01T00:00:00Z' })]
  ] as const)('stores one of many identical %s written at once and answers all of them alike', async (entity, body) => {
    const before = await snapshotCounts(t.db.database.db)
    const answers = await Promise.all(Array.from({ length: COPIES }, () => t.client.post(`/${entity}`, body)))
    expect(answers.map((a) => a.status)).toEqual(Array(COPIES).fill(200))
    for (const answer of answers) expect(answer.body).toEqual(answers[0]?.body)
    const after = await snapshotCounts(t.db.database.db)
    expect(after[entity]).toBe((before[entity] as number) + 1)
    if (entity === 'coupons') expect(after.bet_count).toBe((before.bet_count as number) + 2)
  })

  it('lets exactly one of many different versions of an id win, and refuses the others with 409', async () => {
    const answers = await Promise.all(Array.from({ length: COPIES }, (_, i) => t.client.post('/coupons', couponBody(1, [1], { id: 20, stake: i + 1 }))))
    const statuses = answers.map((a) => a.status).sort()
    expect(statuses).toEqual([200, ...Array(COPIES - 1).fill(409)])
    const winner = answers.find((a) => a.status === 200)
    expect((await t.client.get('/coupons/20')).body).toEqual(winner?.body)
  })

  it('gives one participants_id to the same new list stored by many events at once', async () => {
    const answers = await Promise.all(Array.from({ length: COPIES }, () => t.client.post('/events', eventBody({ participants: ['Fresh X', 'Fresh Y'] }, BASE))))
    expect(answers.every((a) => a.status === 200)).toBe(true)
    expect(new Set(answers.map((a) => a.body.participants_id)).size).toBe(1)
  })

  it('counts every coupon of many written at once on the same events', async () => {
    const before = await snapshotCounts(t.db.database.db)
    const answers = await Promise.all(Array.from({ length: COPIES }, () => t.client.post('/coupons', couponBody(1, [1]))))
    expect(answers.every((a) => a.status === 200)).toBe(true)
    const after = await snapshotCounts(t.db.database.db)
    expect(after.bet_count).toBe((before.bet_count as number) + COPIES)
    const stats = await t.db.database.db.selectFrom('user_sport_stats').select('bets').where('user_id', '=', 1).executeTakeFirstOrThrow()
    const rebuilt = await t.client.post('/recommendation/generate')
    expect(rebuilt.status).toBe(200)
    const again = await t.db.database.db.selectFrom('user_sport_stats').select('bets').where('user_id', '=', 1).executeTakeFirstOrThrow()
    expect(again.bets).toBe(stats.bets)
  })
})
