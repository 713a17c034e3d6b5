// A few values kept for a short time: global figures every request shares (the trending list), so a GET
// does not recompute them. Small and bounded: the oldest entry goes first.

export class ShortCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>, until: number }>()

  constructor (private readonly ttlMs: number, private readonly maxEntries = 8) {}

  /** The cached value for `key`, or `compute()`'s (shared by concurrent callers, forgotten if it fails). */
  get (key: string, compute: () => Promise<V>): Promise<V> {
    const now = Date.now()
    const hit = this.entries.get(key)
    if (hit !== undefined && hit.until > now) return hit.value
    const value = compute()
    if (this.ttlMs > 0) {
      this.entries.delete(key)
      this.entries.set(key, { value, until: now + this.ttlMs })
      while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string)
      value.catch(() => this.entries.delete(key))
    }
    return value
  }

  clear (): void {
    this.entries.clear()
  }
}
