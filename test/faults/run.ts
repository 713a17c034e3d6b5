// npm run test:faults: the fault-injection run on SQLite and PostgreSQL (or, with --cluster, on a
// three-node Kafka cluster with two API instances over PostgreSQL); prints the table of
// docs/reliability.md, saves it with the full report under data/faults/, and exits 1 on any failure.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import { dialects, type TestDialect } from '../helpers/database.ts'
import { ROOT } from '../helpers/service-process.ts'
import { ALL_FAULTS, CLUSTER_FAULTS, FAULTS, type Fault } from './chaos.ts'
import { runFaultInjection, type FaultRunReport } from './fault-run.ts'
import { formatReports } from './report.ts'

const faultList = (value: string): Fault[] => {
  const names = value.split(',')
  const unknown = names.filter((n) => !(ALL_FAULTS as readonly string[]).includes(n))
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown fault ${unknown.join(', ')}; known: ${ALL_FAULTS.join(', ')}`)
  return names as Fault[]
}

const positive = (value: string): number => {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer')
  return n
}

const program = new Command()
  .name('test:faults')
  .description('Push records through the gateway from concurrent clients while a consumer is SIGKILLed, the API and the gateway are restarted and the broker is stopped; then compare the database with every 202 and 503.')
  .option('--records <n>', 'records to offer (users, events and coupons)', positive, 20_000)
  .option('--clients <n>', 'concurrent clients', positive, 8)
  .option('--consumers <n>', 'consumer processes (default: 2, with --cluster 3)', positive)
  .option('--cluster', `three Kafka nodes (3 replicas, 2 in sync), two gateways, three consumers and two API instances on PostgreSQL; adds the faults ${CLUSTER_FAULTS.join(', ')}`)
  .option('--faults <list>', `comma-separated, each injected once (default: ${FAULTS.join(',')}; with --cluster also ${CLUSTER_FAULTS.join(',')})`, faultList)
  .option('--outage-ms <n>', 'how long the broker stays down', positive, 10_000)
  .option('--rate <n>', 'records per second (default: spread over the chaos schedule)', positive)
  .option('--seed <n>', 'seed of the data and the fault schedule (default: random)', positive)
  .addOption(new Option('--db <name>', 'database').choices(['sqlite', 'postgres', 'both']).default('both'))
  .option('--keep', 'keep the work folders (service logs, broker data, SQLite file) and PostgreSQL schemas')
  .option('--out <dir>', 'where the table and the JSON report are saved', join(ROOT, 'data', 'faults'))

program.parse()
const options = program.opts<{ records: number, clients: number, consumers?: number, cluster?: boolean, faults?: Fault[], outageMs: number, rate?: number, seed?: number, db: string, keep?: boolean, out: string }>()
const cluster = options.cluster === true
const faults = options.faults ?? (cluster ? [...ALL_FAULTS] : [...FAULTS])
const needCluster = faults.filter((f) => (CLUSTER_FAULTS as readonly string[]).includes(f))
if (!cluster && needCluster.length > 0) program.error(`error: ${needCluster.join(', ')} need --cluster (several Kafka nodes and API instances)`)
if (cluster && options.db === 'sqlite') program.error('error: --cluster runs several API instances, which share one PostgreSQL database: leave out --db or give --db postgres')
const consumers = options.consumers ?? (cluster ? 3 : 2)
const topology = cluster ? { brokers: 3, apis: 2, gateways: 2 } : {}
const seed = options.seed ?? Math.floor(Math.random() * 1_000_000) + 1
const chosen: TestDialect[] = cluster ? ['postgres'] : options.db === 'both' ? [...dialects] : [options.db as TestDialect]

const reports: FaultRunReport[] = []
for (const dialect of chosen) {
  reports.push(await runFaultInjection({
    dialect,
    records: options.records,
    clients: options.clients,
    consumers,
    ...topology,
    seed,
    faults,
    outageMs: options.outageMs,
    rate: options.rate,
    keep: options.keep,
    log: (line) => process.stderr.write(`${line}\n`)
  }))
}

const command = `npm run test:faults -- ${cluster ? '--cluster ' : ''}--records ${options.records} --clients ${options.clients} --faults ${faults.join(',')} --seed ${seed}${cluster ? '' : ` --db ${options.db}`}`
const table = formatReports(reports, command)
process.stdout.write(`${table}\n`)
mkdirSync(options.out, { recursive: true })
const stamp = new Date().toISOString().replace(/[:.]/g, '-')
writeFileSync(join(options.out, `faults-${stamp}.md`), `${table}\n`)
writeFileSync(join(options.out, `faults-${stamp}.json`), `${JSON.stringify(reports, null, 2)}\n`)
process.stderr.write(`saved in ${options.out}/faults-${stamp}.{md,json}\n`)
const failed = reports.filter((r) => r.failures.length > 0)
for (const r of failed) process.stderr.write(`${r.dialect}: work folder kept for inspection: ${r.workDir}\n`)
process.exitCode = failed.length > 0 ? 1 : 0
