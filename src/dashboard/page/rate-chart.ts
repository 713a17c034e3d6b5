// The ingest-rate chart: one uPlot line per entity over the last minutes. uPlot comes from its own script
// tag (served by the API from the uplot package), so the page bundle only carries its types.
import type uPlot from 'uplot'
import { el, fill } from './dom.ts'
import { formatClock } from './format.ts'
import { ENTITIES, type Entity, type RateSeries } from './rates.ts'

const HEIGHT = 240
const MIN_SPAN_S = 60
const COLOURS: Record<Entity, string> = { users: '#2563eb', events: '#16a34a', coupons: '#d97706' }

export interface RateChart { show (series: RateSeries): void }

export function createRateChart (container: HTMLElement): RateChart {
  const UPlot = (window as unknown as { uPlot?: typeof uPlot }).uPlot
  if (UPlot === undefined) {
    // Without its library the chart is lost, not the page: the counts and rates beside it stay live.
    fill(container, el('p', { class: 'problem' }, 'The chart library did not load; reload the page to draw the ingest rate.'))
    return { show () {} }
  }
  const now = Date.now() / 1000
  let span: uPlot.Range.MinMax = [now - MIN_SPAN_S, now]
  const options: uPlot.Options = {
    width: container.clientWidth,
    height: HEIGHT,
    scales: {
      // The span of the points shown, at least a minute: uPlot's own guess for a single point is years wide.
      x: { time: true, range: () => span },
      y: { range: (_self, _min, max) => [0, Math.max(1, max * 1.1)] }
    },
    series: [
      {},
      ...ENTITIES.map((entity) => ({ label: entity, stroke: COLOURS[entity], width: 2 }))
    ],
    axes: [
      // Clock times on one line: uPlot's default adds a date line whose labels run into each other.
      { space: 80, values: (_self, ticks) => ticks.map((t) => formatClock(new Date(t * 1000))) },
      { label: 'records/s', size: 60 }
    ],
    // The legend names the lines; values under the cursor would only repeat the axis.
    legend: { live: false }
  }
  const chart = new UPlot(options, [[], [], [], []], container)
  new ResizeObserver(() => chart.setSize({ width: container.clientWidth, height: HEIGHT })).observe(container)
  return {
    show ({ times, rates }) {
      const [first, last] = [times[0], times.at(-1)]
      if (first !== undefined && last !== undefined) span = [Math.min(first, last - MIN_SPAN_S), last]
      chart.setData([times, ...ENTITIES.map((entity) => rates[entity])])
    }
  }
}
