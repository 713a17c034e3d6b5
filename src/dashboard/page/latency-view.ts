// How long recommendation answers take, per path and algorithm, as the API's histogram estimates them.
import type { LatencyRow } from '../schema.ts'
import { fill, table } from './dom.ts'
import { formatCount, formatMs } from './format.ts'

export function showLatency (container: HTMLElement, rows: readonly LatencyRow[]): void {
  fill(container, table(
    [{ title: 'path' }, { title: 'algorithm' }, { title: 'count', numeric: true }, { title: 'p50', numeric: true }, { title: 'p95', numeric: true }],
    rows.map((r) => [r.path, r.algorithm, formatCount(r.count), formatMs(r.p50_ms), formatMs(r.p95_ms)]),
    'No recommendation answered yet.'))
}
