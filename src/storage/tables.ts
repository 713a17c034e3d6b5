// Table shapes for kysely: one interface per table gives the select, insert and update types.
import type { Generated } from 'kysely'

export interface UsersTable {
  id: number
  birth_year: number
  country: string
  currency: string
  gender: string
  registration_date: number
  /** 1 when the server filled registration_date (the client sent none): replays then skip comparing it. */
  registration_date_auto: number
}

export interface ParticipantsTable {
  id: Generated<number>
  /** The participant list as JSON text, in order. */
  names: string
  /** SHA-256 of `names`, unique, so a list is stored once (see participantsDigest). */
  names_digest: string
}

export interface EventsTable {
  id: number
  begin_ts: number
  end_ts: number
  country: string
  league: string
  sport: string
  participants_id: number
  /** Selections on this event across all coupons: the recommender's popularity, kept on write. */
  bet_count: Generated<number>
  /** Time-decayed selections on this event, as of trend_at (the trending algorithm). */
  trend: Generated<number>
  trend_at: Generated<number>
}

export interface CouponsTable {
  id: number
  user_id: number
  stake: number
  placed_at: number
  placed_at_auto: number
}

export interface SelectionsTable {
  coupon_id: number
  position: number
  event_id: number
  odds: number
}

/** Per user and sport: how many selections, and the newest coupon time: the recommender's incremental state. */
export interface UserSportStatsTable {
  user_id: number
  sport: string
  bets: number
  last_bet_at: number
}

/** Open events by feature (sport, league, participant key), soonest first. */
export interface EventFeaturesTable {
  feature: string
  begin_ts: number
  event_id: number
  end_ts: number
}

/** A user's time-decayed taste per feature; the `all` row counts every coupon. */
export interface UserFeaturesTable {
  user_id: number
  feature: string
  /** Decayed selections, as of last_at. */
  weight: number
  last_at: number
  bets: number
  coupons: number
}

/** Selections per whole hour between a coupon and its event's kick-off. */
export interface LeadTimesTable {
  hours: number
  bets: number
}

export interface EventPairsTable {
  event_id: number
  other_id: number
  together: number
}

export interface LeaguePairsTable {
  league: string
  other: string
  together: number
}

/** A user's responsible-gambling flags (no row: neither set). */
export interface GuardrailsTable {
  user_id: number
  self_excluded_until: number | null
  marketing_opt_out: number
  updated_at: number | null
}

/** Every change that moved a flag, per user in order (seq from 1). */
export interface GuardrailHistoryTable {
  user_id: number
  seq: number
  at: number
  source: string
  reason: string | null
  change_id: number | null
  /** The fields moved, old → new, as JSON text. */
  changes: string
}

/** Change ids already applied: a replay of one changes nothing. */
export interface GuardrailChangeIdsTable {
  change_id: number
  user_id: number
}

export interface MetaTable {
  key: string
  value: number
}

export interface Tables {
  users: UsersTable
  participants: ParticipantsTable
  events: EventsTable
  coupons: CouponsTable
  selections: SelectionsTable
  user_sport_stats: UserSportStatsTable
  event_features: EventFeaturesTable
  user_features: UserFeaturesTable
  lead_times: LeadTimesTable
  event_pairs: EventPairsTable
  league_pairs: LeaguePairsTable
  guardrails: GuardrailsTable
  guardrail_history: GuardrailHistoryTable
  guardrail_change_ids: GuardrailChangeIdsTable
  meta: MetaTable
}
