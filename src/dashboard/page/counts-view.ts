// Stored records per entity, each with its ingest rate over the last poll interval.
import { el, fill } from './dom.ts'
import { formatCount, formatRate } from './format.ts'
import { ENTITIES, type Counts, type Entity } from './rates.ts'

export interface CountsView { show (counts: Counts, rates: Record<Entity, number> | undefined): void }

export function createCountsView (container: HTMLElement): CountsView {
  const values = new Map<Entity, HTMLElement>()
  const rates = new Map<Entity, HTMLElement>()
  fill(container, ...ENTITIES.map((entity) => {
    const value = el('span', { class: 'value', 'data-count': entity }, '…')
    const rate = el('span', { class: 'rate', 'data-rate': entity }, '')
    values.set(entity, value)
    rates.set(entity, rate)
    return el('div', { class: 'count', 'data-entity': entity }, el('span', { class: 'label' }, entity), value, rate)
  }))
  return {
    show (counts, latest) {
      for (const entity of ENTITIES) {
        values.get(entity)?.replaceChildren(formatCount(counts[entity]))
        rates.get(entity)?.replaceChildren(latest === undefined ? '' : formatRate(latest[entity]))
      }
    }
  }
}
