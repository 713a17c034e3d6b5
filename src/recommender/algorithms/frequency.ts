// The frequency algorithm's rules as pure functions over plain data (no I/O), one per rule.
import type { SportStat } from '../../storage/repositories/recommendations.ts'

/** Sports by preference: most selections first; ties to the most recently bet, then alphabetical. */
export function rankSports (stats: readonly SportStat[]): string[] {
  return [...stats]
    .sort((a, b) => b.bets - a.bets || b.lastBetAt - a.lastBetAt || (a.sport < b.sport ? -1 : a.sport > b.sport ? 1 : 0))
    .map((s) => s.sport)
}
