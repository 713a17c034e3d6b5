// The page's ingest rates: what was stored per second between two polls, over a sliding window.
import { describe, expect, it } from 'vitest'
import { RateHistory } from '../../../src/dashboard/page/rates.ts'

const counts = (users: number, events: number, coupons: number) => ({ users, events, coupons })

describe('RateHistory', () => {
  it('divides each count difference by the time between the polls', () => {
    const history = new RateHistory(60_000)
    expect(history.latest()).toBeUndefined()
    history.add(10_000, counts(100, 10, 0))
    history.add(12_000, counts(110, 10, 50))
    history.add(16_000, counts(130, 12, 50))
    expect(history.series()).toEqual({ times: [12, 16], rates: { users: [5, 5], events: [0, 0.5], coupons: [25, 0] } })
    expect(history.latest()).toEqual({ users: 5, events: 0.5, coupons: 0 })
  })

  it('treats a falling count as no ingest, not a negative one', () => {
    const history = new RateHistory(60_000)
    history.add(0, counts(10, 10, 10))
    history.add(1000, counts(0, 10, 12))
    expect(history.latest()).toEqual({ users: 0, events: 0, coupons: 2 })
  })

  it('keeps only the points inside the window', () => {
    const history = new RateHistory(10_000)
    for (let at = 0; at <= 30_000; at += 2000) history.add(at, counts(at / 1000, 0, 0))
    // The window is 20-30 s at the last poll: one point per poll in it, each from its predecessor.
    expect(history.series().times).toEqual([20, 22, 24, 26, 28, 30])
  })
})
