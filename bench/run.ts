// npm run bench: builds a dataset with the project's generator, starts a real broker and the services as
// processes, measures every figure of docs/benchmarks.md (median of --runs), and writes the results.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { constants, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Command, InvalidArgumentError, Option } from 'commander'
import pg from 'pg'
import { Agent, request } from 'undici'
import { DEFAULT_ALGORITHM } from '../src/domain/algorithms.ts'
import type { EntityName } from '../src/domain/entities.ts'
import { terminateOnExit } from '../src/dev/exit-cleanup.ts'
import { startThrowawayBroker, type LocalBroker } from '../src/dev/local-broker.ts'
import { freePorts } from '../src/dev/ports.ts'
import { defineServiceStack } from '../src/dev/service-stack.ts'
import { eventRecords } from '../src/tools/dataset.ts'
import type { FeedResult, FeedSpec } from './feed.ts'
import { kafkaProducerPerf } from './references.ts'
import type { SqliteRawResult, SqliteRawSpec } from './sqlite-raw.ts'
import { openObserver, type Observer } from './lib/observe.ts'
import { machine, newestRun, writeResults, type Results } from './lib/report.ts'
import { asService, cpuSeconds, ROOT, RssSampler, runScript, type Service } from './lib/services.ts'
import type { LoadOutput, LoadResult, LoadSpec } from './load.ts'

interface Scale { users: number, events: number, coupons: number }

interface Plan {
  /** The dataset the GET, POST and pipeline figures are measured on; its coupons time the bulk load. */
  scale: Scale
  /** Events and coupons per user in the databases of the event-upload stages that are not the scale's. */
  stageEventsPerUser: number
  stageCouponsPerUser: number
  /** Seconds of each autocannon run (after a warm-up of a third of it). */
  loadSeconds: number
  pipelineSingle: number
  pipelineBatch: number
  e2eSeconds: number
  /**
   * Each bulk-load run on a fresh stack (database and topics), or all on one stack with the dataset's ids
   * moved along per run (--quick: a stack takes longer to start than its small load takes).
   */
  freshStackPerLoad: boolean
}

const FULL: Plan = {
  scale: { users: 100_000, events: 20_000, coupons: 1_000_000 },
  stageEventsPerUser: 0.2,
  stageCouponsPerUser: 10,
  loadSeconds: 10,
  pipelineSingle: 30_000,
  pipelineBatch: 200_000,
  e2eSeconds: 15,
  freshStackPerLoad: true
}
const QUICK: Plan = {
  scale: { users: 5_000, events: 1_000, coupons: 20_000 },
  stageEventsPerUser: 0.02,
  stageCouponsPerUser: 0.5,
  loadSeconds: 2,
  pipelineSingle: 3_000,
  pipelineBatch: 10_000,
  e2eSeconds: 2,
  freshStackPerLoad: false
}
const STAGES = [1_000, 10_000, 100_000]
/** The generator's first id (its default); --quick's later bulk-load runs move it along by ID_STRIDE. */
const FIRST_ID = 100_000
const ID_STRIDE = 10_000_000
/** Event-upload samples per stage, after as many unmeasured ones. */
const EVENT_SAMPLES = 7
const CONNECTIONS = 32
const E2E_RATE = 2_000
const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test'
const KAFKA_CACHE = join(process.env.HOME ?? tmpdir(), '.cache', 'betting-kafka')
/** A user as the gateway writes it to Kafka: the size of the pipeline figures' records, for Kafka's own producer benchmark. */
const PIPELINE_RECORD_BYTES = Buffer.byteLength(JSON.stringify({ id: 900_000_000_000, birth_year: 1990, country: 'GR', currency: 'EUR', gender: 'F', registration_date: new Date(0).toISOString() }))
/** A sport the generator never uses, so the event-upload probe's user has it alone as favourite. */
const PROBE_SPORT = 'Curling'

interface Options { quick?: boolean, db: 'sqlite' | 'postgres', runs: number, loadRuns?: number, profile?: boolean, scaling?: boolean }

/** How many API instances and consumers a stack runs (one gateway always). */
interface Topology { apis: number, consumers: number }
/** The scaling figures' deployments: one of each, three consumers, two API instances, both. */
const TOPOLOGIES: Topology[] = [{ apis: 1, consumers: 1 }, { apis: 1, consumers: 3 }, { apis: 2, consumers: 1 }, { apis: 2, consumers: 3 }]

interface ScalingRow extends Topology {
  single_records_per_s: number
  batch_records_per_s: number
  /** Each process's CPU per record, batches of 1,000. */
  batch_cpu_us_per_record: Record<string, number>
}

