// npm run dashboard:screenshot: docs/dashboard.png, the operator dashboard over generated data. It makes a
// dataset with the CLI's create-dummy, starts the API as a process on a throw-away SQLite file, opens the
// page in the machine's chromium, uploads the dataset to the API one entity at a time while the page polls
// (so the ingest chart has something to draw), asks for recommendations (so the latency table has figures),
// looks the busiest bettor up, and saves a full-page picture.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Command, InvalidArgumentError } from 'commander'
import { chromium, type Page } from 'playwright-core'
import { freePorts } from '../src/dev/ports.ts'
import { ROOT, startService } from './lib/services.ts'

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const ENTITIES = ['users', 'events', 'coupons'] as const
/** How long one wait for the page may take before the script gives up. */
const PAGE_TIMEOUT_MS = 60_000
/** Polls the page is left to make after the last upload before the picture is taken. */
const AFTER_UPLOAD_POLLS = 3
/** Users whose recommendations are asked for, each with every algorithm, for the latency table. */
const RECOMMENDED_USERS = 30

interface Options {
  users: number
  events: number
  coupons: number
  seed: number
  out: string
  width: number
  height: number
  chromium: string
  gatewayUrl?: string
  consumerUrls?: string
}

const positive = (value: string): number => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer')
  return n
}

/** Runs the project's CLI (`npm run cli -- <args>`) as its own process; fails when it does. */
async function cli (args: string[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', resolve)
  })
  if (code !== 0) throw new Error(`cli ${args.join(' ')} exited with ${code}`)
}

/** Polls `read` until `done` holds; the page redraws every 2 s, so this waits on what it shows. */
async function until<T> (what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + PAGE_TIMEOUT_MS
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`the page did not show ${what} within ${PAGE_TIMEOUT_MS / 1000} s (last: ${JSON.stringify(value)})`)
    await sleep(250)
  }
}

const shownCount = async (page: Page, entity: string): Promise<number> =>
  Number((await page.locator(`[data-count="${entity}"]`).textContent() ?? '').replace(/,/g, ''))

/** The users with the most coupons in the dataset, most first. */
function busiestUsers (datasetFile: string, count: number): number[] {
  const { coupons } = JSON.parse(readFileSync(datasetFile, 'utf8')) as { coupons: Array<{ user_id: number }> }
  const perUser = new Map<number, number>()
  for (const c of coupons) perUser.set(c.user_id, (perUser.get(c.user_id) ?? 0) + 1)
  return [...perUser.entries()].sort((a, b) => b[1] - a[1]).slice(0, count).map(([id]) => id)
}

async function screenshot (options: Options): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'dashboard-screenshot-'))
  const dataset = join(work, 'dash.json')
  const out = resolve(options.out)
  try {
    await cli(['create-dummy', '--users', String(options.users), '--events', String(options.events), '--coupons', String(options.coupons), '--seed', String(options.seed), '--out', dataset])
    const [port, gatewayPort, consumerPort] = await freePorts(3)
    const apiUrl = `http://127.0.0.1:${port as number}`
    const api = await startService('api', {
      env: {
        PORT: String(port),
        DATABASE_URL: `sqlite:${join(work, 'dashboard.sqlite')}`,
        LOG_LEVEL: 'warn',
        // Nothing listens on the free ports unless a running stack is named: the badges then show down.
        GATEWAY_URL: options.gatewayUrl ?? `http://127.0.0.1:${gatewayPort as number}`,
        CONSUMER_URLS: options.consumerUrls ?? `http://127.0.0.1:${consumerPort as number}`
      },
      logFile: join(work, 'api.log')
    })
    const browser = await chromium.launch({ executablePath: options.chromium, args: CHROMIUM_ARGS })
    try {
      const page = await browser.newPage({ viewport: { width: options.width, height: options.height } })
      page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`))
      await page.goto(`${apiUrl}/dashboard`)
      await until('the first counts', () => shownCount(page, 'users'), (n) => n === 0)

      const expected = { users: options.users, events: options.events, coupons: options.coupons }
      for (const entity of ENTITIES) {
        await cli(['upload', dataset, '--target', 'api', '--url', apiUrl, '--only', entity, '--concurrency', '4', '--no-progress'])
        await until(`${expected[entity]} ${entity}`, () => shownCount(page, entity), (n) => n >= expected[entity])
      }

      const algorithms = await (await fetch(`${apiUrl}/recommendation/algorithms`)).json() as Array<{ name: string }>
      const users = busiestUsers(dataset, RECOMMENDED_USERS)
      for (const user of users) {
        await Promise.all(algorithms.map(async ({ name }) => (await fetch(`${apiUrl}/recommendation/${user}?algorithm=${name}`)).arrayBuffer()))
      }
      await until('the recommendation latency', () => page.locator('#latency tbody tr').count(), (n) => n >= algorithms.length)

      await page.fill('#lookup-id', String(users[0]))
      await page.click('#lookup-form button')
      await until('the looked-up user', () => page.locator('[data-algorithm]').count(), (n) => n === algorithms.length)
      // The rate chart draws one point per poll: a few after the last upload bring the lines back to zero.
      for (let poll = 0; poll < AFTER_UPLOAD_POLLS; poll++) {
        const before = await page.locator('#updated').textContent()
        await until('another poll', () => page.locator('#updated').textContent(), (t) => t !== before)
      }
      await page.screenshot({ path: out, fullPage: true })
      process.stdout.write(`wrote ${out}\n`)
    } finally {
      await browser.close()
      await api.stop()
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

const program = new Command('dashboard-screenshot')
  .description('Regenerate docs/dashboard.png: the API alone on a throw-away SQLite file, filled with create-dummy data, in the machine\'s chromium.')
  .option('--users <n>', 'users to generate', positive, 300)
  .option('--events <n>', 'events to generate', positive, 120)
  .option('--coupons <n>', 'coupons to generate', positive, 2000)
  .option('--seed <n>', 'seed of the generator (same seed, same data)', positive, 7)
  .option('-o, --out <file>', 'where to write the picture', 'docs/dashboard.png')
  .option('--width <px>', 'browser viewport width', positive, 1280)
  .option('--height <px>', 'browser viewport height (the picture is the full page)', positive, 900)
  .option('--chromium <path>', 'chromium executable (never downloaded)', '/usr/bin/chromium')
  .option('--gateway-url <url>', "a running gateway to show (default: a free port, so the gateway's badge shows down)")
  .option('--consumer-urls <urls>', 'running consumers to show, comma-separated (default: a free port, shown as down)')
  .action(async (options: Options) => screenshot(options))

await program.parseAsync()
