// Wires the repositories to the algorithms. A recommendation is computed when asked, from state kept up to
// date on every stored coupon, so it is always fresh and a GET costs a few indexed lookups whatever the
// number of users. Every path — each algorithm, live and `?at=`, bet-slip suggestions, related events —
// goes through `answer`, the one place that applies the user's responsible-gambling flags and turns
// chosen events into the answer.
import type { Config } from '../config/config.ts'
import type { AlgorithmName } from '../domain/algorithms.ts'
import type { Event } from '../domain/entities.ts'
import { eventNotFound, eventsMissing, userNotFound } from '../domain/errors.ts'
import { withholding, type GuardrailState, type Withholding } from '../domain/responsible-gambling.ts'
import type { Database } from '../storage/database.ts'
import { repositories } from '../storage/repositories/index.ts'
import { ShortCache } from './cache.ts'
import { contentId } from './content-id.ts'
import { EventCache } from './event-cache.ts'
import { algorithms, type FillSource, type Ranked } from './registry.ts'
import { featureCacheKey, RequestInputs, type RecommenderCaches } from './inputs.ts'
import { explain, type Reason, type ReasonDraft } from './reasons.ts'
import { rebuildState } from './rebuild.ts'
import { SlotFiller } from './slots.ts'
import { suggest, type Chosen } from './suggestions.ts'
import { StateTally } from './state.ts'

export type RecommendedEvent = Event & { reason: Reason }

/** What every path answers: the events, whether the user's own bets chose them, and why none were shown. */
export interface Answer {
  events: RecommendedEvent[]
  personalised: boolean
  withheld: 'self_excluded' | null
}

export interface RecommendationResult extends Answer {
  id: number
  user_id: number
  algorithm: AlgorithmName
  generated_at: number
}

export interface SlipResult extends Answer { algorithm: 'co-bet' }

export interface RecommendOptions { limit: number, at?: number, algorithm?: AlgorithmName }
export interface SlipRequest { userId?: number, eventIds: number[], limit: number }
export interface RelatedRequest { eventId: number, userId?: number, limit: number }

export type RecommendationPath = 'recommendation' | 'slip' | 'related'

/** Told of every answer (the API's /metrics): how long it took, and when the user's flags changed it. */
export interface RecommenderObserver {
  answered (path: RecommendationPath, algorithm: string, seconds: number): void
  withheld (reason: NonNullable<Withholding>, path: RecommendationPath): void
}

/** One read path as the gate sees it: whose, as of when, and how to choose events when nothing is withheld. */
interface PathRequest {
  path: RecommendationPath
  algorithm: string
  userId: number | undefined
  /** The user's flags when the path already read them (checking the user exists); otherwise the gate reads them. */
  guardrails?: GuardrailState
  at: number | undefined
  limit: number
  /** Whether the chosen events depend on the user's own bets (false: on what all bettors do). */
  personal: boolean
  /** Events never to show besides the user's own bets (the slip's own selections). */
  skip?: readonly number[]
  choose (inputs: RequestInputs): Promise<Chosen>
}

export interface AlgorithmInfo { name: AlgorithmName, description: string, default: boolean }

/** Leagues and participants whose upcoming events one API instance keeps at once. */
const FEATURE_CACHE_ENTRIES = 50_000
/** Sports whose soonest open events one API instance keeps at once. */
const SPORT_CACHE_ENTRIES = 1_000

