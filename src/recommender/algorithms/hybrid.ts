// hybrid: the other algorithms' rankings fused by reciprocal rank (Cormack et al., 2009): an event gains
// weight / (k + rank) from each ranking it is in. Rank fusion needs no common scale between the
// components' scores and is robust to one component's outliers. Each event keeps the reason of the
// component that gave it most.
import type { Scored } from './scored.ts'

export interface Component { weight: number, scored: readonly Scored[] }

/** Taste leads; co-bet evidence and the market's trend refine it. */
export const HYBRID_WEIGHTS = { affinity: 1, coBet: 0.5, trending: 0.25 } as const

/** The usual constant of reciprocal rank fusion: damps the difference between the first few ranks. */
export const RRF_K = 60

export function blend (components: readonly Component[]): Scored[] {
  const byEvent = new Map<number, { score: number, best: number, reason: Scored['reason'] }>()
  for (const { weight, scored } of components) {
    const ranked = [...scored].sort((a, b) => b.score - a.score || a.eventId - b.eventId)
    ranked.forEach((s, rank) => {
      const part = weight / (RRF_K + rank + 1)
      const entry = byEvent.get(s.eventId)
      if (entry === undefined) byEvent.set(s.eventId, { score: part, best: part, reason: s.reason })
      else {
        entry.score += part
        if (part > entry.best) Object.assign(entry, { best: part, reason: s.reason })
      }
    })
  }
  return [...byEvent].map(([eventId, e]) => ({ eventId, score: e.score, reason: e.reason }))
}
