// The slots of a recommendation: the exclusion rules every algorithm shares, in one place.

/** An event the recommender may place in a slot. */
export interface Candidate { id: number, end_timestamp: number }

/**
 * Slots being filled: never an event the user bet on, never an ended event, never the same event twice.
 * Sources are offered in preference order; each source is already ordered by its own rule.
 */
export class SlotFiller<E extends Candidate> {
  readonly chosen: E[] = []
  private readonly taken = new Set<number>()

  constructor (readonly limit: number, private readonly excluded: ReadonlySet<number>, private readonly now: number) {}

  get full (): boolean {
    return this.chosen.length >= this.limit
  }

  /** How many rows a source must yield at most so that, after exclusions, it can fill the remaining slots. */
  get fetchSize (): number {
    return this.limit - this.chosen.length + this.excluded.size + this.taken.size
  }

  /** Slots still free: what a source that already leaves out `skipped` needs to yield. */
  get remaining (): number {
    return this.limit - this.chosen.length
  }

  /** Events no source may offer again: the excluded ones and those already chosen. */
  get skipped (): number[] {
    return [...this.excluded, ...this.taken]
  }

  offer (candidates: readonly E[]): void {
    for (const event of candidates) {
      if (this.full) return
      if (this.excluded.has(event.id) || this.taken.has(event.id) || event.end_timestamp <= this.now) continue
      this.taken.add(event.id)
      this.chosen.push(event)
    }
  }
}
