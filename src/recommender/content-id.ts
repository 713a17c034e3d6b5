// A recommendation's id: it names the content, so the same user, algorithm and events give the same id.
import { createHash } from 'node:crypto'
import type { Event } from '../domain/entities.ts'

/** 52 bits of a digest of the content: an integer, as the seed's model types the id, and a safe one in JSON. */
export function contentId (algorithm: string, userId: number, events: readonly Event[]): number {
  const hash = createHash('sha256').update(`${algorithm}:${userId}:${events.map((e) => e.id).join(',')}`)
  return Number.parseInt(hash.digest('hex').slice(0, 13), 16)
}
