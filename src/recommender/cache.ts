// Values kept for a short time: global figures every request shares (the trending list, lead times, each
// league's and participant's upcoming events), so a GET does not recompute them. Bounded: the oldest
// entry goes first.

export class ShortCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>, until: number }>()

  constructor (private readonly ttlMs: number, private readonly maxEntries = 8) {}

  /** The cached value for `key`, or `compute()`'s (shared by concurrent callers, forgotten if it fails). */
  get (key: string, compute: () => Promise<V>): Promise<V> {
    const hit = this.peek(key)
    if (hit !== undefined) return hit
    const value = compute()
    this.set(key, value)
    return value
  }

  /** The cached value for `key` if it is still fresh. */
  peek (key: string): Promise<V> | undefined {
    const hit = this.entries.get(key)
    return hit !== undefined && hit.until > Date.now() ? hit.value : undefined
  }

  set (key: string, value: Promise<V>): void {
    if (this.ttlMs <= 0) return
    this.entries.delete(key)
    this.entries.set(key, { value, until: Date.now() + this.ttlMs })
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string)
    value.catch(() => this.entries.delete(key))
  }

  delete (key: string): void {
    this.entries.delete(key)
  }

  clear (): void {
    this.entries.clear()
  }
}
