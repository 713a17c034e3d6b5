// route: where a delivered record goes next, case by case: stored, retried with a growing delay until the
// window is over, or dead-lettered with the reason, always keeping where the record first arrived.
import { describe, expect, it } from 'vitest'
import type { Outcome } from '../../../src/consumer/delivery.ts'
import { CONSUMER_DEFAULTS } from '../../../src/consumer/defaults.ts'
import { route, type RoutedRecord } from '../../../src/consumer/routing.ts'
import { Headers } from '../../../src/kafka/side-topics.ts'

const NOW = 1_800_000_000_000
const policy = { retryWindowMs: 60_000, retryDelayMs: 1000 }
const missing: Outcome = { kind: 'retry-later', status: 404, code: 'USER_NOT_FOUND', reason: 'User not found' }
const conflict: Outcome = { kind: 'refused', status: 409, code: 'CONFLICT', reason: 'User 3 already exists with different content (gender)' }

function record (headers: Record<string, string> = {}, topic = 'users'): RoutedRecord {
  return { topic, partition: 2, offset: 41n, header: (name) => headers[name] }
}

describe('route', () => {
  it('leaves a stored record where it is', () => {
    expect(route({ kind: 'stored' }, record(), NOW, policy)).toEqual({ to: 'stored' })
  })

  it('sends a record whose references are missing to the retry topic, due after the first delay, naming its origin', () => {
    expect(route(missing, record(), NOW, policy)).toEqual({
      to: 'retry',
      code: 'USER_NOT_FOUND',
      headers: {
        [Headers.originalTopic]: 'users',
        [Headers.originalPartition]: '2',
        [Headers.originalOffset]: '41',
        [Headers.firstAttemptAt]: String(NOW),
        [Headers.attempt]: '1',
        [Headers.notBefore]: String(NOW + 1000),
        [Headers.reason]: 'User not found'
      }
    })
  })

  it('doubles the delay per attempt up to the cap, and keeps the first attempt and the origin of a retried record', () => {
    const retried = record({
      [Headers.originalTopic]: 'users',
      [Headers.originalPartition]: '0',
      [Headers.originalOffset]: '7',
      [Headers.firstAttemptAt]: String(NOW - 10_000),
      [Headers.attempt]: '3'
    }, 'users.retry')
    const next = route(missing, retried, NOW, policy)
    expect(next).toMatchObject({ to: 'retry', headers: { [Headers.attempt]: '4', [Headers.notBefore]: String(NOW + 8000), [Headers.firstAttemptAt]: String(NOW - 10_000), [Headers.originalOffset]: '7' } })
    const late = route(missing, record({ [Headers.firstAttemptAt]: String(NOW - 1000), [Headers.attempt]: '20' }), NOW, policy)
    expect(late).toMatchObject({ to: 'retry', headers: { [Headers.notBefore]: String(NOW + CONSUMER_DEFAULTS.maxRetryDelayMs) } })
  })

  it('dead-letters a record still missing its references once the window is over, saying for how long it tried', () => {
    const next = route(missing, record({ [Headers.firstAttemptAt]: String(NOW - 60_000), [Headers.attempt]: '9' }, 'users.retry'), NOW, policy)
    expect(next).toMatchObject({ to: 'dead-letter', code: 'USER_NOT_FOUND', reason: 'User not found (still missing after retrying for 60 s)' })
    expect(next.to === 'dead-letter' && next.headers[Headers.status]).toBe('404')
  })

  it('dead-letters any other refusal at once, with its status, code and reason', () => {
    expect(route(conflict, record(), NOW, policy)).toEqual({
      to: 'dead-letter',
      code: 'CONFLICT',
      reason: conflict.reason,
      headers: {
        [Headers.originalTopic]: 'users',
        [Headers.originalPartition]: '2',
        [Headers.originalOffset]: '41',
        [Headers.reason]: conflict.reason,
        [Headers.status]: '409',
        [Headers.code]: 'CONFLICT'
      }
    })
  })

  it('dead-letters at once when the window is zero', () => {
    expect(route(missing, record(), NOW, { ...policy, retryWindowMs: 0 }).to).toBe('dead-letter')
  })
})
