// The fault-injection run, small, on SQLite and PostgreSQL: the four faults of the reliability contract
// under load, then the database compared with every answer of the gateway. `npm test` runs the small
// check (600 records from four clients, about two minutes); FAULTS=1 (`npm run test:faults:quick`) the
// quick version (1,500 records from six clients). The full run (20,000 records, two more faults) is
// `npm run test:faults` (docs/reliability.md).
import { describe, expect, it } from 'vitest'
import { dialects } from '../helpers/database.ts'
import { runFaultInjection } from './fault-run.ts'

const FAULTS = ['consumer-kill', 'api-restart', 'broker-outage', 'gateway-restart'] as const
const SIZE = process.env.FAULTS === '1' ? { records: 1500, clients: 6 } : { records: 600, clients: 4 }

// Each database gets its own broker and services, so both runs go side by side to keep `npm test` short.
describe.concurrent.each(dialects)('fault injection on %s', (dialect) => {
  it('stores exactly the records the gateway acknowledged, once each, and none it refused', async () => {
    const seed = Math.floor(Math.random() * 1_000_000) + 1
    const report = await runFaultInjection({ dialect, ...SIZE, consumers: 2, seed, faults: FAULTS, outageMs: 10_000 })
    const context = `seed ${seed} (npm run test:faults -- --records ${SIZE.records} --clients ${SIZE.clients} --faults ${FAULTS.join(',')} --db ${dialect} --seed ${seed}); logs in ${report.workDir}`

    expect(report.failures, context).toEqual([])
    expect(report.faults.map((f) => f.fault).sort(), context).toEqual([...FAULTS].sort())
    expect(report.total.lost, context).toBe(0)
    expect(report.total.duplicated, context).toBe(0)
    expect(report.total.stored, context).toBe(report.total.acknowledged + report.total.refusedStoredAfterNoAnswer)
    // The outage was felt (records were refused) and survived (records were acknowledged after it).
    expect(report.rows.find((r) => r.phase === 'broker-outage')?.refused, context).toBeGreaterThan(0)
    expect(report.total.acknowledged, context).toBeGreaterThan(report.total.offered / 2)
  }, 900_000)
})
