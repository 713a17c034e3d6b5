// Stored events by id, kept in memory for the read paths. A stored event never changes (a replay with
// other values is refused as a conflict, and events are never deleted), so a cached event is never stale,
// whichever API instance stored it. Filled only from reads outside write transactions, so it holds
// committed events only. Bounded: the least recently used goes first.
import type { Event } from '../domain/entities.ts'

/** Events one API instance keeps at once (some 400 bytes each). */
export const EVENT_CACHE_ENTRIES = 20_000

export class EventCache {
  private readonly events = new Map<number, Event>()

  constructor (
    private readonly read: (ids: number[]) => Promise<Map<number, Event>>,
    private readonly maxEntries = EVENT_CACHE_ENTRIES
  ) {}

  /** The stored events among `ids`, reading the ones not cached in one call. */
  async findMany (ids: readonly number[]): Promise<Map<number, Event>> {
    const found = new Map<number, Event>()
    const missing: number[] = []
    for (const id of ids) {
      const event = this.events.get(id)
      if (event === undefined) {
        missing.push(id)
        continue
      }
      found.set(id, event)
      this.events.delete(id)
      this.events.set(id, event)
    }
    if (missing.length === 0) return found
    for (const [id, event] of await this.read(missing)) {
      found.set(id, event)
      this.events.set(id, event)
    }
    while (this.events.size > this.maxEntries) this.events.delete(this.events.keys().next().value as number)
    return found
  }

  clear (): void {
    this.events.clear()
  }
}
