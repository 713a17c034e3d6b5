// hybrid: the other algorithms' scores, each scaled to its own best, added with weights. Each event keeps
// the reason of the component that gave it most.
import { maxScore, type Scored } from './scored.ts'

export interface Component { weight: number, scored: readonly Scored[] }

/** Taste leads; co-bet evidence and the market's trend refine it. */
export const HYBRID_WEIGHTS = { affinity: 1, coBet: 0.5, trending: 0.25 } as const

export function blend (components: readonly Component[]): Scored[] {
  const byEvent = new Map<number, { score: number, best: number, reason: Scored['reason'] }>()
  for (const { weight, scored } of components) {
    const max = maxScore(scored.map((s) => s.score))
    if (max <= 0) continue
    for (const s of scored) {
      const part = weight * s.score / max
      const entry = byEvent.get(s.eventId)
      if (entry === undefined) byEvent.set(s.eventId, { score: part, best: part, reason: s.reason })
      else {
        entry.score += part
        if (part > entry.best) Object.assign(entry, { best: part, reason: s.reason })
      }
    }
  }
  return [...byEvent].map(([eventId, e]) => ({ eventId, score: e.score, reason: e.reason }))
}
