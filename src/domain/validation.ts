// Validation and normalisation of incoming records, shared by the API, the gateway and the bulk endpoints:
// the TypeBox schema checks shape and types, then the rules a schema cannot say (dynamic year bound,
// code lists, time order, distinct participants) are checked here, and aliases are resolved.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { TSchema } from 'typebox'
import { isCountryCode, isCurrencyCode } from './codes.ts'
import type { NewCoupon, NewEvent, NewUser } from './entities.ts'
import { ValidationError, type FieldError } from './errors.ts'
import { INDEFINITE, INDEFINITE_FROM_YEAR, type GuardrailChange } from './responsible-gambling.ts'
import { CouponInput, EventInput, GuardrailsBulkEntry, SLIP_DEFAULT_LIMIT, UserInput, type GuardrailsInput, type SlipInput } from './schemas.ts'
import { parseTimestamp } from './time.ts'

/** Bodies are validated strictly (no coercion: `true` is not an id); query strings and paths are text, so coerced. */
export const bodyAjv = new Ajv({ allErrors: true, coerceTypes: false, useDefaults: false, strict: false })
export const paramsAjv = new Ajv({ allErrors: false, coerceTypes: true, useDefaults: true, strict: false })

const MAX_REPORTED_ERRORS = 20

/** Turn ajv errors into one entry per bad field, named like `body.selections[2].odds`. */
export function fieldErrors (errors: ErrorObject[] | null | undefined, root: string): FieldError[] {
  const seen = new Map<string, string>()
  for (const e of errors ?? []) {
    let path = root + e.instancePath.split('/').slice(1).map((p) => /^\d+$/.test(p) ? `[${p}]` : `.${p}`).join('')
    let message = e.message ?? 'is invalid'
    if (e.keyword === 'required') {
      path += `.${String((e.params as { missingProperty: string }).missingProperty)}`
      message = 'is required'
    }
    // A union's branches each report; keep the first sentence per field, it is the most useful.
    if (!seen.has(path)) seen.set(path, message)
    if (seen.size >= MAX_REPORTED_ERRORS) break
  }
  return [...seen].map(([field, message]) => ({ field, message }))
}

function compile<T> (schema: TSchema): (body: unknown) => T {
  const check: ValidateFunction = bodyAjv.compile(schema)
  return (body) => {
    if (!check(body)) throw new ValidationError(fieldErrors(check.errors, 'body'))
    return body as T
  }
}

const checkUserShape = compile<UserInput>(UserInput)
const checkEventShape = compile<EventInput>(EventInput)
const checkCouponShape = compile<CouponInput>(CouponInput)

type IdValue = number | string

function toId (value: IdValue | undefined): number | undefined {
  if (value === undefined) return undefined
  return typeof value === 'number' ? value : Number(value)
}

/** `id` or its alias; when both are present they must agree. */
function resolveId (errors: FieldError[], id: IdValue | undefined, alias: IdValue | undefined, aliasName: string): number | undefined {
  const a = toId(id); const b = toId(alias)
  if (a !== undefined && b !== undefined && a !== b) {
    errors.push({ field: `body.${aliasName}`, message: `must equal body.id when both are sent (${a} != ${b})` })
  }
  for (const [name, v] of [['id', a], [aliasName, b]] as const) {
    if (v !== undefined && !Number.isSafeInteger(v)) errors.push({ field: `body.${name}`, message: 'must be a safe integer' })
  }
  return a ?? b
}

function timestamp (errors: FieldError[], field: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const micros = parseTimestamp(text)
  if (micros === undefined) errors.push({ field, message: 'must be an ISO-8601 timestamp' })
  return micros
}

// PostgreSQL text cannot hold NUL, and an unpaired UTF-16 surrogate has no UTF-8 form (both databases
// would store U+FFFD instead): either way the stored record would differ from the one answered, and a
// replay of the same request would then be a conflict.
const UNPAIRED_SURROGATE = /\p{Surrogate}/u

function storableText (errors: FieldError[], field: string, value: string): void {
  if (value.includes('\u0000') || UNPAIRED_SURROGATE.test(value)) {
    errors.push({ field, message: 'must not contain NUL characters or unpaired UTF-16 surrogates' })
  }
}

function finish<T> (errors: FieldError[], value: T): T {
  if (errors.length > 0) throw new ValidationError(errors)
  return value
}

/** Rules beyond the schema, and aliases resolved, for a body the schema already accepted. */
export function normaliseUser (input: UserInput, now = new Date()): NewUser {
  const errors: FieldError[] = []
  const id = resolveId(errors, input.id, input.user_id, 'user_id')
  const maxYear = now.getUTCFullYear() - 18
  if (input.birth_year > maxYear) errors.push({ field: 'body.birth_year', message: `must be <= ${maxYear} (users are adults)` })
  if (!isCountryCode(input.country)) errors.push({ field: 'body.country', message: 'must be an ISO 3166 alpha-2 or alpha-3 country code' })
  if (!isCurrencyCode(input.currency)) errors.push({ field: 'body.currency', message: 'must be an ISO 4217 currency code' })
  const registration = timestamp(errors, 'body.registration_date', input.registration_date)
  return finish(errors, {
    id,
    birth_year: input.birth_year,
    country: input.country.toUpperCase(),
    currency: input.currency.toUpperCase(),
    gender: input.gender,
    registration_date: registration
  })
}

