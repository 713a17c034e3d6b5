// Offline ranking metrics over full rankings: each user's recommended list against the events they went on
// to bet on. Pure functions; binary relevance.

export interface Ranking { recommended: readonly number[], truth: ReadonlySet<number> }

export interface Metrics {
  users: number
  hr3: number
  hr10: number
  ndcg10: number
  recall10: number
  /** Distinct recommended events over the events open at the split. */
  coverage: number
}

/** 1 when any of the first k recommended events is in the truth. */
export function hitRate (r: Ranking, k: number): number {
  return r.recommended.slice(0, k).some((id) => r.truth.has(id)) ? 1 : 0
}

/** Share of the truth found in the first k recommended events (the truth capped at k, so 1 is reachable). */
export function recall (r: Ranking, k: number): number {
  if (r.truth.size === 0) return 0
  const hits = r.recommended.slice(0, k).filter((id) => r.truth.has(id)).length
  return hits / Math.min(k, r.truth.size)
}

/** Normalised discounted cumulative gain at k: hits near the top count most; 1 is the ideal order. */
export function ndcg (r: Ranking, k: number): number {
  let dcg = 0
  r.recommended.slice(0, k).forEach((id, i) => { if (r.truth.has(id)) dcg += 1 / Math.log2(i + 2) })
  let ideal = 0
  for (let i = 0; i < Math.min(k, r.truth.size); i++) ideal += 1 / Math.log2(i + 2)
  return ideal === 0 ? 0 : dcg / ideal
}

export function summarise (rankings: readonly Ranking[], openEvents: number): Metrics {
  const n = rankings.length
  const mean = (f: (r: Ranking) => number) => n === 0 ? 0 : rankings.reduce((sum, r) => sum + f(r), 0) / n
  const distinct = new Set(rankings.flatMap((r) => r.recommended.slice(0, 10)))
  return {
    users: n,
    hr3: mean((r) => hitRate(r, 3)),
    hr10: mean((r) => hitRate(r, 10)),
    ndcg10: mean((r) => ndcg(r, 10)),
    recall10: mean((r) => recall(r, 10)),
    coverage: openEvents === 0 ? 0 : distinct.size / openEvents
  }
}

/** The value below which `q` of the samples fall (nearest rank). */
export function quantile (samples: readonly number[], q: number): number {
  if (samples.length === 0) return 0
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number
}
