// The create-dummy and upload sub-commands, spawned for real as a user runs them.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApi, type Api } from '../../../src/api/app.ts'
import { generateDataset } from '../../../src/tools/dataset.ts'
import type { UploadSummary } from '../../../src/tools/upload/index.ts'
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts'
import { SEED_FIXTURE_PATH } from '../../helpers/fixture.ts'

const ROOT = new URL('../../../', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'data-cli-test-'))

interface Run { code: number, stdout: string, stderr: string }

async function cli (...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      // The child's configuration must not come from whatever the test runner's environment holds.
      env: { PATH: process.env.PATH, LOG_LEVEL: 'silent' }
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number, stdout: string, stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('create-dummy', () => {
  it('writes the dataset the library generates for the same seed and instant', async () => {
    const out = join(dir, 'sub', 'dummy.json')
    const run = await cli('create-dummy', '--users', '5', '--events', '4', '--coupons', '6', '--seed', '9', '--now', '2025-06-01T12:00:00Z', '--out', out)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/Wrote 5 users, 4 events and 6 coupons to .*dummy\.json .*seed 9/)
    const written = JSON.parse(readFileSync(out, 'utf8')) as unknown
    expect(written).toEqual(generateDataset({ users: 5, events: 4, coupons: 6, seed: 9, now: new Date('2025-06-01T12:00:00Z') }))
  })

  it('explains itself and refuses bad counts', async () => {
    const [help, bad] = await Promise.all([
      cli('create-dummy', '--help'),
      cli('create-dummy', '--users', 'many', '--out', join(dir, 'never.json'))
    ])
    expect(help.code).toBe(0)
    for (const option of ['--users <n>', '--events <n>', '--coupons <n>', '--seed <n>', '--now <timestamp>', '--out <file>']) {
      expect(help.stdout).toContain(option)
    }
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/--users <n>.*expected an integer/)
  })
})

describe('upload', () => {
  let db: TestDatabase
  let api: Api
  let url: string

  beforeAll(async () => {
    db = await createTestDatabase('sqlite')
    api = await buildApi({ config: db.config, database: db.database, logger: false })
    await api.listen({ port: 0, host: '127.0.0.1' })
    url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await api.close()
    await db.drop()
  })

  it('uploads the seed fixture, lists the one refusal, and exits 0', async () => {
    const run = await cli('upload', SEED_FIXTURE_PATH, '--url', url, '--no-progress')
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/coupons +101 sent +100 stored +1 refused +0 failed/)
    expect(run.stdout).toMatch(/409 x1\n +coupon 42299: /)
  })

  it('prints a JSON summary, shows progress on stderr, and uploads only what is asked', async () => {
    const run = await cli('upload', SEED_FIXTURE_PATH, '--url', url, '--only', 'users,events', '--sequential', '--json')
    expect(run.code, run.stderr).toBe(0)
    const summary = JSON.parse(run.stdout) as UploadSummary
    expect(summary.concurrency).toBe(1)
    expect(summary.entities.map((e) => [e.entity, e.stored])).toEqual([['users', 101], ['events', 101]])
    expect(run.stderr).toMatch(/^users +101\/101 \(100%\)/m)
  })

  it('explains itself and says what is wrong with a bad file', async () => {
    const [help, missing, gatewayBulk] = await Promise.all([
      cli('upload', '--help'),
      cli('upload', join(dir, 'absent.json'), '--url', url),
      cli('upload', SEED_FIXTURE_PATH, '--target', 'gateway', '--bulk', '10')
    ])
    expect(help.code).toBe(0)
    for (const option of ['<file>', '--target <target>', '--url <url>', '--concurrency <n>', '--sequential', '--bulk <n>', '--only <entities>', '--api-key <key>', '--no-progress']) {
      expect(help.stdout).toContain(option)
    }
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^upload: ENOENT/)
    expect(gatewayBulk.code).toBe(2)
    expect(gatewayBulk.stderr).toMatch(/bulk mode posts to the API/)
  })
})
