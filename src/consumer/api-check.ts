// The consumer's `api` readiness check: ready when at least one API instance of API_URL answers its own
// /ready (which includes its database), as deliveries then have somewhere to go.
import { request } from 'undici'
import type { ReadinessCheck } from '../http/readiness.ts'

export function apiCheck (apiUrls: readonly string[], timeoutMs: number): ReadinessCheck {
  return {
    name: 'api',
    async probe () {
      try {
        // Ready at the first instance that answers; the others need not be waited for.
        await Promise.any(apiUrls.map(async (url) => probeInstance(url, timeoutMs)))
      } catch (error) {
        const failures = (error as AggregateError).errors.map((e: Error, i) => {
          const url = apiUrls[i] as string
          // One instance: its own sentence, as before there could be several; else each one named.
          return apiUrls.length === 1 || e.message.startsWith(url) ? e.message : `${url}: ${e.message}`
        })
        throw new Error(failures.join('; '))
      }
    }
  }
}

async function probeInstance (url: string, timeoutMs: number): Promise<void> {
  const answer = await request(`${url}/ready`, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
  const body = await answer.body.text()
  if (answer.statusCode !== 200) throw new Error(`${url}/ready answered ${answer.statusCode}: ${body.slice(0, 200)}`)
}
