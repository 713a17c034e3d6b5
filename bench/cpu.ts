// CPU cost per request of the API's hot routes, in microseconds of the API's own CPU time: unlike req/s,
// it hardly moves when other work shares the machine, so it is what optimisations are judged by here.
// Usage: node --import tsx bench/cpu.ts [--users n] [--events n] [--coupons n] [--cpu-prof in the node flags to profile]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { buildApi } from '../src/api/app.ts'
import { loadConfig } from '../src/config/config.ts'
import { ALGORITHM_NAMES } from '../src/domain/algorithms.ts'
import { openDatabase } from '../src/storage/database.ts'
import { couponRecords, eventRecords, userRecords } from '../src/tools/dataset.ts'
import { runScript } from './lib/services.ts'
import type { LoadOutput, LoadSpec } from './load.ts'

const { values } = parseArgs({ options: { users: { type: 'string', default: '20000' }, events: { type: 'string', default: '4000' }, coupons: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '4' } } })
const scale = { users: Number(values.users), events: Number(values.events), coupons: Number(values.coupons) }
const dir = mkdtempSync(join(tmpdir(), 'betting-cpu-'))
const config = loadConfig({}, { DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, LOG_LEVEL: 'warn' })
const database = await openDatabase(config.database)
const app = await buildApi({ config, database, logger: false })
const url = await app.listen({ host: '127.0.0.1', port: 0 })

/** API CPU µs per unit of work done by `work`. */
async function cpuPer (label: string, units: () => Promise<number>): Promise<void> {
  const before = process.cpuUsage()
  const started = performance.now()
  const count = await units()
  const used = process.cpuUsage(before)
  const seconds = (performance.now() - started) / 1000
  process.stdout.write(`${label.padEnd(36)} ${((used.user + used.system) / count).toFixed(0).padStart(6)} µs CPU each  (${count} in ${seconds.toFixed(1)} s)\n`)
}

const options = { ...scale, seed: 42, now: new Date() }
for (const [entity, records, batch] of [['users', userRecords(options), 5000], ['events', eventRecords(options), 5000], ['coupons', couponRecords(options), 2000]] as const) {
  await cpuPer(`bulk ${entity} (${batch} per request)`, async () => {
    let chunk: unknown[] = []
    let n = 0
    const send = async () => {
      const answer = await app.inject({ method: 'POST', url: `/${entity}/bulk`, payload: chunk })
      if (answer.statusCode !== 200) throw new Error(answer.body)
      n += chunk.length
      chunk = []
    }
    for (const record of records as Iterable<unknown>) {
      chunk.push(record)
      if (chunk.length === batch) await send()
    }
    if (chunk.length > 0) await send()
    return n
  })
}

const load = (scenario: LoadSpec['scenario']) => async () => {
  const { runs } = await runScript<LoadOutput>('load.ts', { url, connections: 32, duration: Number(values.seconds), scenario } satisfies LoadSpec)
  return runs.reduce((sum, run) => sum + run.ok + run.non2xx, 0)
}
const eventIds = [...eventRecords(options)].map((e) => Number(e.event_id))
await cpuPer('GET /health', load({ kind: 'static', method: 'GET', path: '/health' }))
for (const algorithm of ALGORITHM_NAMES) {
  await cpuPer(`GET /recommendation/{id} ${algorithm}`, load({ kind: 'recommendation', firstUserId: 100_000, users: scale.users, query: `algorithm=${algorithm}` }))
}
await cpuPer('POST /recommendation/slip', load({ kind: 'slip', firstUserId: 100_000, users: scale.users, eventIds: eventIds.slice(Math.floor(eventIds.length / 2)) }))
await cpuPer('POST /users', load({ kind: 'static', method: 'POST', path: '/users', body: { birth_year: 1990, country: 'GR', currency: 'EUR', gender: 'F' } }))
await cpuPer('POST /coupons', load({ kind: 'coupons', firstUserId: 100_000, users: scale.users, eventIds }))
await cpuPer('POST /recommendation/generate', async () => {
  await app.inject({ method: 'POST', url: '/recommendation/generate' })
  return 1
})

await app.close()
await database.close()
rmSync(dir, { recursive: true, force: true })
