// createApiInstances: which API instance a delivery tries next. Round-robin over those that answer, a
// failed one skipped for the cool-down, then tried by one delivery at a time; with every instance down the
// first try of each delivery still gets one, so the worker's backoff paces the attempts as with one API.
import { describe, expect, it } from 'vitest'
import { createApiInstances, type ApiInstances } from '../../../src/consumer/api-instances.ts'

const A = 'http://a:8098'
const B = 'http://b:8098'
const C = 'http://c:8098'
const COOL_DOWN = 5000
const NOW = 1_800_000_000_000
const none: ReadonlySet<string> = new Set()

/** The instances a delivery would try, in order, if each of them failed (nothing is marked failed). */
function firstPicks (instances: ApiInstances, deliveries: number, now = NOW): string[] {
  return Array.from({ length: deliveries }, () => {
    const url = instances.pick(now, none) as string
    instances.released(url)
    return url
  })
}

describe('createApiInstances', () => {
  it('spreads deliveries round-robin over the instances', () => {
    expect(firstPicks(createApiInstances([A, B, C], COOL_DOWN), 6)).toEqual([A, B, C, A, B, C])
  })

  it('with a single instance, always picks it, even while it is down and on trial', () => {
    const instances = createApiInstances([A], COOL_DOWN)
    expect(instances.pick(NOW, none)).toBe(A)
    instances.failed(A, 'connect ECONNREFUSED', NOW)
    expect(instances.pick(NOW + 1, none)).toBe(A)
    expect(instances.pick(NOW + COOL_DOWN, none)).toBe(A)
    // A second delivery during the first one's trial is not held back: there is nowhere else to go.
    expect(instances.pick(NOW + COOL_DOWN, none)).toBe(A)
    // Tried once in a delivery: that delivery has failed, and the worker backs off.
    expect(instances.pick(NOW + 1, new Set([A]))).toBeUndefined()
  })

  it('sends the same delivery to the next instance when one fails, and none after all failed', () => {
    const instances = createApiInstances([A, B, C], COOL_DOWN)
    const tried = new Set<string>()
    const first = instances.pick(NOW, tried) as string
    tried.add(first)
    instances.failed(first, 'down', NOW)
    const second = instances.pick(NOW, tried) as string
    expect(second).not.toBe(first)
    tried.add(second)
    instances.failed(second, 'down', NOW)
    const third = instances.pick(NOW, tried) as string
    expect([first, second, third].sort()).toEqual([A, B, C])
    tried.add(third)
    instances.failed(third, 'down', NOW)
    expect(instances.pick(NOW, tried)).toBeUndefined()
  })

  it('skips a failed instance until its cool-down is over', () => {
    const instances = createApiInstances([A, B, C], COOL_DOWN)
    expect(instances.failed(B, 'API at http://b:8098 answered 503', NOW)).toBe(true)
    expect(firstPicks(instances, 4, NOW + COOL_DOWN - 1)).toEqual([A, C, A, C])
    expect(new Set(firstPicks(instances, 3, NOW + COOL_DOWN))).toEqual(new Set([A, B, C]))
  })

  it('lets one delivery at a time try an instance whose cool-down is over, until it answers', () => {
    const instances = createApiInstances([A, B], COOL_DOWN)
    instances.failed(B, 'timeout', NOW)
    const later = NOW + COOL_DOWN
    const picks = [instances.pick(later, none), instances.pick(later, none), instances.pick(later, none)]
    // B is on trial with one of them; the others go to A meanwhile.
    expect(picks.filter((url) => url === B)).toHaveLength(1)
    expect(picks.filter((url) => url === A)).toHaveLength(2)
    expect(instances.succeeded(B)).toBe(true)
    expect(new Set(firstPicks(instances, 2, later))).toEqual(new Set([A, B]))
  })

  it('sends an instance that fails its trial back to the cool-down, counting its failures', () => {
    const instances = createApiInstances([A, B], COOL_DOWN)
    instances.failed(B, 'connect ECONNREFUSED', NOW)
    const later = NOW + COOL_DOWN
    let url = instances.pick(later, none)
    if (url !== B) url = instances.pick(later, none)
    expect(url).toBe(B)
    expect(instances.failed(B, 'connect ECONNREFUSED', later)).toBe(false)
    expect(firstPicks(instances, 3, later + COOL_DOWN - 1)).toEqual([A, A, A])
    expect(instances.report().find((r) => r.url === B)).toMatchObject({ state: 'down', failures: 2 })
  })

  it('frees a trial that ended without a verdict (an unexpected error)', () => {
    const instances = createApiInstances([A, B], COOL_DOWN)
    instances.failed(B, 'down', NOW)
    const later = NOW + COOL_DOWN
    const trial = [instances.pick(later, none), instances.pick(later, none)]
    expect(trial).toContain(B)
    // While B is on trial, only A is picked.
    expect(firstPicks(instances, 2, later)).toEqual([A, A])
    instances.released(B)
    expect(firstPicks(instances, 2, later)).toContain(B)
  })

  it('with every instance down, gives each delivery the one whose cool-down ends first, and no second', () => {
    const instances = createApiInstances([A, B, C], COOL_DOWN)
    instances.failed(A, 'down', NOW)
    instances.failed(B, 'down', NOW + 10)
    instances.failed(C, 'down', NOW + 20)
    expect(instances.pick(NOW + 30, none)).toBe(A)
    expect(instances.pick(NOW + 30, new Set([A]))).toBeUndefined()
    instances.failed(A, 'down', NOW + 30)
    expect(instances.pick(NOW + 40, none)).toBe(B)
  })

  it('reports each instance: up with its deliveries, or down with why and when it is tried again', () => {
    const instances = createApiInstances([A, B], COOL_DOWN)
    instances.succeeded(A)
    instances.succeeded(A)
    instances.succeeded(B)
    instances.failed(B, 'API unreachable at http://b:8098: connect ECONNREFUSED', NOW)
    expect(instances.report()).toEqual([
      { url: A, state: 'up', deliveries: 2, failures: 0, last_error: null, retry_at: null },
      {
        url: B,
        state: 'down',
        deliveries: 1,
        failures: 1,
        last_error: 'API unreachable at http://b:8098: connect ECONNREFUSED',
        retry_at: new Date(NOW + COOL_DOWN).toISOString()
      }
    ])
    expect(instances.succeeded(B)).toBe(true)
    expect(instances.report()[1]).toEqual({ url: B, state: 'up', deliveries: 2, failures: 0, last_error: null, retry_at: null })
  })

  it('needs at least one instance', () => {
    expect(() => createApiInstances([], COOL_DOWN)).toThrow(/at least one/)
  })
})
