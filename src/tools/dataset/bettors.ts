// Who bets on what, as latent structure for generated coupons: each bettor has a favourite sport (and maybe
// more), a home league when their country has one, other leagues they follow, sometimes favourite teams,
// a taste for big games or not, a coupon style (singles, doubles, accumulators), an activity level, and for
// some a change of taste part-way through (drift).
import type { Random } from './random.ts'
import { normal, pick, weighted } from './random.ts'
import { teamPopularity, type Sport } from './world.ts'

export interface Taste {
  sports: number[]
  sportWeights: number[]
  /** Preferred leagues per sport index, with weights. */
  leagues: Map<number, { ids: number[], weights: number[] }>
  /** Favourite teams as `sport|name`. */
  teams: Set<string>
}

export interface Bettor {
  taste: Taste
  /** From this instant (epoch ms) on, the bettor follows `drifted` instead. */
  driftAtMs: number
  drifted: Taste
  bigGames: boolean
  /** Weights of 1 to 5 selections per coupon. */
  legs: readonly number[]
  activity: number
}

const STYLES: ReadonlyArray<readonly number[]> = [
  [70, 20, 7, 2, 1], // singles
  [30, 35, 20, 10, 5], // doubles and trebles
  [5, 10, 25, 30, 30] // accumulators
]
const STYLE_SHARES = [45, 35, 20]
const SPORT_WEIGHTS = [1, 0.35, 0.15]
const LEAGUE_WEIGHTS = [1, 0.5, 0.3]
const DRIFT_SHARE = 0.15

export const teamKey = (sport: number, name: string): string => `${sport}|${name}`

/** How popular a league is within its sport: the first (real, big) leagues most. */
const leaguePopularity = (index: number): number => 1 / (1 + index) ** 0.9

function drawTaste (random: Random, sports: readonly Sport[], country: string): Taste {
  const homeBonus = sports.map((s) => s.leagues.some((l) => l.country === country) ? 2 : 1)
  const sportDraw = sports.map((s, i) => s.weight * (homeBonus[i] as number))
  const chosen: number[] = []
  const count = random() < 0.15 ? 3 : random() < 0.45 ? 2 : 1
  for (let k = 0; k < count * 3 && chosen.length < count; k++) {
    const s = weighted(random, sportDraw)
    if (!chosen.includes(s)) chosen.push(s)
  }
  const leagues = new Map<number, { ids: number[], weights: number[] }>()
  const teams = new Set<string>()
  for (const [rank, s] of chosen.entries()) {
    const sport = sports[s] as Sport
    const ids: number[] = []
    const home = sport.leagues.findIndex((l) => l.country === country)
    if (home >= 0 && random() < 0.7) ids.push(home)
    const wanted = 1 + Math.floor(random() * 3)
    const popularity = sport.leagues.map((_, i) => leaguePopularity(i))
    for (let k = 0; k < wanted * 3 && ids.length < wanted; k++) {
      const l = weighted(random, popularity)
      if (!ids.includes(l)) ids.push(l)
    }
    leagues.set(s, { ids, weights: ids.map((_, i) => LEAGUE_WEIGHTS[i] ?? 0.2) })
    // Favourite teams, mostly in the favourite sport's first league.
    const teamChance = rank === 0 ? 0.65 : 0.25
    if (random() < teamChance) {
      const league = sport.leagues[ids[0] as number]
      if (league !== undefined) {
        const t = weighted(random, league.teams.map((_, i) => teamPopularity(i)))
        teams.add(teamKey(s, league.teams[t] as string))
        if (random() < 0.3) teams.add(teamKey(s, pick(random, league.teams)))
      }
    }
  }
  return { sports: chosen, sportWeights: chosen.map((_, i) => SPORT_WEIGHTS[i] as number), leagues, teams }
}

export function drawBettor (random: Random, sports: readonly Sport[], country: string, fromMs: number, toMs: number): Bettor {
  const taste = drawTaste(random, sports, country)
  const drifts = random() < DRIFT_SHARE
  return {
    taste,
    driftAtMs: drifts ? fromMs + random() * (toMs - fromMs) : Number.POSITIVE_INFINITY,
    drifted: drifts ? drawTaste(random, sports, country) : taste,
    bigGames: random() < 0.25,
    legs: STYLES[weighted(random, STYLE_SHARES)] as readonly number[],
    activity: Math.exp(normal(random))
  }
}
