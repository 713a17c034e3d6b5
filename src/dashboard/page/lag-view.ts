// Consumer lag per partition, one row per topic and one column per partition, and the records the
// consumers handled since they started.
import type { ConsumerState, ConsumerStatusBody } from '../schema.ts'
import { addedRecords, lagMeasuredAt, mergedLag, reportsOf, type TopicLag } from './consumer-reports.ts'
import { el, fill, table } from './dom.ts'
import { formatCount, formatInstant } from './format.ts'

function lagCell (topic: TopicLag, partition: number): HTMLElement | string {
  const row = topic.partitions.get(partition)
  if (row === undefined) return ''
  const committed = row.committed === null || row.committed < 0 ? 'nothing committed' : `committed ${formatCount(row.committed)}`
  return el('span', { title: `${committed}, end ${formatCount(row.end)}`, 'data-topic': topic.topic, 'data-partition': String(partition) }, row.lag === null ? '—' : formatCount(row.lag))
}

export function showLag (container: HTMLElement, consumers: readonly ConsumerState[], broker: ConsumerStatusBody | null): void {
  const reports = reportsOf(consumers, broker)
  if (reports.length === 0) return fill(container, el('p', { class: 'empty' }, 'No consumer answered GET /status, and the broker has not been read yet.'))
  const topics = mergedLag(reports)
  const partitions = [...new Set(topics.flatMap((t) => [...t.partitions.keys()]))].sort((a, b) => a - b)
  const measured = lagMeasuredAt(reports)
  fill(container,
    table([{ title: 'topic' }, ...partitions.map((p) => ({ title: `p${p}`, numeric: true })), { title: 'total', numeric: true }],
      topics.map((t) => [
        t.topic,
        ...partitions.map((p) => lagCell(t, p)),
        formatCount([...t.partitions.values()].reduce((sum, r) => sum + Math.max(0, r.lag ?? 0), 0))
      ]),
      'No partitions measured yet.'),
    el('p', { class: 'muted' }, measured === undefined ? 'Lag not measured yet.' : `Records not yet committed, per partition; measured ${formatInstant(measured)}.`),
    el('h3', {}, 'Records since the consumers started'),
    table([{ title: 'topic' }, { title: 'consumed', numeric: true }, { title: 'stored', numeric: true }, { title: 'retried', numeric: true }, { title: 'dead-lettered', numeric: true }],
      addedRecords(reports).map(([topic, r]) => [topic, formatCount(r.consumed), formatCount(r.stored), formatCount(r.retried), formatCount(r.dead_lettered)]),
      'Nothing consumed yet.'))
}
