// The results: bench/results/latest.json, a dated copy, and the figures table in docs/benchmarks.md
// (the part between this mode's markers; the rest of that page is written by hand).
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { EntityName } from '../../src/domain/entities.ts'
import { ROOT } from './services.ts'

export interface Machine { cpu: string, cores: number, memory_gb: number, os: string, node: string, load_average_1m: number }

export interface Results {
  date: string
  mode: 'full' | 'quick'
  db: 'sqlite' | 'postgres'
  runs: number
  command: string
  machine: Machine
  duration_s: number
  ceiling_rps: number
  /** The limit reference: a bare fastify app's GET /health under the same load (absent in results from before it was measured). */
  bare_fastify_rps?: number
  /** The API process's CPU time per request under each load (warm-up included). */
  api_cpu_us_per_request: Record<'health' | 'get_recommendation' | 'get_recommendation_frequency' | 'post_slip' | 'post_users' | 'post_coupons', number>
  /** The algorithm GET /recommendation/{id} used (the default). */
  default_algorithm: string
  api_get_recommendation_frequency_rps: number
  api_get_recommendation_frequency_p99_ms: number
  api_post_slip_rps: number
  api_post_slip_p99_ms: number
  api_post_users_rps: number
  api_post_users_p99_ms: number
  api_post_coupons_rps: number
  api_post_coupons_p99_ms: number
  api_get_recommendation_rps: number
  api_get_recommendation_p99_ms: number
  /** Keyed by the number of users loaded. */
  event_upload_ms: Record<string, number>
  generate_all_s: number
  pipeline_single_records_per_s: number
  pipeline_batch_records_per_s: number
  /** The limit reference: Kafka's ProducerPerformance (acks=all, idempotent) against the same broker, the pipeline's record size (absent before it was measured). */
  kafka_producer_perf_records_per_s?: number
  /** The limit reference of the bulk load: the same coupons and selections inserted straight into SQLite, multi-row, 1,000 coupons per transaction (absent before it was measured). */
  sqlite_raw_coupons_per_s?: number
  /** On PostgreSQL: the newest SQLite run of the same mode, the GET figures are compared with (absent when there is none). */
  sqlite_run?: { date: string, api_get_recommendation_rps: number }
  pipeline_e2e_p99_ms: number
  /** Each service's CPU per user sent through the pipeline, single POSTs and batches. */
  pipeline_cpu_us_per_record: Record<'single' | 'batch', Record<string, number>>
  /** Measured on `bulk_load.coupons` coupons; scaled to a million when fewer were loaded (--quick). */
  bulk_load_1m_coupons_s: number
  /** The coupons of the scale dataset through the pipeline: seconds per run, and each service's CPU per coupon (last run). */
  bulk_load: { coupons: number, seconds: number[], coupons_per_s: number, cpu_us_per_coupon: Record<string, number>, path: string }
  /** Peak resident memory per service process over the scale runs. */
  rss_mb: Record<string, number>
  scale: { users: number, events: number, coupons: number }
  /** The seed's own workload (its 101 users, events and coupons) through our upload command: seconds per entity. */
  seed_upload: { sequential: Record<EntityName, number>, concurrent: Record<EntityName, number>, concurrency: number }
}

export function machine (): Machine {
  const list = cpus()
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    node: process.version,
    load_average_1m: Number((loadavg()[0] ?? 0).toFixed(2))
  }
}

/** The figure as a share of Kafka's own producer benchmark in the same run, when it was measured. */
function producerShare (r: Results, recordsPerSecond: number): string {
  const limit = r.kafka_producer_perf_records_per_s
  return limit === undefined ? '' : `; Kafka ProducerPerformance ${n(limit)} records/s: ${Math.round(100 * recordsPerSecond / limit)}%`
}

/** The bulk load as a share of the raw SQLite insert of the same rows in the same run, when it was measured. */
function rawInsertShare (r: Results): string {
  const limit = r.sqlite_raw_coupons_per_s
  return limit === undefined ? '' : `; raw SQLite insert ${n(Math.round(limit))} coupons/s: ${Math.round(100 * r.bulk_load.coupons_per_s / limit)}%`
}

