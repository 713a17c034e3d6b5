// The header's badges: one per service, green when up, red with the reason when down. The API reports on
// the gateway and consumers, so when the API itself cannot be read their state is unknown, not down.
import type { DashboardOverview } from '../schema.ts'
import { el, fill } from './dom.ts'

type Services = DashboardOverview['services']

function badge (service: string, label: string, status: 'up' | 'down' | 'unknown', detail?: string, url?: string): HTMLElement {
  const attributes: Record<string, string> = { class: `badge ${status}`, 'data-service': service }
  if (url !== undefined) attributes['data-url'] = url
  if (detail !== undefined) attributes.title = detail
  return el('li', attributes, el('strong', {}, label), ` ${status}`, detail !== undefined && el('span', { class: 'reason' }, detail))
}

const hostOf = (url: string): string => {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

export function showServices (list: HTMLElement, services: Services): void {
  const { gateway, consumers } = services
  fill(list,
    badge('api', 'api', 'up'),
    badge('gateway', 'gateway', gateway.status, gateway.detail, gateway.url),
    ...consumers.map((c) => badge('consumer', `consumer ${hostOf(c.url)}`, c.status, c.detail, c.url)))
}

/** The API could not be read: it is down (or wants a key), and what it would say about the others is unknown. */
export function showApiProblem (list: HTMLElement, problem: string): void {
  fill(list, badge('api', 'api', 'down', problem), badge('gateway', 'gateway', 'unknown'), badge('consumer', 'consumers', 'unknown'))
}
