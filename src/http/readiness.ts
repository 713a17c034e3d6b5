// GET /ready: whether a service can do its work now, with the dependency that stops it named. /health only
// says the process answers; /ready checks what it needs (database, broker, API) and answers 503 until each
// of them does, so start-up scripts, load balancers and compose healthchecks wait on the right thing.
import type { FastifyInstance } from 'fastify'
import { ErrorCodes } from '../domain/errors.ts'

export interface ReadinessCheck {
  /** The dependency, as the answer names it: `database`, `kafka`, `api`. */
  name: string
  /** Resolves when the dependency answers; rejects with why it does not. */
  probe (): Promise<void>
}

/** Longest a probe may take: a dependency that hangs is as unready as one that refuses. */
const PROBE_TIMEOUT_MS = 2000

async function run (check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS)
  })
  try {
    await Promise.race([check.probe(), timeout])
    return 'ok'
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  } finally {
    clearTimeout(timer)
  }
}

export function installReadiness (app: FastifyInstance, service: string, checks: readonly ReadinessCheck[]): void {
  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    const results = await Promise.all(checks.map(async (check) => [check.name, await run(check)] as const))
    const failing = results.filter(([, result]) => result !== 'ok')
    const body = { service, checks: Object.fromEntries(results) }
    if (failing.length === 0) return { status: 'ready', ...body }
    const detail = failing.map(([name, result]) => `${name} unreachable: ${result}`).join('; ')
    return reply.status(503).send({ status: 'not ready', detail, code: ErrorCodes.unavailable, ...body })
  })
}