interface Row { figure: string, target: string, reference: string, value: (r: Results) => string, met: (r: Results) => boolean | undefined }

const n = (value: number): string => value.toLocaleString('en-US')
const cpuList = (byService: Record<string, number>): string => Object.entries(byService).map(([s, us]) => `${s} ${us} µs`).join(', ')
const rss = (r: Results): number => Math.max(...['api', 'gateway', 'consumer'].map((s) => r.rss_mb[s] ?? 0))

const ROWS: Row[] = [
  {
    figure: 'ceiling: GET /health, same API, 32 connections',
    target: '>= 70% of bare fastify',
    reference: 'bare fastify GET /health (bench/bare-fastify.ts), same load, same run',
    value: (r) => `${n(r.ceiling_rps)} req/s (${r.api_cpu_us_per_request.health} µs API CPU each)` +
      (r.bare_fastify_rps === undefined ? '' : `; bare fastify ${n(r.bare_fastify_rps)} req/s: ${Math.round(100 * r.ceiling_rps / r.bare_fastify_rps)}%`),
    met: (r) => r.bare_fastify_rps === undefined ? undefined : r.ceiling_rps >= 0.7 * r.bare_fastify_rps
  },
  { figure: 'POST /users, 32 connections', target: '>= 12,000 req/s, p99 < 10 ms', reference: '467 req/s, p99 892 ms', value: (r) => `${n(r.api_post_users_rps)} req/s, p99 ${r.api_post_users_p99_ms} ms (${r.api_cpu_us_per_request.post_users} µs API CPU each)`, met: (r) => r.api_post_users_rps >= 12_000 && r.api_post_users_p99_ms < 10 },
  { figure: 'POST /coupons, 32 connections', target: '>= 4,000 req/s, p99 < 20 ms', reference: '—', value: (r) => `${n(r.api_post_coupons_rps)} req/s, p99 ${r.api_post_coupons_p99_ms} ms (${r.api_cpu_us_per_request.post_coupons} µs API CPU each)`, met: (r) => r.api_post_coupons_rps >= 4000 && r.api_post_coupons_p99_ms < 20 },
  {
    figure: 'GET /recommendation/{id} (default algorithm), 32 connections',
    target: '>= 8,000 req/s, p99 < 10 ms',
    reference: '462 req/s (16 after growth)',
    value: (r) => `${n(r.api_get_recommendation_rps)} req/s, p99 ${r.api_get_recommendation_p99_ms} ms, ${Math.round(100 * r.api_get_recommendation_rps / r.ceiling_rps)}% of ceiling ` +
      `(${r.api_cpu_us_per_request.get_recommendation} µs API CPU each)`,
    met: (r) => r.api_get_recommendation_rps >= 8000 && r.api_get_recommendation_p99_ms < 10
  },
  {
    figure: 'GET /recommendation/{id} on PostgreSQL against SQLite (the newest SQLite run of the same mode)',
    target: '>= 50% of the SQLite figure',
    reference: 'the SQLite run named',
    value: (r) => r.db !== 'postgres' || r.sqlite_run === undefined
      ? '—'
      : `${n(r.api_get_recommendation_rps)} against ${n(r.sqlite_run.api_get_recommendation_rps)} req/s (SQLite, ${r.sqlite_run.date.slice(0, 16).replace('T', ' ')} UTC): ${Math.round(100 * r.api_get_recommendation_rps / r.sqlite_run.api_get_recommendation_rps)}%`,
    met: (r) => r.db !== 'postgres' || r.sqlite_run === undefined ? undefined : r.api_get_recommendation_rps >= 0.5 * r.sqlite_run.api_get_recommendation_rps
  },
  {
    figure: 'GET /recommendation/{id}?algorithm=frequency (the reference\'s rule), 32 connections',
    target: '>= 8,000 req/s, p99 < 10 ms; the default costs <= 2x its API CPU',
    reference: '—',
    value: (r) => `${n(r.api_get_recommendation_frequency_rps)} req/s, p99 ${r.api_get_recommendation_frequency_p99_ms} ms (${r.api_cpu_us_per_request.get_recommendation_frequency} µs API CPU each; ` +
      `the default, ${r.default_algorithm}, costs ${(r.api_cpu_us_per_request.get_recommendation / r.api_cpu_us_per_request.get_recommendation_frequency).toFixed(2)}x)`,
    met: (r) => r.api_get_recommendation_frequency_rps >= 8000 && r.api_get_recommendation_frequency_p99_ms < 10 &&
      r.api_cpu_us_per_request.get_recommendation <= 2 * r.api_cpu_us_per_request.get_recommendation_frequency
  },
  {
    figure: 'POST /recommendation/slip (1-2 open events, a user), 32 connections',
    target: 'p99 < 50 ms',
    reference: '—',
    value: (r) => `${n(r.api_post_slip_rps)} req/s, p99 ${r.api_post_slip_p99_ms} ms (${r.api_cpu_us_per_request.post_slip} µs API CPU each)`,
    met: (r) => r.api_post_slip_p99_ms < 50
  },
  {
    figure: 'event upload + next GET reflecting it (1k / 10k / 100k users)',
    target: '< 10 ms each',
    reference: '0.7 s / 7.7 s / 101 s at 100 / 1k / 5k users',
    value: (r) => Object.entries(r.event_upload_ms).map(([, ms]) => `${ms} ms`).join(' / '),
    met: (r) => Object.values(r.event_upload_ms).every((ms) => ms < 10)
  },
  { figure: 'generate for all users (POST /recommendation/generate)', target: '< 10 s at 100k users, 1M coupons', reference: '90 s at 5k users', value: (r) => `${r.generate_all_s} s${r.mode === 'full' ? ' (one run)' : ''}`, met: (r) => r.generate_all_s < 10 },
  { figure: 'pipeline, gateway batches of 1,000 -> stored', target: '>= 40,000 records/s', reference: 'new Kafka connection per request', value: (r) => `${n(r.pipeline_batch_records_per_s)} records/s (CPU per record: ${cpuList(r.pipeline_cpu_us_per_record.batch)})${producerShare(r, r.pipeline_batch_records_per_s)}`, met: (r) => r.pipeline_batch_records_per_s >= 40_000 },
  { figure: 'pipeline, single gateway POSTs -> stored', target: '>= 10,000 records/s', reference: '—', value: (r) => `${n(r.pipeline_single_records_per_s)} records/s (CPU per record: ${cpuList(r.pipeline_cpu_us_per_record.single)})${producerShare(r, r.pipeline_single_records_per_s)}`, met: (r) => r.pipeline_single_records_per_s >= 10_000 },
  { figure: 'pipeline latency p99, 2,000/s offered', target: '< 500 ms', reference: '—', value: (r) => `${n(r.pipeline_e2e_p99_ms)} ms`, met: (r) => r.pipeline_e2e_p99_ms < 500 },
  {
    figure: '1,000,000 coupons end to end (gateway batch -> Kafka -> consumers -> API bulk)',
    target: '< 90 s',
    reference: 'raw SQLite multi-row insert of the same rows (bench/sqlite-raw.ts), same run',
    value: (r) => `${r.bulk_load_1m_coupons_s} s (${n(r.bulk_load.coupons_per_s)} coupons/s${r.bulk_load.coupons < 1_000_000 ? `, scaled from ${n(r.bulk_load.coupons)}` : ''}; ` +
      `CPU per coupon: ${cpuList(r.bulk_load.cpu_us_per_coupon)})${rawInsertShare(r)}`,
    met: (r) => r.bulk_load_1m_coupons_s < 90
  },
  { figure: 'memory, peak RSS per service', target: '< 250 MB each', reference: '—', value: (r) => Object.entries(r.rss_mb).map(([s, mb]) => `${s} ${mb} MB`).join(', '), met: (r) => rss(r) < 250 }
]

