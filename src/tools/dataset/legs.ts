// How a bettor builds a coupon: when they place it, and which fixtures they pick for its legs — a favourite
// team's next game, a fixture of one of their leagues by its appeal to them, now and then another league of
// their sport — among those starting in the next three days.
import { teamKey, type Bettor, type Taste } from './bettors.ts'
import { pick, weighted, type Random } from './random.ts'
import { DAY_MS, teamPopularity, type Fixture, type World } from './world.ts'

/** How far ahead of kick-off a bettor looks when building a coupon. */
export const HORIZON_MS = 3 * DAY_MS
/** Share of legs a bettor with favourite teams spends on one of their fixtures, when one is near. */
const FAVOURITE_TEAM_SHARE = 0.45
/** Share of legs outside the bettor's own leagues (still in their sports). */
const EXPLORE_SHARE = 0.2
/** More coupons go in before the weekend: Friday and Saturday weigh more (Sunday 0 .. Saturday 6). */
const WEEKDAY_WEIGHTS = [1.2, 0.8, 0.9, 0.9, 1, 1.4, 1.6]

/** Fixture indexes by league and by team, each in kick-off order, for a bettor's look at what is coming. */
export interface FixtureIndex { byLeague: Map<string, number[]>, byTeam: Map<string, number[]>, begins: number[] }

export function fixtureIndex (world: World): FixtureIndex {
  const byLeague = new Map<string, number[]>()
  const byTeam = new Map<string, number[]>()
  const push = (map: Map<string, number[]>, key: string, i: number) => {
    const list = map.get(key)
    if (list === undefined) map.set(key, [i])
    else list.push(i)
  }
  world.fixtures.forEach((f, i) => {
    const league = world.sports[f.sport]?.leagues[f.league]
    push(byLeague, `${f.sport}|${f.league}`, i)
    for (const team of [f.home, f.away]) push(byTeam, teamKey(f.sport, league?.teams[team] as string), i)
  })
  return { byLeague, byTeam, begins: world.fixtures.map((f) => f.beginMs) }
}

/** Indexes in `list` (kick-off order) of fixtures beginning in (from, to]. */
function window (list: readonly number[], begins: readonly number[], from: number, to: number): number[] {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((begins[list[mid] as number] as number) <= from) lo = mid + 1
    else hi = mid
  }
  const out: number[] = []
  for (let i = lo; i < list.length && (begins[list[i] as number] as number) <= to; i++) out.push(list[i] as number)
  return out
}

/** How much a bettor wants a fixture: big games (for those who like them), favourite teams, soon. */
function appeal (world: World, fixture: Fixture, bettor: Bettor, taste: Taste, placedMs: number): number {
  const teams = world.sports[fixture.sport]?.leagues[fixture.league]?.teams ?? []
  const size = teamPopularity(fixture.home) + teamPopularity(fixture.away)
  const favourite = taste.teams.has(teamKey(fixture.sport, teams[fixture.home] as string)) || taste.teams.has(teamKey(fixture.sport, teams[fixture.away] as string))
  const soon = 1 / (1 + (fixture.beginMs - placedMs) / DAY_MS)
  return (bettor.bigGames ? size ** 2 : size) * (favourite ? 6 : 1) * soon
}

export function chooseLeg (random: Random, world: World, index: FixtureIndex, bettor: Bettor, placedMs: number): number | undefined {
  const taste = placedMs >= bettor.driftAtMs ? bettor.drifted : bettor.taste
  const to = placedMs + HORIZON_MS
  const byAppeal = (candidates: number[]) => candidates.length === 0
    ? undefined
    : candidates[weighted(random, candidates.map((i) => appeal(world, world.fixtures[i] as Fixture, bettor, taste, placedMs)))]
  if (taste.teams.size > 0 && random() < FAVOURITE_TEAM_SHARE) {
    const team = pick(random, [...taste.teams])
    const next = window(index.byTeam.get(team) ?? [], index.begins, placedMs, to)
    if (next.length > 0) return next[0]
  }
  const sport = taste.sports[weighted(random, taste.sportWeights)] as number
  const own = taste.leagues.get(sport)
  const leagueCount = world.sports[sport]?.leagues.length ?? 0
  const league = own !== undefined && own.ids.length > 0 && random() >= EXPLORE_SHARE
    ? own.ids[weighted(random, own.weights)] as number
    : weighted(random, Array.from({ length: leagueCount }, (_, i) => 1 / (1 + i) ** 0.9))
  const inLeague = byAppeal(window(index.byLeague.get(`${sport}|${league}`) ?? [], index.begins, placedMs, to))
  if (inLeague !== undefined) return inLeague
  // Nothing in that league soon: any league of the sport.
  const inSport: number[] = []
  for (let l = 0; l < leagueCount; l++) inSport.push(...window(index.byLeague.get(`${sport}|${l}`) ?? [], index.begins, placedMs, to))
  return byAppeal(inSport)
}

/** A draw of a coupon's placing instant in [fromMs, toMs), more of them before weekends. */
export function placingTime (random: Random, fromMs: number, toMs: number): number {
  for (;;) {
    const t = fromMs + random() * (toMs - fromMs)
    if (random() * 1.6 < (WEEKDAY_WEIGHTS[new Date(t).getUTCDay()] as number)) return t
  }
}
