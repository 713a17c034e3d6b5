// When an event is likely to be bet: learnt from how long before kick-off the platform's bettors place
// their selections (lead times), not assumed. A recommendation is for the coming week, so an event's
// timing weight is the share of its bets that would fall in that week: F(Δ) − F(Δ − week), with F the lead
// times' distribution and Δ the time to kick-off. An event starting in an hour has little of its betting
// left; one a few days away has most of it ahead; one a month away has little of it this week.
import { MICROS_PER_DAY, MICROS_PER_HOUR } from '../decay.ts'
import { soonness } from './scored.ts'

/** The horizon of a recommendation: what the user is likely to bet on in the coming week. */
export const HORIZON_MICROS = 7 * MICROS_PER_DAY
/** Lead times are kept per hour up to 60 days; longer ones count as 60 days. */
export const MAX_LEAD_HOURS = 24 * 60

export interface LeadTimes { hours: number, bets: number }

/** The whole hours between a coupon and its event's kick-off, in [0, MAX_LEAD_HOURS] (in play: 0). */
export function leadHours (begin: number, placedAt: number): number {
  return Math.min(MAX_LEAD_HOURS, Math.max(0, Math.floor((begin - placedAt) / MICROS_PER_HOUR)))
}

/** cumulative[h]: the share of bets placed less than h + 1 hours before kick-off; undefined: no bets yet. */
export type LeadTimeCdf = Float64Array | undefined

export function leadTimeCdf (rows: readonly LeadTimes[]): LeadTimeCdf {
  const total = rows.reduce((sum, r) => sum + r.bets, 0)
  if (total === 0) return undefined
  const cumulative = new Float64Array(MAX_LEAD_HOURS + 1)
  for (const r of rows) cumulative[Math.min(MAX_LEAD_HOURS, r.hours)] += r.bets / total
  for (let h = 1; h <= MAX_LEAD_HOURS; h++) cumulative[h] = (cumulative[h] as number) + (cumulative[h - 1] as number)
  return cumulative
}

/**
 * The timing weight of an event beginning at `begin`, seen at `now`. Without any lead times yet it falls
 * back to a plain preference for sooner events.
 */
export function timingWeight (cumulative: LeadTimeCdf, now: number): (begin: number) => number {
  if (cumulative === undefined) return (begin) => soonness(begin, now)
  const cdf = (micros: number) => micros < 0 ? 0 : cumulative[Math.min(MAX_LEAD_HOURS, Math.floor(micros / MICROS_PER_HOUR))] as number
  // A small floor keeps every open event rankable by taste when the data says it is unlikely this week.
  return (begin) => {
    const ahead = Math.max(0, begin - now)
    return 0.05 + cdf(ahead) - cdf(ahead - HORIZON_MICROS)
  }
}