function table (r: Results): string {
  const verdict = (met: boolean | undefined): string => met === undefined ? '' : met ? 'met' : '**missed**'
  const lines = [
    `Command \`${r.command}\`, ${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.duration_s} s; ${r.machine.cores} × ${r.machine.cpu}, ` +
      `${r.machine.memory_gb} GiB, ${r.machine.os}, Node ${r.machine.node}; load average ${r.machine.load_average_1m} at the start; ` +
      `database ${r.db}; median of ${r.runs} runs. Scale: ${n(r.scale.users)} users, ${n(r.scale.events)} events, ${n(r.scale.coupons)} coupons.`,
    '',
    '| figure | target | measured | verdict | reference, measured here |',
    '| --- | --- | --- | --- | --- |',
    ...ROWS.map((row) => `| ${row.figure} | ${row.target} | ${row.value(r)} | ${verdict(row.met(r))} | ${row.reference} |`),
    '',
    'The seed\'s workload (101 users, 101 events, 101 coupons of `test/fixtures/seed-dummy.json`) through `npm run cli -- upload --target api`:',
    '',
    '| | users | events | coupons |',
    '| --- | --- | --- | --- |',
    '| seed README (Apple M3 Pro, docker-compose, 100 each, one at a time) | 2.6263 s | 2.4140 s | 2.4488 s |',
    `| ours, one request at a time (\`--sequential\`) | ${r.seed_upload.sequential.users.toFixed(3)} s | ${r.seed_upload.sequential.events.toFixed(3)} s | ${r.seed_upload.sequential.coupons.toFixed(3)} s |`,
    `| ours, default concurrency (${r.seed_upload.concurrency}) | ${r.seed_upload.concurrent.users.toFixed(3)} s | ${r.seed_upload.concurrent.events.toFixed(3)} s | ${r.seed_upload.concurrent.coupons.toFixed(3)} s |`
  ]
  return lines.join('\n')
}