export function recommendationService (database: Database, settings: Config['recommender'], observer?: RecommenderObserver) {
  const repos = repositories(database.db)
  const caches: RecommenderCaches = {
    trends: new ShortCache(settings.cacheMs),
    leadTimes: new ShortCache(settings.cacheMs),
    features: new ShortCache(settings.cacheMs, FEATURE_CACHE_ENTRIES),
    leaguePairs: new ShortCache(settings.cacheMs, FEATURE_CACHE_ENTRIES),
    maxEventDuration: new ShortCache(settings.cacheMs),
    sportEvents: new ShortCache(settings.cacheMs, SPORT_CACHE_ENTRIES),
    events: new EventCache(async (ids) => repos.events.findMany(ids))
  }

  /**
   * The one gate of every recommendation path. A user self-excluded at the instant asked gets no events;
   * one who opted out of marketing gets the cold-start list (most bet-on open events), not personalised;
   * everyone else gets what the path chooses. An algorithm is only ever reached through here.
   */
  /** The user's responsible-gambling flags; the lookup is also the check that the user exists. */
  async function guardrailsOf (userId: number): Promise<GuardrailState> {
    const guardrails = await repos.guardrails.ofUser(userId)
    if (guardrails === undefined) throw userNotFound()
    return guardrails
  }

  async function answer (request: PathRequest): Promise<Answer> {
    const started = performance.now()
    const result = await gate(request)
    observer?.answered(request.path, request.algorithm, (performance.now() - started) / 1000)
    return result
  }

  async function gate (request: PathRequest): Promise<Answer> {
    const now = request.at ?? Date.now() * 1000
    const inputs = new RequestInputs(repos, settings, caches, request.userId, now, request.at)
    let withheld: Withholding
    if (request.userId !== undefined) {
      // Every answer that is not withheld reads the user's bets (rows of their profile, live); reading them
      // alongside the flags saves a round trip to PostgreSQL. A withheld answer leaves the read unused (the
      // catch only keeps an unused failure from going unhandled; a later read still sees it).
      inputs.excluded().catch(() => undefined)
      withheld = withholding(request.guardrails ?? await guardrailsOf(request.userId), Date.now() * 1000, now)
    }
    if (withheld !== undefined) observer?.withheld(withheld, request.path)
    if (withheld === 'self_excluded') return { events: [], personalised: false, withheld }
    const chosen = withheld === 'marketing_opt_out'
      ? await fillSlots(inputs, [], request.limit, ['popular'], request.skip)
      : await request.choose(inputs)
    const events = chosen.map(({ event, reason }) => ({ ...event, reason: explain(reason, event) }))
    return { events, personalised: withheld === undefined && request.personal && request.userId !== undefined, withheld: null }
  }

  /** Fills the slots from the ranking, then from the fill sources in order; never the user's bets nor `skip`. */
  async function fillSlots (inputs: RequestInputs, ranked: readonly Ranked[], limit: number, fill: readonly FillSource[], skip: readonly number[] = []) {
    const excluded = await inputs.excluded()
    const slots = new SlotFiller<Event>(limit, skip.length === 0 ? excluded : new Set([...excluded, ...skip]), inputs.now)
    const reasons = new Map<number, ReasonDraft>()
    const offer = async (list: readonly Ranked[]) => {
      const wanted: Ranked[] = []
      const skipped = new Set(slots.skipped)
      for (const r of list) {
        if (wanted.length >= slots.remaining) break
        if (skipped.has(r.eventId) || reasons.has(r.eventId)) continue
        skipped.add(r.eventId)
        wanted.push(r)
      }
      const missing = wanted.filter((r) => r.event === undefined).map((r) => r.eventId)
      const fetched = await inputs.events(missing)
      const events: Event[] = []
      for (const r of wanted) {
        const event = r.event ?? fetched.get(r.eventId)
        if (event === undefined) continue
        events.push(event)
        if (!reasons.has(event.id)) reasons.set(event.id, r.reason)
      }
      slots.offer(events)
    }
    await offer(ranked)
    for (const source of fill) {
      if (slots.full) break
      if (source === 'sports') await offer(await algorithms.frequency.rank(inputs, limit + slots.chosen.length))
      else if (source === 'trending') await offer((await inputs.trends()).map((t) => ({ eventId: t.eventId, reason: { code: 'trending' } })))
      else {
        const popular = await repos.recommendations.popularOpenEvents(inputs.now, slots.remaining, inputs.at, slots.skipped)
        await offer(popular.map((event) => ({ eventId: event.id, event, reason: { code: 'popular' } })))
      }
    }
    return slots.chosen.map((event) => ({ event, reason: reasons.get(event.id) as ReasonDraft }))
  }

  async function recommend (userId: number, { limit, at, algorithm = settings.algorithm }: RecommendOptions): Promise<RecommendationResult> {
    const chosen = algorithms[algorithm]
    const result = await answer({
      path: 'recommendation',
      algorithm,
      userId,
      at,
      limit,
      personal: chosen.personal,
      choose: async (inputs) => fillSlots(inputs, await chosen.rank(inputs, limit), limit, chosen.fill)
    })
    const generatedAt = at ?? Date.now() * 1000
    return { id: contentId(algorithm, userId, result.events), user_id: userId, algorithm, generated_at: generatedAt, ...result }
  }

  /** Open events most often bet together with the slip's, not on it (nor, with a user, already bet by them). */
  async function slip ({ userId, eventIds, limit }: SlipRequest): Promise<SlipResult> {
    // The user is checked before the events, as a coupon's are; the flags read for it are the gate's.
    const guardrails = userId === undefined ? undefined : await guardrailsOf(userId)
    const ids = [...new Set(eventIds)]
    const slipEvents = await caches.events.findMany(ids)
    if (slipEvents.size !== ids.length) throw eventsMissing()
    return suggestions('slip', [...slipEvents.values()], userId, limit, guardrails)
  }

  async function related ({ eventId, userId, limit }: RelatedRequest): Promise<SlipResult> {
    const event = (await caches.events.findMany([eventId])).get(eventId)
    if (event === undefined) throw eventNotFound()
    return suggestions('related', [event], userId, limit)
  }

  async function suggestions (
    path: RecommendationPath, slipEvents: Event[], userId: number | undefined, limit: number, guardrails?: GuardrailState
  ): Promise<SlipResult> {
    const skip = slipEvents.map((e) => e.id)
    const result = await answer({
      path, algorithm: 'co-bet', userId, guardrails, at: undefined, limit, personal: true, skip, choose: async (inputs) => suggest(inputs, slipEvents, limit)
    })
    return { algorithm: 'co-bet', ...result }
  }

  function list (): AlgorithmInfo[] {
    return (Object.keys(algorithms) as AlgorithmName[]).map((name) => ({ name, description: algorithms[name].description, default: name === settings.algorithm }))
  }

  /** Rebuilds every algorithm's state (rebuild.ts) and forgets what the caches held; returns how many users there are. */
  async function generateAll (): Promise<number> {
    await rebuildState(database, settings)
    for (const cache of Object.values(caches)) cache.clear()
    return repos.users.count()
  }

  /** Rebuilds the state once when the database predates it (see migration 0004); true when it did. */
  async function rebuildIfStale (): Promise<boolean> {
    if (!(await repos.recommendations.stateIsStale())) return false
    await generateAll()
    return true
  }

  /** After a committed write: the sports, leagues and participants of new events have new upcoming events, and the longest event may be longer. */
  function committed (tally: StateTally): void {
    const features = tally.storedEventFeatures()
    for (const feature of features) caches.features.delete(featureCacheKey(feature))
    if (features.length === 0) return
    caches.maxEventDuration.delete('all')
    caches.sportEvents.clear()
  }

  return { recommend, slip, related, list, generateAll, rebuildIfStale, committed }
}

export type RecommendationService = ReturnType<typeof recommendationService>
