// SPEC §Fixtures: the seed's data ingests unchanged, twice, refusing only coupon 42299's second version.
import { describe, expect, it } from 'vitest'
import { dialects } from '../../helpers/database.ts'
import { useTestApi, type SuiteApi } from '../../helpers/api.ts'
import { loadSeedFixture } from '../../helpers/fixture.ts'

describe.each(dialects)('seed fixture through the API on %s', (dialect) => {
  const t = useTestApi(dialect)

  async function uploadAll (): Promise<Array<{ entity: string, id: unknown, status: number, body: unknown }>> {
    const data = loadSeedFixture()
    const refusals = []
    for (const entity of ['users', 'events', 'coupons'] as const) {
      for (const record of data[entity]) {
        const res = await t.api.inject({ method: 'POST', url: `/${entity}`, payload: record })
        if (res.statusCode !== 200) refusals.push({ entity, id: record.coupon_id ?? record.user_id ?? record.event_id, status: res.statusCode, body: res.json() })
      }
    }
    return refusals
  }

  it('stores 101 users, 101 events and 100 coupons, refusing only coupon 42299 with 409', async () => {
    const refusals = await uploadAll()
    expect(refusals).toHaveLength(1)
    expect(refusals[0]).toMatchObject({ entity: 'coupons', id: 42299, status: 409 })
    expect(await t.db.database.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()).toEqual({ n: 101 })
    const counts = await countAll(t)
    expect(counts).toEqual({ users: 101, events: 101, coupons: 100 })
  })

  it('changes nothing when ingested again and refuses the same coupon', async () => {
    const selectionsBefore = await t.db.database.db.selectFrom('selections').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
    const refusals = await uploadAll()
    expect(refusals.map((r) => [r.entity, r.id, r.status])).toEqual([['coupons', 42299, 409]])
    expect(await countAll(t)).toEqual({ users: 101, events: 101, coupons: 100 })
    const selectionsAfter = await t.db.database.db.selectFrom('selections').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
    expect(Number(selectionsAfter.n)).toBe(Number(selectionsBefore.n))
  })

  it('recommends nothing today (all events ended) but open events as of 2024-04-10', async () => {
    const user = loadSeedFixture().users[0] as { user_id: number }
    const today = await t.api.inject({ url: `/recommendation/${user.user_id}` })
    expect(today.statusCode).toBe(200)
    expect(today.json()[0].events).toEqual([])
    const past = await t.api.inject({ url: `/recommendation/${user.user_id}?at=2024-04-10` })
    expect(past.statusCode).toBe(200)
    expect(past.json()[0].events.length).toBe(3)
  })
})

async function countAll (t: SuiteApi): Promise<Record<string, number>> {
  const db = t.db.database.db
  const count = async (table: 'users' | 'events' | 'coupons') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  return { users: await count('users'), events: await count('events'), coupons: await count('coupons') }
}
