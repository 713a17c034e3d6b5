// Path ids: the schema (an integer from 0 to 2^53 - 1, also what the docs show) and a hook that first
// refuses anything but decimal digits. The path validator coerces text to numbers the way JavaScript
// does, so without the hook '0x10', '1e3', '+5' or ' 5' would be read as ids 16, 1000 and 5.
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { ValidationError } from '../../domain/errors.ts'

export const IdParam = (name: string) => Type.Object({ [name]: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) })

const DECIMAL = /^[0-9]+$/

/** preValidation hook for routes whose path parameters are all ids. */
export async function decimalIdParams (request: FastifyRequest): Promise<void> {
  const fields = Object.entries(request.params as Record<string, string>)
    .filter(([, value]) => !DECIMAL.test(value))
    .map(([name]) => ({ field: `params.${name}`, message: 'must be a non-negative integer in decimal digits' }))
  if (fields.length > 0) throw new ValidationError(fields)
}
