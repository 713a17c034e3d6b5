// API keys: when configured, writes (and reads, if asked) need a valid X-API-Key header. Keys are
// compared as SHA-256 digests with timingSafeEqual, so the comparison time says nothing about the key.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { ErrorCodes } from '../domain/errors.ts'
import { errorBody } from './errors.ts'

export const API_KEY_HEADER = 'x-api-key'

const digest = (key: string): Buffer => createHash('sha256').update(key).digest()

export function keyChecker (keys: readonly string[]): (candidate: unknown) => boolean {
  const digests = keys.map(digest)
  return (candidate) => {
    if (typeof candidate !== 'string' || candidate.length === 0) return false
    const candidateDigest = digest(candidate)
    let valid = false
    // Compare against every key (no early exit) so the answer time does not depend on which key matched.
    for (const d of digests) valid = timingSafeEqual(d, candidateDigest) || valid
    return valid
  }
}

export interface AuthOptions {
  keys: readonly string[]
  protectReads: boolean
  /** Open, with everything under them. */
  openPaths: readonly string[]
  /** Open as this exact path only (the dashboard's page, not its data). */
  openExactPaths: readonly string[]
}

export function installAuth (app: FastifyInstance, options: AuthOptions): void {
  if (options.keys.length === 0) return
  const isValid = keyChecker(options.keys)
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    if (options.openPaths.some((open) => path === open || path.startsWith(`${open}/`))) return
    if (options.openExactPaths.includes(path)) return
    const isRead = request.method === 'GET' || request.method === 'HEAD'
    if (isRead && !options.protectReads) return
    if (!isValid(request.headers[API_KEY_HEADER])) {
      const answer = errorBody(ErrorCodes.unauthorized, `Missing or invalid API key: send it in the ${API_KEY_HEADER} header`)
      return reply.status(answer.status).send(answer.body)
    }
  })
}
