// One TypeBox schema per entity: request validation (API and gateway), TypeScript types and OpenAPI.
import { Type, type Static } from 'typebox'

export const MAX_COUPON_SELECTIONS = 30
/** Suggestions a bet slip gets when it does not say how many. */
export const SLIP_DEFAULT_LIMIT = 3
const MAX_TEXT = 200

/** Clients may send ids as integers or as numeric strings ("55862"); both mean the same id. */
export const IdInput = Type.Union([
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  Type.String({ pattern: '^[0-9]{1,16}$' })
], { description: 'Non-negative safe integer, or the same as a numeric string.' })

const TimestampInput = Type.String({
  maxLength: 64,
  description: 'ISO-8601; a timestamp without a zone is read as UTC.',
  examples: ['2024-02-03 20:48:20.438447', '2024-02-03T20:48:20Z']
})
const Text = Type.String({ minLength: 1, maxLength: MAX_TEXT, pattern: '\\S' })
const CountryCode = Type.String({ pattern: '^[A-Za-z]{2,3}$', description: 'ISO 3166 alpha-2 or alpha-3, any case.' })

export const UserInput = Type.Object({
  id: Type.Optional(IdInput),
  user_id: Type.Optional(IdInput),
  birth_year: Type.Integer({ minimum: 1900, description: 'From 1900 to the current year minus 18.' }),
  country: CountryCode,
  currency: Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217 code, any case.' }),
  gender: Type.Union([Type.Literal('M'), Type.Literal('F')]),
  registration_date: Type.Optional(TimestampInput)
}, { description: 'A user; `user_id` is accepted as an alias of `id`. Unknown fields are ignored.' })

export const EventInput = Type.Object({
  id: Type.Optional(IdInput),
  event_id: Type.Optional(IdInput),
  begin_timestamp: TimestampInput,
  end_timestamp: TimestampInput,
  country: Text,
  league: Text,
  sport: Text,
  participants: Type.Array(Text, { minItems: 2, maxItems: 50, description: 'At least two distinct names, home first.' })
}, { description: 'A sports event; `event_id` is accepted as an alias of `id`.' })

export const SelectionInput = Type.Object({
  event_id: IdInput,
  odds: Type.Number({ exclusiveMinimum: 1, description: 'Decimal odds, above 1.0.' })
})

export const CouponInput = Type.Object({
  id: Type.Optional(IdInput),
  coupon_id: Type.Optional(IdInput),
  user_id: IdInput,
  stake: Type.Number({ exclusiveMinimum: 0 }),
  timestamp: Type.Optional(TimestampInput),
  selections: Type.Array(SelectionInput, { minItems: 1, maxItems: MAX_COUPON_SELECTIONS })
}, { description: 'A betting coupon; `coupon_id` is accepted as an alias of `id`.' })

const Id = Type.Integer({ minimum: 0 })
const Timestamp = Type.String({ description: 'ISO-8601 in UTC with microseconds.' })

export const User = Type.Object({
  id: Id,
  birth_year: Type.Integer(),
  country: Type.String(),
  currency: Type.String(),
  gender: Type.String(),
  registration_date: Timestamp
})

export const Event = Type.Object({
  id: Id,
  begin_timestamp: Timestamp,
  end_timestamp: Timestamp,
  country: Type.String(),
  league: Type.String(),
  sport: Type.String(),
  participants: Type.Array(Type.String()),
  participants_id: Type.Integer({ description: 'Same participant list (same order) gives the same id.' })
})

export const Selection = Type.Object({ event_id: Id, odds: Type.Number() })

export const Coupon = Type.Object({
  id: Id,
  user_id: Id,
  stake: Type.Number(),
  timestamp: Timestamp,
  selections: Type.Array(Selection)
})

export const Reason = Type.Object({
  code: Type.String({ description: 'Stable: affinity.team, affinity.league, affinity.sport, trending, co_bet.event, co_bet.league, frequency.sport, popular.' }),
  text: Type.String({ description: 'The reason in plain words, from the data.' })
}, { description: 'Why this event was recommended.' })

export const RecommendedEvent = Type.Object({ ...Event.properties, reason: Reason })

/** What every recommendation answer adds: whether the user's bets chose the events, and why none are shown. */
const Guarded = {
  personalised: Type.Boolean({
    description: "Whether the user's own bets chose the events; false for the non-personalised list a marketing opt-out gets, " +
      'for trending, and for suggestions asked without a user.'
  }),
  withheld: Type.Union([Type.Literal('self_excluded'), Type.Null()], {
    description: 'Why no events are shown: the user is self-excluded (responsible gambling); null otherwise.'
  })
}

export const Recommendation = Type.Object({
  id: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Identifies the content (a 52-bit digest): the same user, algorithm and events give the same id.' }),
  user_id: Id,
  algorithm: Type.String(),
  generated_at: Timestamp,
  ...Guarded,
  events: Type.Array(RecommendedEvent)
})

