// The operator dashboard in a real browser (the machine's chromium driven by playwright-core) over a real
// stack: records go in through the gateway and Kafka, a consumer in-process and one as a real process store
// them through the API, and the page is served by an API over the same database whose config points at
// that gateway and those consumers. Stopping the consumer process must turn its badge red.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApi, type Api } from '../../src/api/app.ts'
import { loadConfig } from '../../src/config/config.ts'
import { countRows, couponBody, eventBody, userBody } from '../helpers/records.ts'
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.ts'
import { ServiceProcess } from '../helpers/service-process.ts'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

const USERS = [101, 102, 103]
const EVENTS = [
  { id: 201, sport: 'football', country: 'England', league: 'Premier League', participants: ['Arsenal', 'Chelsea'] },
  { id: 202, sport: 'football', country: 'England', league: 'Premier League', participants: ['Liverpool', 'Everton'] },
  { id: 203, sport: 'tennis', country: 'World', league: 'ATP', participants: ['Alcaraz', 'Sinner'] }
]
const COUPONS = [{ id: 301, user: 101, events: [201] }, { id: 302, user: 102, events: [201, 203] }, { id: 303, user: 101, events: [203] }]

interface Recommendation { events: Array<{ participants: string[], reason: { text: string } }> }

describe('dashboard in a browser', () => {
  let pipeline: Pipeline
  let consumer: ServiceProcess
  let dashboard: Api
  let dashboardUrl: string
  let browser: Browser
  let page: Page
  let logDir: string
  /** Console errors and uncaught exceptions of the page: any is a failure. */
  const problems: string[] = []

  const text = async (selector: string) => (await page.locator(selector).allTextContents()).join(' ')
  /** The counts the page shows, read in one go: read one by one, they could straddle a redraw. */
  const shownCounts = async () => {
    const pairs: Array<[string, string]> = await page.locator('[data-count]').evaluateAll((elements) =>
      elements.map((e) => [e.getAttribute('data-count') ?? '', e.textContent ?? '']))
    return Object.fromEntries(pairs.map(([entity, shown]) => [entity, Number(shown.replace(/,/g, ''))]))
  }
  const badge = (service: string, url: string) => page.locator(`li[data-service="${service}"][data-url="${url}"]`)
  // The badges are redrawn on every poll; one not drawn yet has no class rather than a wait.
  const badgeClass = async (service: string, url: string) => {
    const found = badge(service, url)
    return (await found.count()) === 0 ? '' : await found.getAttribute('class', { timeout: 2000 }) ?? ''
  }

  beforeAll(async () => {
    pipeline = await startPipeline('sqlite')
    logDir = mkdtempSync(join(tmpdir(), 'dashboard-browser-'))
    const { kafka } = pipeline.config
    consumer = new ServiceProcess({
      name: 'consumer',
      command: 'consumer',
      env: {
        LOG_LEVEL: 'warn',
        BOOTSTRAP_SERVER: kafka.bootstrapServers.join(','),
        TOPIC_PREFIX: kafka.topicPrefix,
        CONSUMER_GROUP_PREFIX: kafka.groupPrefix,
        API_URL: pipeline.apiUrl,
        RETRY_DELAY_MS: '200'
      },
      logFile: join(logDir, 'consumer.log')
    })
    ;[browser] = await Promise.all([
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
      consumer.start()
    ])
    const inProcess = pipeline.consumers[0]?.url as string
    const config = loadConfig({
      ...pipeline.db.env,
      LOG_LEVEL: 'silent',
      GATEWAY_URL: pipeline.gatewayUrl,
      CONSUMER_URLS: `${inProcess},${consumer.url}`,
      // The API reads the consumer groups' lag from the broker itself, for when no consumer answers.
      BOOTSTRAP_SERVER: kafka.bootstrapServers.join(','),
      TOPIC_PREFIX: kafka.topicPrefix,
      CONSUMER_GROUP_PREFIX: kafka.groupPrefix
    })
    dashboard = await buildApi({ config, database: pipeline.db.database, logger: false })
    dashboardUrl = await dashboard.listen({ host: '127.0.0.1', port: 0 })

    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`) })
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await dashboard?.close()
    if (consumer?.running === true) await consumer.stop()
    await pipeline?.close()
    if (logDir !== undefined) rmSync(logDir, { recursive: true, force: true })
  })

  it('loads with every service up and no console errors', async () => {
    await page.goto(`${dashboardUrl}/dashboard`)
    expect(await page.title()).toContain('operations')
    const urls = [pipeline.consumers[0]?.url as string, consumer.url]
    const states = async () => [await badgeClass('gateway', pipeline.gatewayUrl), ...await Promise.all(urls.map((u) => badgeClass('consumer', u)))]
    await eventually(states, (classes) => classes.every((c) => c.includes('up')), 30_000)
    expect(await page.locator('li[data-service="api"]').getAttribute('class')).toContain('up')
    expect(problems).toEqual([])
  })

  it('shows the counts the database holds after an upload through the gateway, and the dead-lettered reason', async () => {
    const accepted = async (path: string, body: unknown) => expect((await pipeline.post(path, body)).status, path).toBe(202)
    for (const id of USERS) await accepted('/users', userBody({ id }))
    for (const { id, ...event } of EVENTS) await accepted('/events', eventBody({ id, ...event }))
    for (const coupon of COUPONS) await accepted('/coupons', couponBody(coupon.user, coupon.events, { id: coupon.id }))
    // The same user id with other content: the consumers dead-letter it as a conflict.
    await accepted('/users', userBody({ id: 103, gender: 'F' }))

    const db = pipeline.db.database.db
    const stored = async () => ({ users: await countRows(db, 'users'), events: await countRows(db, 'events'), coupons: await countRows(db, 'coupons') })
    const expected = { users: USERS.length, events: EVENTS.length, coupons: COUPONS.length }
    expect(await eventually(stored, (counts) => counts.coupons === expected.coupons, 45_000)).toEqual(expected)
    expect(await eventually(shownCounts, (counts) => counts.coupons === expected.coupons, 15_000)).toEqual(await stored())

    const usersTopic = `${pipeline.config.kafka.topicPrefix}users`
    await eventually(() => text('#dead-letters'), (t) => t.includes('User 103 already exists with different content'), 30_000)
    expect(await text('#dead-letters')).toContain(`${usersTopic}.dlq`)
    // Lag per partition of every topic the consumers read, as they measured it on the broker.
    const lagCells = page.locator(`#lag [data-topic="${usersTopic}"][data-partition]`)
    // Everything was stored, so once measured after the commits every partition's lag is 0.
    const caughtUp = Array(pipeline.config.kafka.partitions).fill('0')
    expect(await eventually(() => lagCells.allTextContents(), (cells) => cells.join() === caughtUp.join(), 30_000)).toEqual(caughtUp)
    expect(await text('#top-sports')).toMatch(/football.*tennis|tennis.*football/)
    expect(problems).toEqual([])
  }, 150_000)

  it("looks a user up: profile, coupons, and each algorithm's recommendation with its reasons", async () => {
    await page.fill('#lookup-id', '101')
    await page.click('#lookup-form button')
    await page.locator('[data-user="101"]').waitFor({ timeout: 15_000 })
    await eventually(() => page.locator('[data-algorithm]').count(), (n) => n > 0, 15_000)
    expect(await text('[data-user="101"]')).toContain('GB')

    const algorithms = await (await fetch(`${dashboardUrl}/recommendation/algorithms`)).json() as Array<{ name: string }>
    expect(await page.locator('[data-algorithm]').count()).toBe(algorithms.length)
    let eventsShown = 0
    for (const { name } of algorithms) {
      const [answer] = await (await fetch(`${dashboardUrl}/recommendation/101?algorithm=${name}`)).json() as Recommendation[]
      const shown = await text(`[data-algorithm="${name}"]`)
      for (const event of answer?.events ?? []) {
        expect(shown, name).toContain(event.participants.join(' v '))
        expect(shown, name).toContain(event.reason.text)
        eventsShown++
      }
    }
    // The data gives user 101 something to be recommended: the check above must have had events to compare.
    expect(eventsShown).toBeGreaterThan(0)
    const names = EVENTS.map((e) => e.participants.join(' v '))
    const lookup = await text('#lookup')
    expect(names.some((n) => lookup.includes(n))).toBe(true)
    expect(problems).toEqual([])
  })

  it('asks for the API key when reads are protected, keeps it for the tab and sends it', async () => {
    const key = 'dashboard-key'
    const guardedConfig = loadConfig({ ...pipeline.db.env, LOG_LEVEL: 'silent', API_KEYS: key, PROTECT_READS: 'true', GATEWAY_URL: pipeline.gatewayUrl, CONSUMER_URLS: consumer.url })
    const guarded = await buildApi({ config: guardedConfig, database: pipeline.db.database, logger: false })
    const guardedUrl = await guarded.listen({ host: '127.0.0.1', port: 0 })
    const keyed = await browser.newPage()
    const errors: string[] = []
    keyed.on('pageerror', (error) => errors.push(error.message))
    try {
      // The shell and its files are open; the page's own reads need the key.
      await keyed.goto(`${guardedUrl}/dashboard`)
      await keyed.locator('#key-form').waitFor({ state: 'visible', timeout: 15_000 })
      expect(await keyed.locator('#key-message').textContent()).toMatch(/API key/)
      expect(await keyed.locator('li[data-service="api"]').getAttribute('class')).toContain('down')

      await keyed.fill('#key-input', 'not-the-key')
      await keyed.click('#key-form button')
      await eventually(async () => keyed.locator('#key-message').textContent(), (t) => t?.startsWith('The key was refused') === true, 15_000)

      await keyed.fill('#key-input', key)
      await keyed.click('#key-form button')
      await keyed.locator('#key-form').waitFor({ state: 'hidden', timeout: 15_000 })
      const shown = await eventually(async () => keyed.locator('[data-count="users"]').textContent(), (t) => t === String(USERS.length), 15_000)
      expect(shown).toBe(String(await countRows(pipeline.db.database.db, 'users')))
      expect(await keyed.evaluate('sessionStorage.getItem("betting-dashboard.api-key")')).toBe(key)
      expect(errors).toEqual([])
    } finally {
      await keyed.close()
      await guarded.close()
    }
  })

  it('shows a stopped consumer as down, with why, within 15 s', async () => {
    const inProcess = pipeline.consumers[0]?.url as string
    await consumer.stop()
    await eventually(() => badgeClass('consumer', consumer.url), (c) => c.includes('down'), 15_000)
    expect(await badge('consumer', consumer.url).locator('.reason').textContent()).toMatch(/ECONNREFUSED|no answer/)
    expect(await badgeClass('consumer', inProcess)).toContain('up')
    expect(problems).toEqual([])
  })

  it('shows the lag of the users topic, read from the broker, within 15 s of the last consumer stopping', async () => {
    await pipeline.consumers[0]?.stop()
    for (const id of [701, 702, 703, 704, 705]) expect((await pipeline.post('/users', userBody({ id }))).status).toBe(202)
    const stoppedAt = Date.now()
    const usersTopic = `${pipeline.config.kafka.topicPrefix}users`
    const shownLag = async () => (await page.locator(`#lag span[data-topic="${usersTopic}"]`).allTextContents())
      .reduce((sum, text) => sum + (Number(text.replace(/\D/g, '')) || 0), 0)
    await eventually(shownLag, (lag) => lag === 5, 30_000)
    expect(Date.now() - stoppedAt).toBeLessThan(15_000)
    expect(problems).toEqual([])
  })
})
