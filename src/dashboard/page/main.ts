// The dashboard page: polls GET /dashboard/overview every 2 s and hands each part of the answer to its
// view; the user lookup runs on demand. A failed poll shows the API as down and keeps the last figures.
import { getJson, KeyRequired } from './api.ts'
import { createCountsView } from './counts-view.ts'
import { showDeadLetters } from './dead-letters-view.ts'
import { byId } from './dom.ts'
import { formatClock } from './format.ts'
import { createKeyPrompt } from './key-prompt.ts'
import { showLag } from './lag-view.ts'
import { showLatency } from './latency-view.ts'
import { setUpLookup } from './lookup.ts'
import { createRateChart } from './rate-chart.ts'
import { RateHistory } from './rates.ts'
import { showRankings } from './rankings-view.ts'
import { showApiProblem, showServices } from './services-view.ts'
import type { DashboardOverview } from '../schema.ts'

const POLL_MS = 2000
const RATE_WINDOW_MS = 10 * 60_000

function start (): void {
  const history = new RateHistory(RATE_WINDOW_MS)
  const counts = createCountsView(byId('counts'))
  const chart = createRateChart(byId('rate-chart'))
  const services = byId('services')
  const updated = byId('updated')
  let timer: ReturnType<typeof setTimeout> | undefined
  let polling = false

  // A new key is tried at once, unless a poll is under way: that one plans the next, which sends the key.
  const keyPrompt = createKeyPrompt(() => {
    if (polling) return
    clearTimeout(timer)
    poll()
  })
  setUpLookup()

  function show (overview: DashboardOverview, at: Date): void {
    history.add(at.getTime(), overview.counts)
    counts.show(overview.counts, history.latest())
    chart.show(history.series())
    showServices(services, overview.services)
    showLag(byId('lag'), overview.services.consumers, overview.broker)
    showDeadLetters(byId('dead-letters'), overview.services.consumers, overview.broker)
    showRankings(byId('top-sports'), byId('top-leagues'), overview)
    showLatency(byId('latency'), overview.recommendation_latency)
    updated.textContent = `updated ${formatClock(at)}`
  }

  async function poll (): Promise<void> {
    let overview: DashboardOverview
    polling = true
    try {
      overview = await getJson<DashboardOverview>('/dashboard/overview')
    } catch (error) {
      if (error instanceof KeyRequired) keyPrompt.ask(error.message)
      showApiProblem(services, error instanceof Error ? error.message : String(error))
      updated.textContent = `last attempt ${formatClock(new Date())}`
      return
    } finally {
      // The next poll is planned when this one is answered, so a slow API is never asked twice at once.
      polling = false
      timer = setTimeout(poll, POLL_MS)
    }
    keyPrompt.hide()
    show(overview, new Date())
  }

  poll()
}

start()
