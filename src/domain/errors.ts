// Domain errors: a stable code, a sentence for people, and whether trying again later can help.
// api/errors.ts is the one place that maps them to HTTP; the consumer reads the code back to choose
// between retrying later and dead-lettering.

export const ErrorCodes = {
  invalid: 'INVALID',
  malformed: 'MALFORMED_JSON',
  tooLarge: 'PAYLOAD_TOO_LARGE',
  userNotFound: 'USER_NOT_FOUND',
  eventNotFound: 'EVENT_NOT_FOUND',
  couponNotFound: 'COUPON_NOT_FOUND',
  eventsMissing: 'EVENTS_MISSING',
  conflict: 'CONFLICT',
  notFound: 'NOT_FOUND',
  unauthorized: 'UNAUTHORIZED',
  rateLimited: 'RATE_LIMITED',
  unavailable: 'UNAVAILABLE',
  outcomeUnknown: 'OUTCOME_UNKNOWN',
  timeout: 'TIMEOUT',
  internal: 'INTERNAL'
} as const

export type ErrorCode = typeof ErrorCodes[keyof typeof ErrorCodes]

/** Codes of refusals that may succeed later, once referenced records arrive (see the consumer). */
export const RETRY_LATER_CODES: ReadonlySet<string> = new Set([ErrorCodes.userNotFound, ErrorCodes.eventsMissing])

export interface FieldError { field: string, message: string }

export class DomainError extends Error {
  override name = 'DomainError'
  constructor (readonly code: ErrorCode, message: string) {
    super(message)
  }
}

export class ValidationError extends DomainError {
  override name = 'ValidationError'
  constructor (readonly fieldErrors: FieldError[]) {
    super(ErrorCodes.invalid, fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; '))
  }
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError'
}

export class ConflictError extends DomainError {
  override name = 'ConflictError'
  constructor (entity: string, id: number, readonly fields: string[]) {
    super(ErrorCodes.conflict, `${entity} ${id} already exists with different content (${fields.join(', ')})`)
  }
}

export const userNotFound = (): NotFoundError => new NotFoundError(ErrorCodes.userNotFound, 'User not found')
export const eventNotFound = (): NotFoundError => new NotFoundError(ErrorCodes.eventNotFound, 'Event not found')
export const couponNotFound = (): NotFoundError => new NotFoundError(ErrorCodes.couponNotFound, 'Coupon not found')
export const eventsMissing = (): DomainError => new DomainError(ErrorCodes.eventsMissing, 'Check if Events exist')
