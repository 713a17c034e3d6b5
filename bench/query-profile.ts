// Where a GET /recommendation spends its database time, per repository call, on SQLite or PostgreSQL: an API
// in this process over a fresh database filled with a generated dataset, warmed up, then asked for many
// users' recommendations; the API's own db_query_duration_seconds histogram says which call took what.
// Measured in one process on purpose: the figures are the database's and the driver's, with no HTTP around.
import { Command, InvalidArgumentError, Option } from 'commander'
import { buildApi } from '../src/api/app.ts'
import { ALGORITHM_NAMES } from '../src/domain/algorithms.ts'
import { generateDataset } from '../src/tools/dataset.ts'
import { createTestDatabase, type TestDialect } from '../test/helpers/database.ts'

interface Options { dialect: TestDialect, users: number, events: number, coupons: number, requests: number, json?: boolean }

const positive = (text: string): number => {
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('expected a positive integer.')
  return value
}

/** Sum and count of each repository call's histogram, from the Prometheus text. */
function queryTotals (metrics: string): Map<string, { seconds: number, calls: number }> {
  const totals = new Map<string, { seconds: number, calls: number }>()
  for (const line of metrics.split('\n')) {
    const match = /^db_query_duration_seconds_(sum|count)\{.*repository="([^"]+)",call="([^"]+)".*\} (\S+)$/.exec(line)
    if (match === null) continue
    const [, kind, repository, call, value] = match as unknown as [string, string, string, string, string]
    const entry = totals.get(`${repository}.${call}`) ?? { seconds: 0, calls: 0 }
    if (kind === 'sum') entry.seconds = Number(value)
    else entry.calls = Number(value)
    totals.set(`${repository}.${call}`, entry)
  }
  return totals
}

async function profile (options: Options) {
  const db = await createTestDatabase(options.dialect)
  const api = await buildApi({ config: db.config, database: db.database, logger: false })
  try {
    const data = generateDataset({ users: options.users, events: options.events, coupons: options.coupons, seed: 3 })
    for (const [entity, records] of [['users', data.users], ['events', data.events], ['coupons', data.coupons]] as const) {
      for (let i = 0; i < records.length; i += 2000) {
        const answer = await api.inject({ method: 'POST', url: `/${entity}/bulk`, payload: records.slice(i, i + 2000) as unknown as string })
        if (answer.statusCode !== 200) throw new Error(`POST /${entity}/bulk answered ${answer.statusCode}`)
      }
    }
    const users = data.users.map((u) => u.user_id)
    const get = async (algorithm: string, i: number) => api.inject(`/recommendation/${users[(i * 7) % users.length] as number}?algorithm=${algorithm}`)
    const rows = []
    for (const algorithm of ALGORITHM_NAMES) {
      for (let i = 0; i < 200; i++) await get(algorithm, i)
      const before = queryTotals((await api.inject('/metrics')).body)
      const cpu = process.cpuUsage()
      const started = performance.now()
      for (let i = 0; i < options.requests; i++) await get(algorithm, i)
      const used = process.cpuUsage(cpu)
      const wallMs = performance.now() - started
      const after = queryTotals((await api.inject('/metrics')).body)
      const calls = [...after].map(([name, a]) => {
        const b = before.get(name) ?? { seconds: 0, calls: 0 }
        return { call: name, per_request: (a.calls - b.calls) / options.requests, us_per_request: (a.seconds - b.seconds) * 1e6 / options.requests }
      }).filter((c) => c.per_request > 0).sort((x, y) => y.us_per_request - x.us_per_request)
      rows.push({
        algorithm,
        cpu_us_per_request: (used.user + used.system) / options.requests,
        wall_us_per_request: wallMs * 1000 / options.requests,
        calls
      })
      process.stderr.write(`${algorithm}: done\n`)
    }
    return { dialect: options.dialect, users: options.users, coupons: options.coupons, requests: options.requests, rows }
  } finally {
    await api.close()
    await db.drop()
  }
}

const program = new Command('query-profile')
  .description('Database time of GET /recommendation per repository call, for every algorithm, on SQLite or PostgreSQL (in one process, no HTTP).')
  .addOption(new Option('--dialect <dialect>', 'database').choices(['sqlite', 'postgres']).default('postgres'))
  .option('--users <n>', 'users in the dataset', positive, 2000)
  .option('--events <n>', 'events in the dataset', positive, 1500)
  .option('--coupons <n>', 'coupons in the dataset', positive, 20000)
  .option('--requests <n>', 'measured requests per algorithm (after 200 to warm up)', positive, 1000)
  .option('--json', 'print the figures as JSON')
  .action(async (options: Options) => {
    const result = await profile(options)
    if (options.json === true) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
      return
    }
    for (const row of result.rows) {
      process.stdout.write(`${row.algorithm}: ${row.cpu_us_per_request.toFixed(0)} µs CPU, ${row.wall_us_per_request.toFixed(0)} µs wall per request\n`)
      for (const c of row.calls.slice(0, 6)) process.stdout.write(`  ${c.call.padEnd(36)} ${c.per_request.toFixed(1)} calls  ${c.us_per_request.toFixed(0)} µs\n`)
    }
  })

await program.parseAsync()
