// Path ids: the schema (an integer from 0 to 2^53 - 1, also what the docs show) and a hook that first
// refuses anything but decimal digits. The path validator coerces text to numbers the way JavaScript
// does, so without the hook '0x10', '1e3', '+5' or ' 5' would be read as ids 16, 1000 and 5.
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { couponNotFound, eventNotFound, userNotFound, ValidationError, type NotFoundError } from '../domain/errors.ts'

export const IdParam = (name: string) => Type.Object({ [name]: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) })

const DECIMAL = /^[0-9]+$/
const NEGATIVE = /^-[0-9]+$/

/** What a path id that no record can have (a negative one) answers: the entity's 404, as the seed does. */
const notFoundByParam: Record<string, () => NotFoundError> = { user_id: userNotFound, event_id: eventNotFound, coupon_id: couponNotFound }

/** preValidation hook for routes whose path parameters are all ids. */
export async function decimalIdParams (request: FastifyRequest): Promise<void> {
  const params = Object.entries(request.params as Record<string, string>)
  for (const [name, value] of params) {
    const notFound = notFoundByParam[name]
    if (notFound !== undefined && NEGATIVE.test(value)) throw notFound()
  }
  const fields = params
    .filter(([, value]) => !DECIMAL.test(value))
    .map(([name]) => ({ field: `params.${name}`, message: 'must be a non-negative integer in decimal digits' }))
  if (fields.length > 0) throw new ValidationError(fields)
}

/** The words FastAPI (pydantic) reads as a boolean in a query string, in any case. */
const BOOLEAN_WORDS = ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']
const caseless = (word: string) => [...word].map((c) => /[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c).join('')

/** A boolean query value spelled as the seed's clients spell it (`False`, `0`, `no`, ...). */
export const QueryBoolean = (description: string) => Type.String({
  pattern: `^(${BOOLEAN_WORDS.map(caseless).join('|')})$`,
  description: `${description} One of ${BOOLEAN_WORDS.join(', ')}, in any case.`
})
