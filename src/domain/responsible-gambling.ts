// Responsible-gambling state of a user and the one rule that decides what a recommendation may show.
// The state is two flags an operator sets (an exclusion end and a marketing opt-out); the rule is pure so
// that every read path of the recommender can call it the same way.

export type ChangeSource = 'api' | 'gateway' | 'bulk'
export const CHANGE_SOURCES: readonly ChangeSource[] = ['api', 'gateway', 'bulk']

/** A user's flags; no stored row means neither is set. */
export interface GuardrailState {
  /** Epoch µs until which the user is self-excluded, or null. */
  selfExcludedUntil: number | null
  marketingOptOut: boolean
}

/**
 * An exclusion ending in or after the year 2200 is indefinite. Instants are held as epoch microseconds,
 * which stay exact only until 2255, so operators' usual "forever" (9999-12-31) is stored as this one value
 * and answered as INDEFINITE_TEXT.
 */
export const INDEFINITE_FROM_YEAR = 2200
export const INDEFINITE = Number.MAX_SAFE_INTEGER
export const INDEFINITE_TEXT = '9999-12-31T23:59:59.999999Z'

export const NO_GUARDRAILS: GuardrailState = { selfExcludedUntil: null, marketingOptOut: false }

/** A change as asked: only the fields present are set (null lifts an exclusion). */
export interface GuardrailChange {
  userId: number
  selfExcludedUntil?: number | null
  marketingOptOut?: boolean
  reason?: string
  /** Names the change so that a replay of it (Kafka redelivery, a client retry) changes nothing. */
  changeId?: number
}

export type GuardrailField = 'self_excluded_until' | 'marketing_opt_out'

/** One field a change moved, old → new, as stored (µs or null; boolean). */
export interface FieldChange { field: GuardrailField, old: number | boolean | null, new: number | boolean | null }

/** What a recommendation for this user must do: nothing, only non-personalised events, or nothing at all. */
export type Withholding = 'self_excluded' | 'marketing_opt_out' | undefined

/**
 * Self-excluded "at the instant asked" is judged at both the instant asked and now: a replay of the past
 * (`?at=`) must not reopen an exclusion in force today, and one asking about a future instant must not be
 * shown events while today's exclusion lasts. An exclusion lifts itself once its end has passed.
 */
export function withholding (state: GuardrailState, now: number, at: number = now): Withholding {
  const until = state.selfExcludedUntil
  if (until !== null && until > Math.min(now, at)) return 'self_excluded'
  return state.marketingOptOut ? 'marketing_opt_out' : undefined
}

/** The fields a change moves from the current state; empty when it changes nothing. */
export function changedFields (state: GuardrailState, change: GuardrailChange): FieldChange[] {
  const moved: FieldChange[] = []
  if (change.selfExcludedUntil !== undefined && change.selfExcludedUntil !== state.selfExcludedUntil) {
    moved.push({ field: 'self_excluded_until', old: state.selfExcludedUntil, new: change.selfExcludedUntil })
  }
  if (change.marketingOptOut !== undefined && change.marketingOptOut !== state.marketingOptOut) {
    moved.push({ field: 'marketing_opt_out', old: state.marketingOptOut, new: change.marketingOptOut })
  }
  return moved
}

export function applyChanges (state: GuardrailState, moved: readonly FieldChange[]): GuardrailState {
  const next = { ...state }
  for (const m of moved) {
    if (m.field === 'self_excluded_until') next.selfExcludedUntil = m.new as number | null
    else next.marketingOptOut = m.new as boolean
  }
  return next
}
