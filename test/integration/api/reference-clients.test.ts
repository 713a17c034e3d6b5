// A client written against the reference API keeps working: its trailing-slash paths, negative path ids
// answered 404, an integer recommendation id, the root answer, and `limit` optional in the OpenAPI document.
import { describe, expect, it } from 'vitest'
import { useTestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { couponBody, create, eventBody, userBody } from '../../helpers/records.ts'

describe.each(dialects)('reference clients on %s', (dialect) => {
  const t = useTestApi(dialect)

  it('answers every route at its trailing-slash form, as the reference\'s tests post to /users/ and /events/', async () => {
    const user = await t.client.post('/users/', userBody())
    expect(user.status).toBe(200)
    const event = await t.client.post('/events/?gen_recommendations=False', eventBody())
    expect(event.status).toBe(200)
    const coupon = await t.client.post('/coupons/', couponBody(user.body.id, [event.body.id]))
    expect(coupon.status).toBe(200)
    expect((await t.client.get(`/users/${user.body.id as number}/`)).body.id).toBe(user.body.id)
    expect((await t.client.get(`/coupons/user/${user.body.id as number}/`)).body).toHaveLength(1)
    expect((await t.client.get(`/recommendation/${user.body.id as number}/`)).status).toBe(200)
  })

  it.each([
    ['/users/-10', 'User not found'],
    ['/events/-1', 'Event not found'],
    ['/coupons/-1', 'Coupon not found'],
    ['/coupons/user/-3', 'User not found'],
    ['/recommendation/-7', 'User not found']
  ])('answers the negative id in GET %s with 404 %j', async (path, detail) => {
    const res = await t.client.get(path)
    expect(res.status).toBe(404)
    expect(res.body.detail).toBe(detail)
  })

  it('still refuses a negative id in a body with 422', async () => {
    const res = await t.client.post('/users', userBody({ id: -10 }))
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('body.id')
  })

  it('gives the recommendation an integer id that names its content', async () => {
    const user = await create(t.client, 'users', userBody())
    const [first] = (await t.client.get(`/recommendation/${user.id}`)).body
    expect(Number.isSafeInteger(first.id)).toBe(true)
    expect((await t.client.get(`/recommendation/${user.id}`)).body[0].id).toBe(first.id)
    await create(t.client, 'events', eventBody())
    expect((await t.client.get(`/recommendation/${user.id}`)).body[0].id).not.toBe(first.id)
  })

  it('answers GET / with the service and a link to the docs', async () => {
    const res = await t.client.get('/')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ docs: '/docs' })
    expect(res.body.service).toContain('API')
  })

  it('documents limit of GET /recommendation/{user_id} as optional, and gen_recommendations only on /events', async () => {
    const doc = (await t.client.get('/openapi.json')).body
    const limit = doc.paths['/recommendation/{user_id}'].get.parameters.find((p: { name: string }) => p.name === 'limit')
    expect(limit.required).not.toBe(true)
    const names = (path: string) => (doc.paths[path].post.parameters ?? []).map((p: { name: string }) => p.name)
    expect(names('/events')).toContain('gen_recommendations')
    expect(names('/users')).not.toContain('gen_recommendations')
    expect(names('/coupons')).not.toContain('gen_recommendations')
  })
})
