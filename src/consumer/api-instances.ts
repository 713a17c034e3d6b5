// Which API instance (of API_URL) a bulk delivery goes to next: round-robin over those that answer, skipping
// one that failed until its cool-down is over. Pure (time comes in as `now`), so every case is unit-tested
// (test/unit/consumer/api-instances.test.ts); delivery.ts does the requests around it.
//
// Why a failed instance may be tried by one delivery at a time once its cool-down is over: an instance that
// hangs (accepts connections, never answers) costs each delivery sent to it a whole headers timeout. While
// one trial delivery finds out whether it is back, the others keep going to the instances that answer.
//
// When no instance is usable, the first pick of a delivery still returns the one whose cool-down ends first:
// the worker's backoff then paces the attempts exactly as it does for a single API (one instance is never
// skipped; it is the only one there is), and with several down they are tried in turn.

export interface InstanceReport {
  url: string
  /** `up`: its last delivery was answered (or none was tried yet); `down`: its last delivery failed. */
  state: 'up' | 'down'
  /** Bulk deliveries it answered since the consumer started. */
  deliveries: number
  /** Failed deliveries in a row (0 when up). */
  failures: number
  /** Why its last delivery failed; null when up. */
  last_error: string | null
  /** When a delivery may try it again (ISO time); null when up. */
  retry_at: string | null
}

export interface ApiInstances {
  /**
   * The instance to try next for one delivery, given those it already tried (empty for its first try);
   * undefined when every other instance is down: the delivery has failed, the worker backs off.
   */
  pick (now: number, tried: ReadonlySet<string>): string | undefined
  /** The instance answered the delivery. Returns whether it was down until now. */
  succeeded (url: string): boolean
  /** The instance could not answer: it is skipped for the cool-down. Returns whether it was up until now. */
  failed (url: string, reason: string, now: number): boolean
  /** The attempt ended without a verdict on the instance (an unexpected error): frees its trial. */
  released (url: string): void
  report (): InstanceReport[]
}

interface Instance {
  url: string
  up: boolean
  /** While down: not tried before this time (ms). */
  retryAt: number
  /** While down and past retryAt: one delivery is finding out whether it is back. */
  onTrial: boolean
  deliveries: number
  failures: number
  lastError: string | null
}

export function createApiInstances (urls: readonly string[], coolDownMs: number): ApiInstances {
  if (urls.length === 0) throw new Error('at least one API instance is needed')
  const instances = new Map<string, Instance>(urls.map((url) => [url, {
    url, up: true, retryAt: 0, onTrial: false, deliveries: 0, failures: 0, lastError: null
  }]))
  const all = [...instances.values()]
  let cursor = 0

  const usable = (i: Instance, now: number) => i.up || (now >= i.retryAt && !i.onTrial)
  const get = (url: string): Instance => {
    const instance = instances.get(url)
    if (instance === undefined) throw new Error(`unknown API instance ${url}`)
    return instance
  }

  return {
    pick (now, tried) {
      const candidates = all.filter((i) => !tried.has(i.url) && usable(i, now))
      let chosen: Instance | undefined
      if (candidates.length > 0) {
        chosen = candidates[cursor++ % candidates.length] as Instance
        if (!chosen.up) chosen.onTrial = true
      } else if (tried.size === 0) {
        chosen = all.reduce((soonest, i) => (i.retryAt < soonest.retryAt ? i : soonest))
      }
      return chosen?.url
    },
    succeeded (url) {
      const i = get(url)
      const wasDown = !i.up
      Object.assign(i, { up: true, retryAt: 0, onTrial: false, failures: 0, lastError: null, deliveries: i.deliveries + 1 })
      return wasDown
    },
    failed (url, reason, now) {
      const i = get(url)
      const wasUp = i.up
      Object.assign(i, { up: false, retryAt: now + coolDownMs, onTrial: false, failures: i.failures + 1, lastError: reason })
      return wasUp
    },
    released (url) {
      get(url).onTrial = false
    },
    report () {
      return all.map((i) => ({
        url: i.url,
        state: i.up ? 'up' : 'down',
        deliveries: i.deliveries,
        failures: i.failures,
        last_error: i.lastError,
        retry_at: i.up ? null : new Date(i.retryAt).toISOString()
      }))
    }
  }
}
