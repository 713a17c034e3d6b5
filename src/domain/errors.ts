// Every error the platform raises carries a stable code from this one registry, a sentence for people, and
// whether trying again later can help. http/errors.ts is the one place that maps the HTTP codes to answers;
// the consumer reads them back to choose between retrying later and dead-lettering. Callers branch on codes
// (or classes), never on message text.

/** Codes a client of the HTTP services can receive. */
export const HttpErrorCodes = {
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

/** Codes of failures inside the services and tools (logs, exit codes, dead-letter headers). */
export const ProcessErrorCodes = {
  /** Bytes on a topic that are no record at all (dead-lettered at once). */
  poison: 'POISON',
  configInvalid: 'CONFIG_INVALID',
  kafkaUnavailable: 'KAFKA_UNAVAILABLE',
  kafkaOutcomeUnknown: 'KAFKA_OUTCOME_UNKNOWN',
  apiUnavailable: 'API_UNAVAILABLE',
  localBrokerFailed: 'LOCAL_BROKER_FAILED',
  datasetFormat: 'DATASET_FORMAT',
  deadLetterNotFound: 'DEAD_LETTER_NOT_FOUND',
  deadLetterRead: 'DEAD_LETTER_READ_FAILED',
  emptyBody: 'EMPTY_BODY'
} as const

export const ErrorCodes = { ...HttpErrorCodes, ...ProcessErrorCodes } as const

export type HttpErrorCode = typeof HttpErrorCodes[keyof typeof HttpErrorCodes]
export type ErrorCode = typeof ErrorCodes[keyof typeof ErrorCodes]

/** An error with a stable code, and whether the same operation may succeed if tried again later. */
export class CodedError extends Error {
  override name = 'CodedError'
  constructor (readonly code: ErrorCode, message: string, readonly retryable = false, options?: ErrorOptions) {
    super(message, options)
  }
}

/** Codes of refusals that may succeed later, once referenced records arrive (see the consumer). */
export const RETRY_LATER_CODES: ReadonlySet<string> = new Set([ErrorCodes.userNotFound, ErrorCodes.eventsMissing])

export interface FieldError { field: string, message: string }

/** A refusal of a client's request: its code is one HTTP answers carry. */
export class DomainError extends CodedError {
  override name = 'DomainError'
  constructor (override readonly code: HttpErrorCode, message: string) {
    super(code, message, RETRY_LATER_CODES.has(code))
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
