// npm run test:faults: the fault-injection run on SQLite and PostgreSQL; prints the table of
// docs/reliability.md, saves it with the full report under data/faults/, and exits 1 on any failure.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import { dialects, type TestDialect } from '../helpers/database.ts'
import { ROOT } from '../helpers/service-process.ts'
import { FAULTS, type Fault } from './chaos.ts'
import { runFaultInjection, type FaultRunReport } from './fault-run.ts'
import { formatReports } from './report.ts'

const faultList = (value: string): Fault[] => {
  const names = value.split(',')
  const unknown = names.filter((n) => !(FAULTS as readonly string[]).includes(n))
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown fault ${unknown.join(', ')}; known: ${FAULTS.join(', ')}`)
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
  .option('--consumers <n>', 'consumer processes', positive, 2)
  .option('--faults <list>', `comma-separated, each injected once (default: ${FAULTS.join(',')})`, faultList, [...FAULTS])
  .option('--outage-ms <n>', 'how long the broker stays down', positive, 10_000)
  .option('--rate <n>', 'records per second (default: spread over the chaos schedule)', positive)
  .option('--seed <n>', 'seed of the data and the fault schedule (default: random)', positive)
  .addOption(new Option('--db <name>', 'database').choices(['sqlite', 'postgres', 'both']).default('both'))
  .option('--keep', 'keep the work folders (service logs, broker data, SQLite file) and PostgreSQL schemas')
  .option('--out <dir>', 'where the table and the JSON report are saved', join(ROOT, 'data', 'faults'))

program.parse()
const options = program.opts<{ records: number, clients: number, consumers: number, faults: Fault[], outageMs: number, rate?: number, seed?: number, db: string, keep?: boolean, out: string }>()
const seed = options.seed ?? Math.floor(Math.random() * 1_000_000) + 1
const chosen: TestDialect[] = options.db === 'both' ? [...dialects] : [options.db as TestDialect]

const reports: FaultRunReport[] = []
for (const dialect of chosen) {
  reports.push(await runFaultInjection({
    dialect,
    records: options.records,
    clients: options.clients,
    consumers: options.consumers,
    seed,
    faults: options.faults,
    outageMs: options.outageMs,
    rate: options.rate,
    keep: options.keep,
    log: (line) => process.stderr.write(`${line}\n`)
  }))
}

const command = `npm run test:faults -- --records ${options.records} --clients ${options.clients} --faults ${options.faults.join(',')} --seed ${seed} --db ${options.db}`
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