const log = (message: string): void => { process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`) }
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}
const round = (value: number, digits = 1): number => Number(value.toFixed(digits))

/** One API (and, for the pipeline, a gateway and consumers) over a fresh database and topics of its own. */
interface Stack {
  apiUrl: string
  gatewayUrl: string
  databaseUrl: string
  schema: string
  services: Service[]
  observer: Observer
  stop (): Promise<void>
}

class Bench {
  private readonly work = mkdtempSync(join(tmpdir(), 'betting-bench-'))
  private readonly rss = new RssSampler()
  private readonly schemas: string[] = []
  private stacks = 0
  private nextProbeId = 900_000_000_000
  private broker: LocalBroker | undefined

  constructor (private readonly options: Options, private readonly plan: Plan) {}

  private get postgresUrl (): string {
    return process.env.TEST_POSTGRES_URL ?? DEFAULT_POSTGRES
  }

  /** Compiles src/ to dist/ once: the services run the build, as the image does. */
  async build (): Promise<void> {
    log('building dist/ (npm run build): the services run the compiled code, as the image does')
    const child = spawn('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', resolve)
    })
    if (code !== 0) throw new Error(`npm run build exited with ${String(code)}`)
  }

  async startBroker (): Promise<void> {
    log('starting a throw-away Kafka broker (KAFKA_HEAP 512m)')
    this.broker = await startThrowawayBroker({ cacheDir: KAFKA_CACHE, heap: '512m', onProgress: log })
  }

  /** Starts an API over a fresh database, and with `pipeline` a gateway and consumers on fresh topics. */
  async stack (pipeline: boolean, watchRss: boolean, topology: Topology = { apis: 1, consumers: 1 }): Promise<Stack> {
    const n = ++this.stacks
    const postgres = this.options.db === 'postgres'
    const schema = `bench_${process.pid}_${n}`
    if (postgres) this.schemas.push(schema)
    const databaseUrl = postgres ? this.postgresUrl : `sqlite:${join(this.work, `stack-${n}.sqlite`)}`
    const logDir = join(this.work, `stack-${n}`)
    mkdirSync(logDir)
    const stack = await defineServiceStack({
      bootstrap: this.broker?.bootstrap ?? '',
      env: {
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        DATABASE_SCHEMA: schema,
        TOPIC_PREFIX: `bench${n}-`,
        CONSUMER_GROUP_PREFIX: `bench${n}`,
        API_KEYS: '',
        API_KEY: '',
        LOG_LEVEL: 'warn'
      },
      apis: topology.apis,
      gateways: pipeline ? 1 : 0,
      consumers: pipeline ? topology.consumers : 0,
      logDir,
      nodeFlags: this.options.profile === true ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'data', 'bench-profiles')}`] : [],
      entry: 'build'
    })
    await stack.start()
    const services = stack.all.map(asService)
    if (watchRss) for (const service of services) this.rss.watch(service.name, service.pid)
    const observer = await openObserver(databaseUrl, schema)
    return {
      apiUrl: stack.apiUrls[0] as string,
      gatewayUrl: stack.gatewayUrls[0] ?? '',
      databaseUrl,
      schema,
      services,
      observer,
      async stop () {
        await observer.close()
        await stack.stop()
      }
    }
  }

  /** The limit reference: a bare fastify app's GET /health (bench/bare-fastify.ts), under the API's own load. */
  async bareFastify (): Promise<{ rps: number, cpuUs: number }> {
    const [port] = await freePorts(1)
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'bare-fastify.ts'), String(port)], { cwd: ROOT, stdio: 'ignore' })
    terminateOnExit(child)
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    const url = `http://127.0.0.1:${port as number}`
    try {
      const deadline = Date.now() + 60_000
      while (!(await fetch(`${url}/health`).then((r) => r.ok, () => false))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error('bench/bare-fastify.ts did not start')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      // measure() reads only the process's CPU time: its pid is all this reference needs.
      const server = { name: 'bare-fastify', pid: child.pid as number, ended: undefined, stop: async () => {} } as unknown as Service
      return await this.measure('reference: bare fastify GET /health', server, { url, connections: CONNECTIONS, scenario: { kind: 'static', method: 'GET', path: '/health' } })
    } finally {
      child.kill('SIGTERM')
      await exited
    }
  }

  async load (spec: LoadSpec): Promise<LoadOutput> {
    const output = await runScript<LoadOutput>('load.ts', spec)
    for (const r of output.runs) if (r.errors > 0 || r.non2xx > 0) log(`  warning: ${r.non2xx} non-2xx answers and ${r.errors} errors`)
    return output
  }

  /**
   * Warm-up, then `runs` measured autocannon runs in one load process: the median of each figure, and
   * the CPU the server process spent per request (which, unlike req/s, hardly moves when other work
   * shares the machine).
   */
  async measure (label: string, server: Service, spec: Omit<LoadSpec, 'duration'>): Promise<{ rps: number, p99: number, cpuUs: number, runs: LoadResult[] }> {
    const before = await cpuSeconds(server.pid) ?? 0
    // At least 3 s of warm-up on every route: a cold process (the JIT, the statement caches) read a quick
    // run's ceiling at half the full run's.
    const { warmup, runs } = await this.load({ ...spec, duration: this.plan.loadSeconds, warmup: Math.max(3, Math.round(this.plan.loadSeconds / 3)), runs: this.options.runs })
    const requests = [warmup, ...runs].reduce((sum, r) => sum + (r === undefined ? 0 : r.ok + r.non2xx), 0)
    const cpuUs = Math.round(1e6 * ((await cpuSeconds(server.pid) ?? 0) - before) / requests)
    const rps = median(runs.map((r) => r.rps))
    const p99 = median(runs.map((r) => r.p99))
    log(`${label}: ${Math.round(rps)} req/s, p99 ${p99} ms, ${cpuUs} µs server CPU per request (runs: ${runs.map((r) => Math.round(r.rps)).join(', ')})`)
    return { rps, p99, cpuUs, runs }
  }

  feed (stack: Stack, target: 'gateway' | 'api', entity: EntityName, dataset: FeedSpec['dataset']): Promise<FeedResult> {
    const spec: FeedSpec = {
      url: target === 'gateway' ? stack.gatewayUrl : stack.apiUrl,
      target,
      entity,
      dataset,
      batch: target === 'gateway' ? 1000 : 2000,
      concurrency: target === 'gateway' ? 4 : 2
    }
    return runScript<FeedResult>('feed.ts', spec)
  }

  /**
   * Loads a dataset entity by entity, each fully stored before the next (coupons need their users and
   * events); answers how long the coupons took and the CPU each service spent per coupon.
   */
  async loadDataset (stack: Stack, target: 'gateway' | 'api', scale: Scale, nowMs: number, firstId = FIRST_ID): Promise<{ seconds: number, cpuUsPerCoupon: Record<string, number> }> {
    const dataset = { ...scale, seed: 42, nowMs, firstId }
    const stored = { users: await stack.observer.count('users'), events: await stack.observer.count('events'), coupons: await stack.observer.count('coupons') }
    const result = { seconds: 0, cpuUsPerCoupon: {} as Record<string, number> }
    for (const entity of ['users', 'events', 'coupons'] as const) {
      const before = await Promise.all(stack.services.map(async (s) => await cpuSeconds(s.pid) ?? 0))
      const fed = await this.feed(stack, target, entity, dataset)
      const storedAt = await waitForCount(stack, entity, stored[entity] + scale[entity], 20 * 60_000)
      const seconds = (storedAt - fed.startedAt) / 1000
      log(`  ${entity}: ${scale[entity]} stored in ${seconds.toFixed(1)} s (${Math.round(scale[entity] / seconds)}/s; sending took ${fed.seconds.toFixed(1)} s)`)
      if (entity !== 'coupons') continue
      result.seconds = seconds
      const after = await Promise.all(stack.services.map(async (s) => await cpuSeconds(s.pid) ?? 0))
      stack.services.forEach((s, i) => { result.cpuUsPerCoupon[s.name] = Math.round(1e6 * ((after[i] ?? 0) - (before[i] ?? 0)) / scale.coupons) })
      log(`  CPU per coupon: ${Object.entries(result.cpuUsPerCoupon).map(([name, us]) => `${name} ${us} µs`).join(', ')}`)
    }
    return result
  }

  /**
   * POST /events, then GET /recommendation until it shows the event, for a user whose favourite sport it
   * is. Each new event begins before the previous ones, so it is the first candidate of its sport under
   * the frequency rule, which the probe asks for: its answer to "is the new event there" is exact, while the
   * write the figure measures is the same whatever the algorithm.
   */
  async eventUpload (apiUrl: string, samples: number): Promise<number[]> {
    const userId = this.nextProbeId++
    const baseEvent = this.nextProbeId++
    const day = 24 * 3600_000
    const event = (id: number, beginMs: number) => ({
      id,
      sport: PROBE_SPORT,
      league: 'Bench League',
      country: 'GR',
      participants: ['Home', 'Away'],
      begin_timestamp: new Date(beginMs).toISOString(),
      end_timestamp: new Date(beginMs + 2 * 3600_000).toISOString()
    })
    await post(apiUrl, '/users', { id: userId, birth_year: 1990, country: 'GR', currency: 'EUR', gender: 'M' })
    await post(apiUrl, '/events', event(baseEvent, Date.now() + 3 * day))
    await post(apiUrl, '/coupons', { user_id: userId, stake: 5, selections: [{ event_id: baseEvent, odds: 2 }] })
    const times: number[] = []
    // The first `samples` rounds warm up (JIT, statement cache, connections) and are not counted.
    for (let i = 0; i < 2 * samples; i++) {
      const id = this.nextProbeId++
      const started = performance.now()
      await post(apiUrl, '/events', event(id, Date.now() + 2 * day - i * 60_000))
      for (let attempt = 0; ; attempt++) {
        const [recommendation] = await get(apiUrl, `/recommendation/${userId}?algorithm=frequency`) as Array<{ events: Array<{ id: number }> }>
        if (recommendation?.events.some((e) => e.id === id) === true) break
        if (attempt > 100) throw new Error(`event ${id} never appeared in user ${userId}'s recommendation`)
      }
      if (i >= samples) times.push(performance.now() - started)
    }
    return times
  }

  /** The database's upkeep after a load, timed (see Observer.maintain); not part of any figure. */
  async maintain (stack: Stack): Promise<void> {
    if (this.options.db !== 'postgres') return
    const started = performance.now()
    await stack.observer.maintain()
    log(`PostgreSQL upkeep after the load, as autovacuum would do it: vacuum (analyze) of the run's tables in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }

  async eventUploadAt (users: number, nowMs: number): Promise<number> {
    const scale = { users, events: Math.min(20_000, Math.round(users * this.plan.stageEventsPerUser)), coupons: Math.round(users * this.plan.stageCouponsPerUser) }
    log(`event upload at ${users} users: loading ${scale.events} events and ${scale.coupons} coupons through the API's bulk route`)
    const stack = await this.stack(false, false)
    try {
      await this.loadDataset(stack, 'api', scale, nowMs)
      await this.maintain(stack)
      return await this.eventUploadOn(stack.apiUrl, users)
    } finally {
      await stack.stop()
    }
  }

  async eventUploadOn (apiUrl: string, users: number): Promise<number> {
    const times = await this.eventUpload(apiUrl, Math.max(EVENT_SAMPLES, this.options.runs))
    const ms = median(times)
    log(`event upload at ${users} users: ${ms.toFixed(2)} ms (samples: ${times.map((t) => t.toFixed(1)).join(', ')})`)
    return ms
  }

  /** The seed's workload: its 101 users, events and coupons through our upload command, on a fresh API each time. */
  async seedUpload (): Promise<Results['seed_upload']> {
    const fixture = join(ROOT, 'test', 'fixtures', 'seed-dummy.json')
    const modes = { sequential: ['--sequential'], concurrent: [] as string[] }
    const out: Record<string, Record<EntityName, number>> = {}
    for (const [mode, flags] of Object.entries(modes)) {
      const runs: Array<Record<EntityName, number>> = []
      // Each run needs a fresh API (the second upload of the same ids would be replays); --quick does one.
      for (let i = 0; i < (this.options.quick === true ? 1 : this.options.runs); i++) {
        const stack = await this.stack(false, false)
        try {
          const summary = await runCli<{ entities: Array<{ entity: EntityName, elapsedSeconds: number }> }>(
            ['upload', fixture, '--target', 'api', '--url', stack.apiUrl, '--json', '--no-progress', ...flags])
          runs.push(Object.fromEntries(summary.entities.map((e) => [e.entity, e.elapsedSeconds])) as Record<EntityName, number>)
        } finally {
          await stack.stop()
        }
      }
      out[mode] = { users: median(runs.map((r) => r.users)), events: median(runs.map((r) => r.events)), coupons: median(runs.map((r) => r.coupons)) }
      log(`seed upload, ${mode}: users ${out[mode].users.toFixed(3)} s, events ${out[mode].events.toFixed(3)} s, coupons ${out[mode].coupons.toFixed(3)} s`)
    }
    return { sequential: out.sequential as Record<EntityName, number>, concurrent: out.concurrent as Record<EntityName, number>, concurrency: 16 }
  }

  /** Single POSTs or batches of users to the gateway; records per second from the first send to the last stored. */
  async pipelineRate (stack: Stack, records: number, batch: number | undefined): Promise<{ rate: number, cpuUsPerRecord: Record<string, number> }> {
    const rates: number[] = []
    const cpu = async () => Promise.all(stack.services.map(async (service) => await cpuSeconds(service.pid) ?? 0))
    const before = await cpu()
    for (let i = 0; i < this.options.runs; i++) {
      const firstId = this.nextProbeId
      this.nextProbeId += records
      const spec: LoadSpec = batch === undefined
        ? { url: stack.gatewayUrl, connections: 64, amount: records, scenario: { kind: 'gateway-users', firstId } }
        : { url: stack.gatewayUrl, connections: 4, amount: records / batch, scenario: { kind: 'gateway-user-batch', firstId, batch } }
      const stored = waitForUsers(stack, firstId, records, 10 * 60_000)
      const { runs: [sent] } = await this.load(spec)
      const seconds = ((await stored) - (sent as LoadResult).startedAt) / 1000
      rates.push(records / seconds)
    }
    const after = await cpu()
    const cpuUsPerRecord = Object.fromEntries(stack.services.map((service, i) =>
      [service.name, Math.round(1e6 * ((after[i] ?? 0) - (before[i] ?? 0)) / (records * this.options.runs))]))
    const rate = median(rates)
    log(`pipeline ${batch === undefined ? 'single POSTs' : `batches of ${batch}`}: ${Math.round(rate)} records/s (runs: ${rates.map(Math.round).join(', ')}); ` +
      `CPU per record: ${Object.entries(cpuUsPerRecord).map(([name, us]) => `${name} ${us} µs`).join(', ')}`)
    return { rate, cpuUsPerRecord }
  }

  /** Single POSTs at E2E_RATE per second; p99 of the time from sending a record to seeing it stored. */
  async pipelineLatency (stack: Stack): Promise<number> {
    const p99s: number[] = []
    for (let i = 0; i < this.options.runs; i++) {
      const records = E2E_RATE * this.plan.e2eSeconds
      const firstId = this.nextProbeId
      this.nextProbeId += records
      const latencies = watchLatencies(stack, firstId, records, 5 * 60_000)
      await this.load({ url: stack.gatewayUrl, connections: 32, amount: records, rate: E2E_RATE, scenario: { kind: 'gateway-users', firstId } })
      const all = (await latencies).sort((a, b) => a - b)
      p99s.push(all[Math.min(all.length - 1, Math.floor(all.length * 0.99))] as number)
    }
    const p99 = median(p99s)
    log(`pipeline e2e at ${E2E_RATE}/s: p99 ${Math.round(p99)} ms (runs: ${p99s.map(Math.round).join(', ')})`)
    return p99
  }

  /** A full-scale rebuild takes minutes: measured once there, --runs times in --quick. */
  async generate (apiUrl: string): Promise<number> {
    const times: number[] = []
    const runs = this.options.quick === true ? this.options.runs : 1
    for (let i = 0; i < runs; i++) {
      const started = performance.now()
      await post(apiUrl, '/recommendation/generate', {})
      times.push((performance.now() - started) / 1000)
    }
    log(`generate: ${median(times).toFixed(2)} s (runs: ${times.map((t) => t.toFixed(2)).join(', ')})`)
    return median(times)
  }

  async run (): Promise<Results> {
    const { plan, options } = this
    const started = Date.now()
    const nowMs = Date.now()
    const machineBefore = machine()
    await this.build()
    await this.startBroker()

    const seedUpload = await this.seedUpload()
    const eventUploadMs: Record<string, number> = {}
    for (const users of STAGES.filter((u) => u !== plan.scale.users)) eventUploadMs[users] = round(await this.eventUploadAt(users, nowMs), 2)

    // The bulk load, each run on a fresh database and fresh topics; the last one's stack stays for the rest.
    const loadSeconds: number[] = []
    let cpuUsPerCoupon: Record<string, number> = {}
    let stack: Stack | undefined
    try {
      const loadRuns = options.loadRuns ?? options.runs
      for (let i = 0; i < loadRuns; i++) {
        if (plan.freshStackPerLoad || stack === undefined) {
          await stack?.stop()
          stack = undefined
          stack = await this.stack(true, true)
        }
        log(`bulk load ${i + 1}/${loadRuns}: ${plan.scale.users} users, ${plan.scale.events} events, ${plan.scale.coupons} coupons through gateway -> Kafka -> consumers -> API`)
        const loaded = await this.loadDataset(stack, 'gateway', plan.scale, nowMs, FIRST_ID + (plan.freshStackPerLoad ? 0 : i * ID_STRIDE))
        loadSeconds.push(loaded.seconds)
        cpuUsPerCoupon = loaded.cpuUsPerCoupon
      }
      if (stack === undefined) throw new Error('--runs must be at least 1')
      const s = stack
      const couponsPerSecond = plan.scale.coupons / median(loadSeconds)
      await this.maintain(s)
      // What the GET and POST figures are measured over (with --quick, every run's dataset).
      const loadedScale = { users: await s.observer.count('users'), events: await s.observer.count('events'), coupons: await s.observer.count('coupons') }

      const eventIds = [...eventRecords({ ...plan.scale, seed: 42, now: new Date(nowMs), firstId: FIRST_ID })].map((e) => Number(e.event_id))
      const firstUserId = FIRST_ID
      const api = s.services[0] as Service
      const bare = await this.bareFastify()
      const ceiling = await this.measure('ceiling (GET /health)', api, { url: s.apiUrl, connections: CONNECTIONS, scenario: { kind: 'static', method: 'GET', path: '/health' } })
      const recommendation = await this.measure('GET /recommendation/{id}', api, { url: s.apiUrl, connections: CONNECTIONS, scenario: { kind: 'recommendation', firstUserId, users: plan.scale.users } })
      const frequency = await this.measure('GET /recommendation/{id}?algorithm=frequency', api, { url: s.apiUrl, connections: CONNECTIONS, scenario: { kind: 'recommendation', firstUserId, users: plan.scale.users, query: 'algorithm=frequency' } })
      // Slips are built from events still open: the second half of the calendar, in id (kick-off) order.
      const openIds = eventIds.slice(Math.floor(eventIds.length / 2))
      const slip = await this.measure('POST /recommendation/slip', api, { url: s.apiUrl, connections: CONNECTIONS, scenario: { kind: 'slip', firstUserId, users: plan.scale.users, eventIds: openIds } })
      if (STAGES.includes(plan.scale.users)) eventUploadMs[plan.scale.users] = round(await this.eventUploadOn(s.apiUrl, plan.scale.users), 2)
      const generateSeconds = await this.generate(s.apiUrl)
      const users = await this.measure('POST /users', api, {
        url: s.apiUrl, connections: CONNECTIONS, scenario: { kind: 'static', method: 'POST', path: '/users', body: { birth_year: 1990, country: 'GR', currency: 'EUR', gender: 'F' } }
      })
      const coupons = await this.measure('POST /coupons', api, { url: s.apiUrl, connections: CONNECTIONS, scenario: { kind: 'coupons', firstUserId, users: plan.scale.users, eventIds } })
      const single = await this.pipelineRate(s, plan.pipelineSingle, undefined)
      const batched = await this.pipelineRate(s, plan.pipelineBatch, 1000)
      const producerPerf = await kafkaProducerPerf({ bootstrap: this.broker?.bootstrap ?? '', cacheDir: KAFKA_CACHE, records: plan.pipelineBatch, recordSize: PIPELINE_RECORD_BYTES, topic: `bench-producer-perf-${process.pid}` })
      log(`reference: Kafka ProducerPerformance, ${PIPELINE_RECORD_BYTES}-byte records, acks=all, idempotent: ${Math.round(producerPerf)} records/s`)
      const e2e = await this.pipelineLatency(s)
      await this.rss.sample()
      const raw = await runScript<SqliteRawResult>('sqlite-raw.ts', { path: join(this.work, 'sqlite-raw.db'), scale: plan.scale, nowMs, firstId: FIRST_ID } satisfies SqliteRawSpec)
      log(`reference: raw SQLite insert of ${raw.coupons} coupons (${raw.selections} selections): ${Math.round(raw.coupons_per_s)} coupons/s`)
      const sqliteRun = options.db === 'postgres' ? await newestRun(options.quick === true ? 'quick' : 'full', 'sqlite') : undefined

      return {
        date: new Date(started).toISOString(),
        mode: options.quick === true ? 'quick' : 'full',
        db: options.db,
        runs: options.runs,
        command: `npm run bench --${options.quick === true ? ' --quick' : ''}${options.db === 'postgres' ? ' --db postgres' : ''}` +
          `${options.runs !== 3 ? ` --runs ${options.runs}` : ''}${options.loadRuns !== undefined ? ` --load-runs ${options.loadRuns}` : ''}`,
        machine: machineBefore,
        duration_s: Math.round((Date.now() - started) / 1000),
        ceiling_rps: Math.round(ceiling.rps),
        bare_fastify_rps: Math.round(bare.rps),
        api_cpu_us_per_request: { health: ceiling.cpuUs, get_recommendation: recommendation.cpuUs, get_recommendation_frequency: frequency.cpuUs, post_slip: slip.cpuUs, post_users: users.cpuUs, post_coupons: coupons.cpuUs },
        default_algorithm: DEFAULT_ALGORITHM,
        api_get_recommendation_frequency_rps: Math.round(frequency.rps),
        api_get_recommendation_frequency_p99_ms: frequency.p99,
        api_post_slip_rps: Math.round(slip.rps),
        api_post_slip_p99_ms: slip.p99,
        api_post_users_rps: Math.round(users.rps),
        api_post_users_p99_ms: users.p99,
        api_post_coupons_rps: Math.round(coupons.rps),
        api_post_coupons_p99_ms: coupons.p99,
        api_get_recommendation_rps: Math.round(recommendation.rps),
        api_get_recommendation_p99_ms: recommendation.p99,
        event_upload_ms: eventUploadMs,
        generate_all_s: round(generateSeconds, 2),
        pipeline_single_records_per_s: Math.round(single.rate),
        pipeline_batch_records_per_s: Math.round(batched.rate),
        kafka_producer_perf_records_per_s: Math.round(producerPerf),
        sqlite_raw_coupons_per_s: Math.round(raw.coupons_per_s),
        ...(sqliteRun === undefined ? {} : { sqlite_run: { date: sqliteRun.date, api_get_recommendation_rps: sqliteRun.api_get_recommendation_rps } }),
        pipeline_cpu_us_per_record: { single: single.cpuUsPerRecord, batch: batched.cpuUsPerRecord },
        pipeline_e2e_p99_ms: Math.round(e2e),
        bulk_load_1m_coupons_s: round(1_000_000 / couponsPerSecond),
        bulk_load: { coupons: plan.scale.coupons, seconds: loadSeconds.map((t) => round(t)), coupons_per_s: Math.round(couponsPerSecond), cpu_us_per_coupon: cpuUsPerCoupon, path: 'gateway /coupons/batch -> Kafka -> consumers -> API /coupons/bulk' },
        rss_mb: Object.fromEntries(Object.entries(this.rss.peaks).map(([k, v]) => [k, Math.round(v)])),
        scale: loadedScale,
        seed_upload: seedUpload
      }
    } finally {
      await stack?.stop()
    }
  }

  /** The pipeline's throughput per deployment shape, each on a fresh stack over the same database kind. */
  async scaling (): Promise<{ date: string, db: string, machine: ReturnType<typeof machine>, command: string, rows: ScalingRow[] }> {
    const machineBefore = machine()
    await this.build()
    await this.startBroker()
    const rows: ScalingRow[] = []
    for (const topology of TOPOLOGIES) {
      log(`scaling: ${topology.apis} API instance(s), ${topology.consumers} consumer(s)`)
      const stack = await this.stack(true, false, topology)
      try {
        const single = await this.pipelineRate(stack, this.plan.pipelineSingle, undefined)
        const batch = await this.pipelineRate(stack, this.plan.pipelineBatch / 2, 1000)
        rows.push({ ...topology, single_records_per_s: Math.round(single.rate), batch_records_per_s: Math.round(batch.rate), batch_cpu_us_per_record: batch.cpuUsPerRecord })
      } finally {
        await stack.stop()
      }
    }
    const command = `npm run bench -- --scaling${this.options.quick === true ? ' --quick' : ''} --db ${this.options.db}${this.options.runs !== 3 ? ` --runs ${this.options.runs}` : ''}`
    return { date: new Date().toISOString(), db: this.options.db, machine: machineBefore, command, rows }
  }

  async close (passed: boolean): Promise<void> {
    this.rss.stop()
    await this.broker?.stop()
    if (this.schemas.length > 0) {
      const client = new pg.Client({ connectionString: this.postgresUrl })
      await client.connect()
      for (const schema of this.schemas) await client.query(`drop schema if exists "${schema}" cascade`)
      await client.end()
    }
    // A failed run keeps its databases and service logs for a look.
    if (passed) rmSync(this.work, { recursive: true, force: true })
    else log(`the services' logs are kept in ${this.work}`)
  }
}

