// Where a delivered record goes next, decided from the API's answer alone: nowhere (stored), the retry topic
// (its user or events may still arrive, and the retry window is not over), or the dead-letter topic with the
// reason. Pure, so every case is unit-tested (test/unit/consumer/routing.test.ts).
import type { Outcome } from './delivery.ts'
import { Headers } from '../kafka/side-topics.ts'
import { CONSUMER_DEFAULTS } from './defaults.ts'

export interface RetryPolicy {
  /** How long a record whose references are missing is retried before it is dead-lettered. */
  retryWindowMs: number
  /** The first wait; it doubles per attempt up to CONSUMER_DEFAULTS.maxRetryDelayMs. */
  retryDelayMs: number
}

/** The record as the router needs it: where it was read, and its headers (set by an earlier retry). */
export interface RoutedRecord {
  topic: string
  partition: number
  offset: bigint | number
  header (name: string): string | undefined
}

export type Route =
  | { to: 'stored' }
  | { to: 'retry', code: string, headers: Record<string, string> }
  | { to: 'dead-letter', code: string, reason: string, headers: Record<string, string> }

export function route (outcome: Outcome, record: RoutedRecord, now: number, policy: RetryPolicy): Route {
  if (outcome.kind === 'stored') return { to: 'stored' }
  // A record read from the retry topic keeps pointing at where it first arrived.
  const origin = {
    [Headers.originalTopic]: record.header(Headers.originalTopic) ?? record.topic,
    [Headers.originalPartition]: record.header(Headers.originalPartition) ?? String(record.partition),
    [Headers.originalOffset]: record.header(Headers.originalOffset) ?? String(record.offset)
  }
  const firstAttemptAt = Number(record.header(Headers.firstAttemptAt) ?? now)
  if (outcome.kind === 'retry-later' && now - firstAttemptAt < policy.retryWindowMs) {
    const attempt = Number(record.header(Headers.attempt) ?? 0) + 1
    const delay = Math.min(policy.retryDelayMs * 2 ** (attempt - 1), CONSUMER_DEFAULTS.maxRetryDelayMs)
    return {
      to: 'retry',
      code: outcome.code,
      headers: {
        ...origin,
        [Headers.firstAttemptAt]: String(firstAttemptAt),
        [Headers.attempt]: String(attempt),
        [Headers.notBefore]: String(now + delay),
        [Headers.reason]: outcome.reason
      }
    }
  }
  const reason = outcome.kind === 'retry-later'
    ? `${outcome.reason} (still missing after retrying for ${Math.round((now - firstAttemptAt) / 1000)} s)`
    : outcome.reason
  return {
    to: 'dead-letter',
    code: outcome.code,
    reason,
    headers: { ...origin, [Headers.reason]: reason, [Headers.status]: String(outcome.status), [Headers.code]: outcome.code }
  }
}
