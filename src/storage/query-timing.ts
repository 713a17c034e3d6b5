// Times every repository call for the API's metrics. Repositories are built per connection and per
// transaction, so the observer is set once per process (the API sets it at start-up) rather than threaded
// through every construction; with none set, repositories are returned as they are, at no cost.

export type QueryObserver = (repository: string, call: string, seconds: number) => void

let observer: QueryObserver | undefined

/** Sends the duration of every repository call from now on to `observe` (undefined: stop). */
export function observeQueries (observe: QueryObserver | undefined): void {
  observer = observe
}

/** The repository with each of its methods timed, when an observer is set. */
export function timed<T extends object> (name: string, repository: T): T {
  const observe = observer
  if (observe === undefined) return repository
  const wrapped: Record<string, unknown> = {}
  for (const [call, member] of Object.entries(repository)) {
    if (typeof member !== 'function') {
      wrapped[call] = member
      continue
    }
    // A call that returns a promise is timed until it settles; one that does not (a query builder) stays synchronous.
    wrapped[call] = (...args: unknown[]) => {
      const started = performance.now()
      const done = () => observe(name, call, (performance.now() - started) / 1000)
      const result: unknown = (member as (...a: unknown[]) => unknown)(...args)
      if (result instanceof Promise) return result.finally(done)
      done()
      return result
    }
  }
  return wrapped as T
}