/** The newest dated results of `mode` on `db` in bench/results, if any. */
export async function newestRun (mode: Results['mode'], db: Results['db']): Promise<Results | undefined> {
  const folder = join(ROOT, 'bench', 'results')
  const names = (await readdir(folder).catch(() => [])).filter((name) => name.endsWith(`-${mode}-${db}.json`)).sort()
  const newest = names.at(-1)
  return newest === undefined ? undefined : JSON.parse(await readFile(join(folder, newest), 'utf8')) as Results
}

/** Writes latest.json, the dated copy and the docs table; returns the paths written. */
export async function writeResults (r: Results): Promise<string[]> {
  const json = `${JSON.stringify(r, null, 2)}\n`
  const dated = join(ROOT, 'bench', 'results', `${r.date.slice(0, 19).replace(/:/g, '-')}-${r.mode}-${r.db}.json`)
  const latest = join(ROOT, 'bench', 'results', 'latest.json')
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true })
  await writeFile(dated, json)
  await writeFile(latest, json)
  return [latest, dated, await writeDocsTable(r)]
}

/** Replaces the table of this run's mode and database in docs/benchmarks.md (appended when missing). */
export async function writeDocsTable (r: Results): Promise<string> {
  const docs = join(ROOT, 'docs', 'benchmarks.md')
  const start = `<!-- bench:${r.mode}:${r.db}:start -->`
  const end = `<!-- bench:${r.mode}:${r.db}:end -->`
  const page = await readFile(docs, 'utf8').catch(() => '# Benchmarks\n')
  const block = `${start}\n${table(r)}\n${end}`
  const at = page.indexOf(start)
  const until = page.indexOf(end)
  const next = at >= 0 && until > at
    ? `${page.slice(0, at)}${block}${page.slice(until + end.length)}`
    : `${page.trimEnd()}\n\n## ${r.mode === 'full' ? 'Full run' : 'Quick run'} (${r.db})\n\n${block}\n`
  await writeFile(docs, next)
  return docs
}
