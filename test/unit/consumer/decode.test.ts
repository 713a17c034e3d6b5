// decodeRecord: which bytes on a topic become a record for the API, and the reason given for the others.
import { describe, expect, it } from 'vitest'
import { decodeRecord } from '../../../src/consumer/decode.ts'
import { referenceEnvelope } from '../../helpers/reference-wire.ts'

const decode = (text: string | undefined, entity: 'users' | 'events' | 'coupons' = 'users') =>
  decodeRecord(text === undefined ? undefined : Buffer.from(text, 'utf8'), entity)
const user = { id: 1, birth_year: 1990, country: 'GB', currency: 'EUR', gender: 'M' }

describe('decodeRecord', () => {
  it('passes a JSON object through, and unwraps the seed\'s create envelope with data as JSON text or an object', () => {
    expect(decode(JSON.stringify(user))).toEqual({ ok: true, value: user, target: 'users' })
    expect(decode(JSON.stringify({ op: 'create', data: JSON.stringify(user) }))).toEqual({ ok: true, value: user, target: 'users' })
    expect(decode(JSON.stringify({ op: 'CREATE', data: user }))).toEqual({ ok: true, value: user, target: 'users' })
  })

  it('unwraps the reference producers\' envelope: op names the topic\'s entity, any case, data as text or object', () => {
    const { id: _id, ...withoutId } = user
    expect(decode(referenceEnvelope('users', withoutId))).toEqual({ ok: true, value: withoutId, target: 'users' })
    expect(decode(JSON.stringify({ op: 'Users', data: user }))).toEqual({ ok: true, value: user, target: 'users' })
    expect(decode(JSON.stringify({ op: 'EVENTS', data: { id: 3 } }), 'events')).toEqual({ ok: true, value: { id: 3 }, target: 'events' })
    expect(decode(referenceEnvelope('coupons', { user_id: 1 }), 'coupons')).toEqual({ ok: true, value: { user_id: 1 }, target: 'coupons' })
  })

  it('sends a responsible-gambling change on the users topic to its own endpoint, and refuses one on another topic', () => {
    const change = { user_id: 1, marketing_opt_out: true, change_id: 9 }
    expect(decode(JSON.stringify({ op: 'responsible_gambling', data: change }))).toEqual({ ok: true, value: change, target: 'responsible-gambling' })
    expect(decode(JSON.stringify({ op: 'responsible_gambling', data: change }), 'coupons')).toEqual({
      ok: false, reason: 'a responsible-gambling change arrived on the coupons topic (only the users topic carries them)'
    })
  })

  it('refuses an envelope whose op names another entity than its topic, saying so', () => {
    const decoded = decode(referenceEnvelope('events', { id: 3 }), 'users')
    expect(decoded).toEqual({ ok: false, reason: 'envelope for another entity: op "events" arrived on the users topic' })
  })

  it.each([
    [undefined, 'empty record'],
    ['', 'empty record'],
    ['not json', 'not JSON'],
    ['{"id": 1,', 'not JSON'],
    ['null', 'not a JSON object'],
    ['[{"id": 1}]', 'not a JSON object'],
    ['"text"', 'not a JSON object'],
    [JSON.stringify({ op: 'delete', data: JSON.stringify(user) }), 'unknown envelope: op "delete"'],
    [JSON.stringify({ op: 7, data: user }), 'unknown envelope: op 7'],
    [JSON.stringify({ op: 'create', data: 42 }), 'unknown envelope: data is neither'],
    [JSON.stringify({ op: 'users', data: [user] }), 'unknown envelope: data is neither'],
    [JSON.stringify({ op: 'create', data: null }), 'unknown envelope: data is neither'],
    [JSON.stringify({ op: 'create', data: '{"id": 1' }), 'envelope data: not JSON'],
    [JSON.stringify({ op: 'users', data: '[1]' }), 'envelope data: not a JSON object'],
    [JSON.stringify({ op: 'create', data: { op: 'users', data: user } }), 'unknown envelope: data is itself an envelope']
  ])('refuses %j: %s', (text, reason) => {
    const decoded = decode(text)
    expect(decoded.ok).toBe(false)
    if (!decoded.ok) expect(decoded.reason).toContain(reason)
  })
})
