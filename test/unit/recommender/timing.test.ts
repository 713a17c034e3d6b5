// Timing learnt from bettors' lead times (src/recommender/algorithms/timing.ts).
import { describe, expect, it } from 'vitest'
import { HORIZON_MICROS, leadHours, leadTimeCdf, MAX_LEAD_HOURS, timingWeight } from '../../../src/recommender/algorithms/timing.ts'
import { MICROS_PER_DAY, MICROS_PER_HOUR } from '../../../src/recommender/decay.ts'

describe('timing', () => {
  it('keeps lead times in whole hours from 0 (in play) to 60 days', () => {
    expect(leadHours(5 * MICROS_PER_HOUR + 1, 0)).toBe(5)
    expect(leadHours(0, 10)).toBe(0)
    expect(leadHours(400 * MICROS_PER_DAY, 0)).toBe(MAX_LEAD_HOURS)
  })

  it('weighs an event by the share of its bets that fall in the coming week', () => {
    // Every bet placed 24 to 48 hours before kick-off.
    const weight = timingWeight(leadTimeCdf([{ hours: 24, bets: 10 }, { hours: 47, bets: 10 }]), 0)
    const inHours = weight(3 * MICROS_PER_HOUR)
    const inThreeDays = weight(3 * MICROS_PER_DAY)
    const inTwoWeeks = weight(14 * MICROS_PER_DAY)
    expect(inThreeDays).toBeCloseTo(1.05)
    expect(inHours).toBeCloseTo(0.05)
    expect(inTwoWeeks).toBeCloseTo(0.05)
    expect(weight(HORIZON_MICROS + 30 * MICROS_PER_HOUR)).toBeCloseTo(0.55)
  })

  it('prefers sooner events when no lead time is known yet', () => {
    const weight = timingWeight(leadTimeCdf([]), 0)
    expect(weight(MICROS_PER_HOUR)).toBeGreaterThan(weight(5 * MICROS_PER_DAY))
  })
})