/** No wait for an answer's headers: a full-scale `generate` on PostgreSQL takes longer than fetch's five minutes. */
const PATIENT = new Agent({ headersTimeout: 0, bodyTimeout: 0 })

async function post (base: string, path: string, body: unknown): Promise<unknown> {
  const answer = await request(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), dispatcher: PATIENT })
  const json = await answer.body.json()
  if (answer.statusCode >= 300) throw new Error(`POST ${path} answered ${answer.statusCode}: ${JSON.stringify(json)}`)
  return json
}

async function get (base: string, path: string): Promise<unknown> {
  const answer = await fetch(`${base}${path}`)
  const json = await answer.json() as unknown
  if (!answer.ok) throw new Error(`GET ${path} answered ${answer.status}: ${JSON.stringify(json)}`)
  return json
}

/** Runs the project's CLI and parses its JSON output. */
async function runCli<T> (args: string[]): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  terminateOnExit(child)
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`cli ${args.join(' ')} exited ${code}: ${out.slice(-1000)}`)
  return JSON.parse(out) as T
}

function assertAlive (stack: Stack): void {
  const dead = stack.services.find((s) => s.ended !== undefined)
  if (dead !== undefined) throw new Error(`${dead.name} (pid ${dead.pid}) ended (${dead.ended ?? ''}) during the measurement`)
}