export const AlgorithmList = Type.Array(Type.Object({
  name: Type.String(),
  description: Type.String(),
  default: Type.Boolean({ description: 'The algorithm a request without ?algorithm= gets.' })
}))

export const SlipInput = Type.Object({
  user_id: Type.Optional(IdInput),
  selections: Type.Array(Type.Object({ event_id: IdInput, odds: Type.Optional(Type.Number({ exclusiveMinimum: 1 })) }), { minItems: 1, maxItems: MAX_COUPON_SELECTIONS }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: SLIP_DEFAULT_LIMIT }))
}, { description: 'A bet slip being built: its selections so far and, optionally, whose it is.' })

export const Suggestions = Type.Object({
  algorithm: Type.String(),
  ...Guarded,
  events: Type.Array(RecommendedEvent)
})

export const GenerateResult = Type.Object({
  message: Type.String(),
  users: Type.Integer(),
  elapsed_ms: Type.Number()
})

const REASON_MAX = 500

export const GuardrailsInput = Type.Object({
  self_excluded_until: Type.Optional(Type.Union([TimestampInput, Type.Null()], {
    description: 'ISO-8601 instant the self-exclusion ends (a far-future one means indefinite); null lifts it.'
  })),
  marketing_opt_out: Type.Optional(Type.Boolean({ description: 'true: only non-personalised recommendations.' })),
  reason: Type.Optional(Type.String({ maxLength: REASON_MAX, description: 'Why, for the audit history.' })),
  change_id: Type.Optional(IdInput)
}, {
  description: 'A responsible-gambling change: the fields sent are set, the others kept; at least one of self_excluded_until ' +
    'and marketing_opt_out. A change_id names the change: the same change_id again changes nothing.'
})

export const GuardrailsBulkEntry = Type.Object({ user_id: IdInput, ...GuardrailsInput.properties }, {
  description: 'One user\'s responsible-gambling change.'
})

export const GuardrailsBulkRequest = Type.Array(Type.Unknown(), { minItems: 1, maxItems: 5000, description: 'Changes, each validated on its own and applied in order.' })

export const Guardrails = Type.Object({
  user_id: Id,
  self_excluded_until: Type.Union([Timestamp, Type.Null()]),
  self_excluded: Type.Boolean({ description: 'Whether the self-exclusion is in force now.' }),
  marketing_opt_out: Type.Boolean(),
  updated_at: Type.Union([Timestamp, Type.Null()], { description: 'When a change last moved a field; null if none ever did.' })
}, { description: "A user's responsible-gambling state." })

const GuardrailValue = Type.Union([Timestamp, Type.Boolean(), Type.Null()])

export const GuardrailsHistoryEntry = Type.Object({
  at: Timestamp,
  source: Type.Union([Type.Literal('api'), Type.Literal('gateway'), Type.Literal('bulk')]),
  reason: Type.Union([Type.String(), Type.Null()]),
  change_id: Type.Union([Type.Integer(), Type.Null()]),
  changes: Type.Array(Type.Object({
    field: Type.Union([Type.Literal('self_excluded_until'), Type.Literal('marketing_opt_out')]),
    old: GuardrailValue,
    new: GuardrailValue
  }))
})

export const GuardrailsWithHistory = Type.Object({
  ...Guardrails.properties,
  history: Type.Array(GuardrailsHistoryEntry, { description: 'Every change that moved a field, oldest first.' })
})

export const ErrorBody = Type.Object({
  detail: Type.String({ description: 'What went wrong, in words.' }),
  code: Type.String({ description: 'Stable machine-readable error code.' }),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() })))
})

/** One record's outcome in a bulk request: the same status and body a single request would get. */
export const BulkResult = Type.Object({
  status: Type.Integer(),
  body: Type.Union([Type.Object({}, { additionalProperties: true }), ErrorBody])
})

export const BulkResponse = Type.Object({ results: Type.Array(BulkResult) })
/** Records one bulk request may carry; the uploader sizes its batches by the same limit. */
export const MAX_BULK_RECORDS = 5000
export const BulkRequest = Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_BULK_RECORDS, description: 'Records, each validated on its own.' })

export type UserInput = Static<typeof UserInput>
export type EventInput = Static<typeof EventInput>
export type CouponInput = Static<typeof CouponInput>
export type UserResponse = Static<typeof User>
export type EventResponse = Static<typeof Event>
export type CouponResponse = Static<typeof Coupon>
export type RecommendationResponse = Static<typeof Recommendation>
export type SlipInput = Static<typeof SlipInput>
export type SuggestionsResponse = Static<typeof Suggestions>
export type ErrorBody = Static<typeof ErrorBody>
export type GuardrailsInput = Static<typeof GuardrailsInput>
export type GuardrailsBulkEntry = Static<typeof GuardrailsBulkEntry>
export type GuardrailsResponse = Static<typeof Guardrails>
export type GuardrailsWithHistoryResponse = Static<typeof GuardrailsWithHistory>
