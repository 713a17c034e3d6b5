// Stores responsible-gambling changes. A change sets the fields it names; one that moves nothing (the same
// values again, or a change id already applied) changes nothing and adds no history row, so replays from
// Kafka and client retries are harmless. Each change runs in its user's locked row, so concurrent changes
// for one user apply one after the other and the history stays in the order they took effect.
import { DomainError, userNotFound } from '../domain/errors.ts'
import {
  applyChanges, changedFields, NO_GUARDRAILS, type ChangeSource, type GuardrailChange
} from '../domain/responsible-gambling.ts'
import { nowMicros } from '../domain/time.ts'
import type { Database } from '../storage/database.ts'
import { repositories, type Repositories } from '../storage/repositories/index.ts'
import type { HistoryEntry, StoredGuardrails } from '../storage/repositories/guardrails.ts'

export interface UserGuardrails extends StoredGuardrails { userId: number }
export interface GuardrailsWithHistory extends UserGuardrails { history: HistoryEntry[] }

export type ChangeOutcome = { ok: true, guardrails: UserGuardrails } | { ok: false, error: unknown }

async function applyChange (repos: Repositories, change: GuardrailChange, source: ChangeSource): Promise<UserGuardrails> {
  if (!(await repos.users.exists(change.userId))) throw userNotFound()
  const stored = await repos.guardrails.lock(change.userId)
  if (change.changeId !== undefined && !(await repos.guardrails.claimChangeId(change.changeId, change.userId))) {
    return { userId: change.userId, ...stored }
  }
  const moved = changedFields(stored.state, change)
  if (moved.length === 0) return { userId: change.userId, ...stored }
  const at = nowMicros()
  const state = applyChanges(stored.state, moved)
  await repos.guardrails.save(change.userId, state, at)
  await repos.guardrails.append(change.userId, { at, source, reason: change.reason ?? null, changeId: change.changeId ?? null, changes: moved })
  return { userId: change.userId, state, updatedAt: at }
}

export function guardrailService (database: Database) {
  const repos = repositories(database.db)

  return {
    async change (change: GuardrailChange, source: ChangeSource): Promise<UserGuardrails> {
      return database.db.transaction().execute(async (trx) => applyChange(repositories(trx), change, source))
    },

    /** Many changes in one transaction, in order; a refused one leaves nothing behind and does not stop the rest. */
    async changeMany (changes: Array<GuardrailChange | Error>, source: ChangeSource): Promise<ChangeOutcome[]> {
      return database.db.transaction().execute(async (trx) => {
        const scoped = repositories(trx)
        const outcomes: ChangeOutcome[] = []
        for (const change of changes) {
          if (change instanceof Error) {
            outcomes.push({ ok: false, error: change })
            continue
          }
          try {
            outcomes.push({ ok: true, guardrails: await applyChange(scoped, change, source) })
          } catch (error) {
            // Only a refusal (the user is not stored) is this change's answer; a failing database fails the batch.
            if (!(error instanceof DomainError)) throw error
            outcomes.push({ ok: false, error })
          }
        }
        return outcomes
      })
    },

    async read (userId: number): Promise<GuardrailsWithHistory> {
      if (!(await repos.users.exists(userId))) throw userNotFound()
      const stored = await repos.guardrails.find(userId) ?? { state: NO_GUARDRAILS, updatedAt: null }
      return { userId, ...stored, history: await repos.guardrails.history(userId) }
    }
  }
}

export type GuardrailService = ReturnType<typeof guardrailService>
