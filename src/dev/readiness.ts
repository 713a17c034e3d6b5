// Waiting for a service to be ready: its GET /ready answers 200 once the dependencies it needs (database,
// broker, API) answer, which is later than the port opening. `npm start`, the tests and the benchmark wait here.
import { setTimeout as sleep } from 'node:timers/promises'

/** Often enough that a restart's measured time to ready is not dominated by the polling. */
const POLL_MS = 100

export interface ReadinessOptions {
  timeoutMs: number
  /** Aborted when waiting is pointless (the process exited, the caller is stopping): its reason is thrown. */
  signal?: AbortSignal
}

/** Resolves once `${url}/ready` answers 200; rejects after timeoutMs, or with the signal's reason once it aborts. */
export async function waitForReady (url: string, { timeoutMs, signal }: ReadinessOptions): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    signal?.throwIfAborted()
    if (await answersReady(url, deadline, signal)) return
    signal?.throwIfAborted()
    if (Date.now() >= deadline) throw new Error(`${url}/ready did not answer 200 within ${timeoutMs / 1000} s`)
    await sleep(POLL_MS, undefined, { signal }).catch(() => {})
  }
}

async function answersReady (url: string, deadline: number, signal: AbortSignal | undefined): Promise<boolean> {
  // A stopped (SIGSTOP) or overloaded process may accept the connection and never answer: the deadline
  // bounds each request too, so the wait ends when it says.
  const timeout = AbortSignal.timeout(Math.max(1, deadline - Date.now()))
  try {
    const response = await fetch(`${url}/ready`, { signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]) })
    await response.body?.cancel()
    return response.ok
  } catch {
    return false // not listening yet, or the request was cut short
  }
}
