// The README's walk-through, run as printed against a real stack (API, gateway and consumer processes on the
// run's broker): each command of its shell blocks runs in a shell, with only the services' ports and the
// dataset file's directory swapped for this test's own, and each answers what the README says it does.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defineServiceStack, type ServiceStack } from '../../src/dev/service-stack.ts'
import { createTestDatabase, uniqueName, type TestDatabase } from '../helpers/database.ts'
import { kafkaBootstrap } from '../helpers/kafka.ts'
import { eventually } from '../helpers/pipeline.ts'
import { ROOT } from '../helpers/service-process.ts'

const run = promisify(execFile)

/** The shell commands of the README section that starts with `heading`, in order. */
function walkThrough (heading: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf(heading), readme.indexOf('\n## ', readme.indexOf(heading)))
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) => (block[1] ?? '').split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim()).filter((line) => line.length > 0)
}

describe('the README walk-through', () => {
  const dir = mkdtempSync(join(tmpdir(), 'walkthrough-'))
  let db: TestDatabase
  let services: ServiceStack | undefined
  let env: Record<string, string>
  let ports: { api: number }

  beforeAll(async () => {
    db = await createTestDatabase('sqlite')
    const prefix = `${uniqueName('readme')}-`
    env = {
      ...db.env,
      TOPIC_PREFIX: prefix,
      CONSUMER_GROUP_PREFIX: prefix.slice(0, -1),
      LOG_LEVEL: 'warn'
    }
    services = await defineServiceStack({ bootstrap: kafkaBootstrap(), env, logDir: dir })
    ports = { api: Number(new URL(services.apiUrls[0] as string).port) }
    // The README's commands reach the gateway and the Kafka broker through the same variables.
    env = { ...env, BOOTSTRAP_SERVER: kafkaBootstrap(), PRODUCER_PORT: new URL(services.gatewayUrls[0] as string).port, PORT: String(ports.api) }
    await services.start()
  })
  afterAll(async () => {
    await services?.stop()
    await db.drop()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Runs one README command in a shell, against this test's ports and directory. */
  async function sh (command: string): Promise<string> {
    const local = command
      .replaceAll('127.0.0.1:8098', `127.0.0.1:${ports.api}`)
      .replaceAll('data/dummy.json', join(dir, 'dummy.json'))
    const { stdout } = await run('sh', ['-c', local], { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 })
    return stdout
  }

  it('uploads the seed data through the gateway, then answers the user\'s coupons and a recommendation as of 2024-04-10', async () => {
    const [upload, coupons, recommendation, ...rest] = walkThrough('### Walk-through')
    expect(upload).toBe('npm run cli -- upload test/fixtures/seed-dummy.json --target gateway')
    expect(rest.length).toBeGreaterThanOrEqual(3)
    expect(await sh(upload as string)).toMatch(/303/)
    // The consumers store the records in the background: the user's coupons appear once delivered.
    const stored = await eventually(async () => JSON.parse(await sh(coupons as string)) as unknown, (body) => Array.isArray(body) && body.length > 0, 60_000)
    expect((stored as Array<{ user_id: number }>).every((c) => c.user_id === 48305)).toBe(true)
    const [answer] = JSON.parse(await sh(recommendation as string)) as Array<{ user_id: number, events: unknown[] }>
    expect(answer?.user_id).toBe(48305)
    expect(answer?.events.length).toBeGreaterThan(0)
  })

  it('generates a dataset around now, uploads it, and recommends open events to the first generated user', async () => {
    const [, , , generate, upload, recommendation] = walkThrough('### Walk-through')
    expect(generate).toMatch(/^npm run cli -- create-dummy /)
    expect(await sh(generate as string)).toMatch(/^Wrote 1000 users, 300 events and 5000 coupons/m)
    await sh(upload as string)
    const answer = await eventually(async () => (JSON.parse(await sh(recommendation as string)) as Array<{ events: Array<{ end_timestamp: string }> }>)[0],
      (a) => a !== undefined && a.events.length === 3, 120_000)
    for (const event of answer?.events ?? []) expect(Date.parse(event.end_timestamp)).toBeGreaterThan(Date.now())
  })
})