/** Epoch ms when the table first held `expected` rows (polled every 100 ms). */
async function waitForCount (stack: Stack, table: EntityName, expected: number, timeoutMs: number): Promise<number> {
  const { observer } = stack
  const deadline = Date.now() + timeoutMs
  let last = -1
  let lastChange = Date.now()
  for (;;) {
    assertAlive(stack)
    const count = await observer.count(table)
    if (count >= expected) return Date.now()
    if (count !== last) {
      last = count
      lastChange = Date.now()
    }
    if (Date.now() > deadline || Date.now() - lastChange > 120_000) throw new Error(`${table}: ${count} of ${expected} stored; gave up`)
    await sleep(100)
  }
}

/** Epoch ms when every user with an id in [firstId, firstId + count) was stored. */
async function waitForUsers (stack: Stack, firstId: number, count: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    assertAlive(stack)
    const stored = (await stack.observer.usersBetween(firstId, firstId + count)).length
    if (stored >= count) return Date.now()
    if (Date.now() > deadline) throw new Error(`pipeline: ${stored} of ${count} users stored; gave up`)
    await sleep(100)
  }
}

/** Each user's latency: when it was first seen stored, minus the send time its registration_date carries. */
async function watchLatencies (stack: Stack, firstId: number, count: number, timeoutMs: number): Promise<number[]> {
  const { observer } = stack
  // `seen` holds the ids at or above `from`; every id below it has been seen, so each poll reads only
  // the rows from the lowest id still missing.
  const seen = new Set<number>()
  const latencies: number[] = []
  let from = firstId
  const deadline = Date.now() + timeoutMs
  while (latencies.length < count) {
    assertAlive(stack)
    if (Date.now() > deadline) throw new Error(`pipeline e2e: ${latencies.length} of ${count} users stored; gave up`)
    const now = Date.now()
    for (const row of await observer.usersBetween(from, firstId + count)) {
      if (seen.has(row.id)) continue
      seen.add(row.id)
      latencies.push(now - row.registered / 1000)
    }
    while (seen.has(from)) seen.delete(from++)
    await sleep(20)
  }
  return latencies
}

