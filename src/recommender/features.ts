// What an event is made of, as far as taste goes: its sport, its league and its participants. These are
// the signals every sportsbook has. A league is keyed by sport, country and name (league names repeat
// across countries: Premier League, Super League); a participant by sport and name (a club's football and
// basketball teams are different bets). Keys are case- and space-folded, so feeds that spell a name
// slightly differently still meet.

export type FeatureKind = 'sport' | 'league' | 'team'

export interface Feature { key: string, kind: FeatureKind, label: string }

/** The per-user row that counts all of a user's coupons (the denominator of every share). */
export const ALL_COUPONS = 'all'

/**
 * The per-user row of one event the user bet on (`bet:<event id>`): not a feature of taste (no kind, so no
 * share is ranked by it), but it keeps the user's bets in the profile's one range scan, where a GET reads
 * them to leave them out, instead of joining every coupon of the user to its selections.
 */
const BET_PREFIX = 'bet:'
export const betKey = (eventId: number): string => `${BET_PREFIX}${eventId}`

/** The event id of a bet row's key, or undefined for any other row. */
export function betEventOf (key: string): number | undefined {
  return key.startsWith(BET_PREFIX) ? Number(key.slice(BET_PREFIX.length)) : undefined
}

/** The kinds an event has one of; team rows are one per participant. */
export const FEATURE_KINDS: readonly FeatureKind[] = ['sport', 'league', 'team']

export interface EventFacts { sport: string, country: string, league: string, participants: readonly string[] }

const fold = (text: string): string => text.trim().toLowerCase().replace(/\s+/g, ' ')

function sportKey (sport: string): string {
  return `sport:${fold(sport)}`
}

export function leagueKey (event: Pick<EventFacts, 'sport' | 'country' | 'league'>): string {
  return `league:${fold(event.sport)}|${fold(event.country)}|${fold(event.league)}`
}

/** The event's features: one sport, one league and one per distinct participant. */
export function eventFeatures (event: EventFacts): Feature[] {
  const features: Feature[] = [
    { key: sportKey(event.sport), kind: 'sport', label: event.sport },
    { key: leagueKey(event), kind: 'league', label: `${event.league} (${event.country})` }
  ]
  const seen = new Set<string>()
  for (const name of event.participants) {
    const key = `team:${fold(event.sport)}|${fold(name)}`
    if (seen.has(key)) continue
    seen.add(key)
    features.push({ key, kind: 'team', label: name })
  }
  return features
}

export function kindOf (key: string): FeatureKind | undefined {
  const kind = key.slice(0, key.indexOf(':'))
  return (FEATURE_KINDS as readonly string[]).includes(kind) ? kind as FeatureKind : undefined
}

/** The sport key a league or team key belongs to (`league:football|uk|premier league` -> `sport:football`). */
export function sportOfKey (key: string): string {
  const body = key.slice(key.indexOf(':') + 1)
  return `sport:${body.slice(0, body.indexOf('|') < 0 ? body.length : body.indexOf('|'))}`
}

/** How an event is named in an explanation: "Arsenal v Chelsea". */
export function eventTitle (event: Pick<EventFacts, 'participants'>): string {
  return event.participants.join(' v ')
}
