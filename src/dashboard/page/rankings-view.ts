// Where the bets go: the top sports and leagues by selections on their events, each with a bar scaled to
// the first (largest) entry.
import type { DashboardOverview } from '../schema.ts'
import { el, fill, table, type Child } from './dom.ts'
import { formatCount } from './format.ts'

function bar (bets: number, most: number): HTMLElement {
  const bar = el('div', { class: 'bar' })
  // A width set through the CSSOM: the page's content policy refuses inline style attributes.
  bar.style.width = `${most === 0 ? 0 : Math.round((bets / most) * 100)}%`
  return bar
}

function ranking (rows: ReadonlyArray<{ label: Child, bets: number }>): HTMLElement {
  const most = rows[0]?.bets ?? 0
  return table([{ title: '' }, { title: 'bets', numeric: true }, { title: '', meter: true }],
    rows.map((r) => [r.label, formatCount(r.bets), bar(r.bets, most)]),
    'No bets stored yet.')
}

export function showRankings (sports: HTMLElement, leagues: HTMLElement, overview: DashboardOverview): void {
  fill(sports, ranking(overview.top_sports.map((s) => ({ label: s.sport, bets: s.bets }))))
  fill(leagues, ranking(overview.top_leagues.map((l) => ({
    label: el('span', {}, l.league, ' ', el('span', { class: 'muted' }, `${l.sport} · ${l.country}`)),
    bets: l.bets
  }))))
}
