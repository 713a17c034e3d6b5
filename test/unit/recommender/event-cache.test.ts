import { describe, expect, it } from 'vitest'
import type { Event } from '../../../src/domain/entities.ts'
import { EventCache } from '../../../src/recommender/event-cache.ts'

const event = (id: number): Event => ({ id, begin_timestamp: id, end_timestamp: id + 1, country: 'GR', league: 'L', sport: 'football', participants: ['A', 'B'], participants_id: 1 })

/** A cache over stored events 1-100, recording what it asks the store for. */
function cacheOver (maxEntries?: number) {
  const reads: number[][] = []
  const cache = new EventCache(async (ids) => {
    reads.push([...ids])
    return new Map(ids.filter((id) => id >= 1 && id <= 100).map((id) => [id, event(id)]))
  }, maxEntries)
  return { cache, reads }
}

describe('EventCache', () => {
  it('reads only the events it does not hold, in one call', async () => {
    const { cache, reads } = cacheOver()
    expect([...(await cache.findMany([1, 2])).keys()]).toEqual([1, 2])
    expect([...(await cache.findMany([2, 3, 1])).keys()].sort()).toEqual([1, 2, 3])
    expect(reads).toEqual([[1, 2], [3]])
  })

  it('answers without the ids that are not stored, and asks for them again next time', async () => {
    const { cache, reads } = cacheOver()
    expect((await cache.findMany([5, 500])).has(500)).toBe(false)
    await cache.findMany([500])
    expect(reads).toEqual([[5, 500], [500]])
  })

  it('forgets the least recently used event beyond its bound', async () => {
    const { cache, reads } = cacheOver(2)
    await cache.findMany([1, 2])
    await cache.findMany([1]) // 1 is now the most recently used
    await cache.findMany([3]) // evicts 2
    reads.length = 0
    await cache.findMany([1, 3])
    expect(reads).toEqual([])
    await cache.findMany([2])
    expect(reads).toEqual([[2]])
  })
})
