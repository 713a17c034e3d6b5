// Dead letters: how many records each dead-letter topic holds, and the newest reasons, as the consumers
// report them.
import type { ConsumerState, ConsumerStatusBody } from '../schema.ts'
import { deadLetterTotals, latestDeadLetters, reportsOf } from './consumer-reports.ts'
import { el, fill, table } from './dom.ts'
import { formatCount, formatInstant } from './format.ts'

/** How many of the newest dead-letter reasons are listed. */
const LATEST_REASONS = 8

export function showDeadLetters (container: HTMLElement, consumers: readonly ConsumerState[], broker: ConsumerStatusBody | null): void {
  const reports = reportsOf(consumers, broker)
  if (reports.length === 0) return fill(container, el('p', { class: 'empty' }, 'No consumer answered GET /status, and the broker has not been read yet.'))
  const latest = latestDeadLetters(reports, LATEST_REASONS)
  fill(container,
    table([{ title: 'topic' }, { title: 'records', numeric: true }],
      deadLetterTotals(reports).map(([topic, n]) => [topic, formatCount(n)]),
      'No dead-letter topics reported.'),
    el('h3', {}, 'Latest reasons'),
    latest.length === 0
      ? el('p', { class: 'empty' }, 'Nothing dead-lettered.')
      : el('ul', { class: 'reasons' }, ...latest.map((d) => el('li', {},
        el('span', { class: 'muted' }, `${formatInstant(d.at)} · ${d.topic} · ${d.code}`),
        el('div', {}, d.reason)))))
}