/** The scaling rows as the Markdown table docs/scaling.md quotes. */
function formatScaling (rows: ScalingRow[]): string {
  const cpu = (row: ScalingRow) => Object.entries(row.batch_cpu_us_per_record).map(([name, us]) => `${name} ${us}`).join(', ')
  return [
    '| API instances | consumers | single POSTs, records/s | batches of 1,000, records/s | CPU per record in batches (µs) |',
    '| ---: | ---: | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.apis} | ${r.consumers} | ${r.single_records_per_s} | ${r.batch_records_per_s} | ${cpu(r)} |`)
  ].join('\n')
}

function positive (text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('expected a positive integer.')
  return value
}

const program = new Command('bench')
  .description('Measure the platform on this machine and write bench/results/latest.json and docs/benchmarks.md')
  .option('--quick', 'smaller scale, finishes in under 3 minutes')
  .addOption(new Option('--db <db>', 'database under the API').choices(['sqlite', 'postgres']).default('sqlite'))
  .option('--runs <n>', 'measured runs per figure (the median is reported)', positive, 3)
  .option('--load-runs <n>', 'runs of the bulk load (default: --runs); each loads the whole dataset on a fresh stack', positive)
  .option('--profile', 'run the services with --cpu-prof (profiles in data/bench-profiles)')
  .option('--scaling', 'only the pipeline\'s throughput with 1 or 3 consumers and 1 or 2 API instances (writes bench/results/scaling-<db>.json; use --db postgres)')
  .action(async (options: Options) => {
    const bench = new Bench(options, options.quick === true ? QUICK : FULL)
    // Stopped by a signal, the run exits at once: 'exit' stops every child it started (the broker, the
    // services, the load generators). A PostgreSQL run's bench_* schemas stay behind.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        log(`${signal}: stopping the run and the processes it started`)
        process.exit(128 + constants.signals[signal])
      })
    }
    let passed = false
    try {
      if (options.scaling === true) {
        const scaling = await bench.scaling()
        const path = join(ROOT, 'bench', 'results', `scaling-${options.db}.json`)
        writeFileSync(path, `${JSON.stringify(scaling, null, 2)}\n`)
        process.stdout.write(`${formatScaling(scaling.rows)}\n`)
        log(`written: ${path}`)
        passed = true
        return
      }
      const results = await bench.run()
      const written = await writeResults(results)
      log(`done in ${results.duration_s} s: ${written.join(', ')}`)
      passed = true
    } finally {
      await bench.close(passed)
    }
  })

await program.parseAsync()