export function normaliseEvent (input: EventInput): NewEvent {
  const errors: FieldError[] = []
  const id = resolveId(errors, input.id, input.event_id, 'event_id')
  const begin = timestamp(errors, 'body.begin_timestamp', input.begin_timestamp)
  const end = timestamp(errors, 'body.end_timestamp', input.end_timestamp)
  if (begin !== undefined && end !== undefined && end < begin) {
    errors.push({ field: 'body.end_timestamp', message: 'must not be before begin_timestamp' })
  }
  for (const field of ['country', 'league', 'sport'] as const) storableText(errors, `body.${field}`, input[field])
  input.participants.forEach((name, i) => storableText(errors, `body.participants[${i}]`, name))
  if (new Set(input.participants).size !== input.participants.length) {
    errors.push({ field: 'body.participants', message: 'must be distinct names' })
  }
  return finish(errors, {
    id,
    begin_timestamp: begin ?? 0,
    end_timestamp: end ?? 0,
    country: input.country,
    league: input.league,
    sport: input.sport,
    participants: input.participants
  })
}

export function normaliseCoupon (input: CouponInput): NewCoupon {
  const errors: FieldError[] = []
  const id = resolveId(errors, input.id, input.coupon_id, 'coupon_id')
  const userId = toId(input.user_id) as number
  if (!Number.isSafeInteger(userId)) errors.push({ field: 'body.user_id', message: 'must be a safe integer' })
  if (!Number.isFinite(input.stake)) errors.push({ field: 'body.stake', message: 'must be finite' })
  const selections = input.selections.map((s, i) => {
    const eventId = toId(s.event_id) as number
    if (!Number.isSafeInteger(eventId)) errors.push({ field: `body.selections[${i}].event_id`, message: 'must be a safe integer' })
    if (!Number.isFinite(s.odds)) errors.push({ field: `body.selections[${i}].odds`, message: 'must be finite' })
    return { event_id: eventId, odds: s.odds }
  })
  const placedAt = timestamp(errors, 'body.timestamp', input.timestamp)
  return finish(errors, { id, user_id: userId, stake: input.stake, timestamp: placedAt, selections })
}

/** A bet slip's ids as numbers; the slip's limit as sent or the default. */
export function normaliseSlip (input: SlipInput): { userId?: number, eventIds: number[], limit: number } {
  const errors: FieldError[] = []
  const userId = toId(input.user_id)
  if (userId !== undefined && !Number.isSafeInteger(userId)) errors.push({ field: 'body.user_id', message: 'must be a safe integer' })
  const eventIds = input.selections.map((s, i) => {
    const eventId = toId(s.event_id) as number
    if (!Number.isSafeInteger(eventId)) errors.push({ field: `body.selections[${i}].event_id`, message: 'must be a safe integer' })
    return eventId
  })
  return finish(errors, { ...(userId === undefined ? {} : { userId }), eventIds, limit: input.limit ?? SLIP_DEFAULT_LIMIT })
}

const YEAR = /^\s*(\d{4})-/
const INDEFINITE_FROM = Date.UTC(INDEFINITE_FROM_YEAR, 0, 1) * 1000

/** An exclusion's end: an instant, or INDEFINITE for one from the year 2200 on (9999-12-31 included). */
function exclusionEnd (errors: FieldError[], text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const year = Number(YEAR.exec(text)?.[1] ?? 0)
  // The rest of a far-future instant is checked as if it were in 2200, whose microseconds are exact.
  const micros = parseTimestamp(year >= INDEFINITE_FROM_YEAR ? text.replace(YEAR, `${INDEFINITE_FROM_YEAR}-`) : text)
  if (micros === undefined) {
    errors.push({ field: 'body.self_excluded_until', message: 'must be an ISO-8601 timestamp' })
    return undefined
  }
  return micros >= INDEFINITE_FROM ? INDEFINITE : micros
}

/** A responsible-gambling change for the user the path (or the bulk entry) names. */
export function normaliseGuardrailChange (input: GuardrailsInput, userId: number): GuardrailChange {
  const errors: FieldError[] = []
  if (input.self_excluded_until === undefined && input.marketing_opt_out === undefined) {
    errors.push({ field: 'body', message: 'must set self_excluded_until or marketing_opt_out' })
  }
  const until = input.self_excluded_until === null ? null : exclusionEnd(errors, input.self_excluded_until)
  if (input.reason !== undefined) storableText(errors, 'body.reason', input.reason)
  const changeId = toId(input.change_id)
  if (changeId !== undefined && !Number.isSafeInteger(changeId)) errors.push({ field: 'body.change_id', message: 'must be a safe integer' })
  return finish(errors, {
    userId,
    ...(until === undefined ? {} : { selfExcludedUntil: until }),
    ...(input.marketing_opt_out === undefined ? {} : { marketingOptOut: input.marketing_opt_out }),
    ...(input.reason === undefined ? {} : { reason: input.reason }),
    ...(changeId === undefined ? {} : { changeId })
  })
}

const checkGuardrailEntryShape = compile<GuardrailsBulkEntry>(GuardrailsBulkEntry)

/** A bulk entry (or a change that came through Kafka): schema check, then the change for its user_id. */
export function parseGuardrailEntry (body: unknown): GuardrailChange {
  const entry = checkGuardrailEntryShape(body)
  const userId = toId(entry.user_id) as number
  if (!Number.isSafeInteger(userId)) throw new ValidationError([{ field: 'body.user_id', message: 'must be a safe integer' }])
  return normaliseGuardrailChange(entry, userId)
}

/** Schema check then normalisation, for records that did not come through a route's schema (bulk, Kafka). */
export const parsers = {
  users: (body: unknown): NewUser => normaliseUser(checkUserShape(body)),
  events: (body: unknown): NewEvent => normaliseEvent(checkEventShape(body)),
  coupons: (body: unknown): NewCoupon => normaliseCoupon(checkCouponShape(body))
} as const

export const normalisers = { users: normaliseUser, events: normaliseEvent, coupons: normaliseCoupon } as const
