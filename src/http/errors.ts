// The one place errors become HTTP answers: domain errors, fastify's own (bad JSON, too large, schema
// validation) and anything unexpected. Every answer is JSON with a `detail` and a stable `code`;
// unexpected errors are logged and masked, never shown to the client.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import { CodedError, ConflictError, DomainError, ErrorCodes, type HttpErrorCode, ValidationError } from '../domain/errors.ts'
import { fieldErrors } from '../domain/validation.ts'
import type { ErrorBody } from '../domain/schemas.ts'

const STATUS_BY_CODE: Record<HttpErrorCode, number> = {
  INVALID: 422,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  USER_NOT_FOUND: 404,
  EVENT_NOT_FOUND: 404,
  COUPON_NOT_FOUND: 404,
  EVENTS_MISSING: 422,
  CONFLICT: 409,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  OUTCOME_UNKNOWN: 504,
  TIMEOUT: 408,
  INTERNAL: 500
}

export interface ErrorAnswer { status: number, body: ErrorBody }

export function errorBody (code: HttpErrorCode, detail: string): ErrorAnswer {
  return { status: STATUS_BY_CODE[code], body: { detail, code } }
}

/** Maps a domain error to its answer; undefined for errors that are not the client's doing. */
export function domainErrorAnswer (error: unknown): ErrorAnswer | undefined {
  if (error instanceof ValidationError) {
    return { status: 422, body: { detail: error.message, code: error.code, errors: error.fieldErrors } }
  }
  if (error instanceof ConflictError || error instanceof DomainError) return errorBody(error.code, error.message)
  return undefined
}

function fastifyErrorAnswer (error: FastifyError, request: FastifyRequest): ErrorAnswer | undefined {
  if (error.validation !== undefined) {
    const fields = fieldErrors(error.validation as never, error.validationContext ?? 'request')
    const detail = fields.map((f) => `${f.field}: ${f.message}`).join('; ')
    return { status: 422, body: { detail, code: ErrorCodes.invalid, errors: fields } }
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errorBody(ErrorCodes.tooLarge, 'Request body is larger than the limit of 1 MiB')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: { detail: `Content-Type must be application/json, not ${request.headers['content-type'] ?? 'missing'}`, code: ErrorCodes.malformed } }
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errorBody(ErrorCodes.malformed, 'Content-Length does not match the body')
  }
  if (error instanceof CodedError && error.code === ErrorCodes.emptyBody) return errorBody(ErrorCodes.malformed, error.message)
  if (error.statusCode === 429) return errorBody(ErrorCodes.rateLimited, 'Too many requests; slow down and retry later')
  // The JSON parser refuses these keys on purpose: merged into an object, they would change the prototype
  // of every object on the server. The body is valid JSON, so say what is refused and why.
  if (error instanceof SyntaxError && /forbidden prototype property|constructor property/i.test(error.message)) {
    return errorBody(ErrorCodes.invalid, 'A "__proto__" key, or a "constructor" key holding "prototype", is refused anywhere in a body: ' +
      'such keys could change objects on the server (prototype pollution); rename the key')
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return errorBody(ErrorCodes.malformed, `Malformed JSON: ${error.message}`)
  }
  // Other 4xx from fastify or its plugins keep their status, with the message as detail.
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, body: { detail: error.message, code: ErrorCodes.invalid } }
  }
  return undefined
}

export function installErrorHandler (app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = domainErrorAnswer(error) ?? fastifyErrorAnswer(error, request)
    if (answer !== undefined) return reply.status(answer.status).send(answer.body)
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      // A body nested deeply enough to exhaust the parser's stack is the client's input, not our fault.
      return reply.status(400).send({ detail: 'Malformed JSON: nested too deeply', code: ErrorCodes.malformed })
    }
    request.log.error({ err: error }, 'request failed')
    const unavailable = errorBody(ErrorCodes.unavailable, 'The service cannot complete this request right now; retry later')
    return reply.status(unavailable.status).send(unavailable.body)
  })
  app.setNotFoundHandler((request, reply) => {
    const answer = errorBody(ErrorCodes.notFound, `No route for ${request.method} ${request.url.split('?')[0]}`)
    return reply.status(answer.status).send(answer.body)
  })
}
