// SIGTERM for each service, run as a real process: the gateway stops accepting and answers the request it
// had started (its record reaches Kafka); the API answers the write it had started (and stores it); the
// consumer finishes the batch it was delivering, commits it and leaves, or, when the API is down, leaves
// without committing so the batch is read again. Each exits with code 0 in time. And SIGKILL for a
// consumer mid-batch: nothing committed, the batch delivered again.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Admin, Producer, stringSerializers } from '@platformatic/kafka'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.ts'
import { freePorts } from '../../src/dev/ports.ts'
import { ENTITIES, ensureTopics, entityTopics } from '../../src/kafka/topics.ts'
import { createTestDatabase, dialects, uniqueName } from '../helpers/database.ts'
import { kafkaBootstrap } from '../helpers/kafka.ts'
import { readTopic } from '../helpers/pipeline.ts'
import { userBody } from '../helpers/records.ts'
import { ServiceProcess, type ServiceCommand } from '../helpers/service-process.ts'

const logDir = mkdtempSync(join(tmpdir(), 'shutdown-test-'))
const running: ServiceProcess[] = []
afterEach(async () => { await Promise.all(running.splice(0).map(async (s) => s.running ? s.kill() : undefined)) })
afterAll(() => { if (process.env.KEEP_LOGS === undefined) rmSync(logDir, { recursive: true, force: true }) })

async function startService (command: ServiceCommand, env: Record<string, string>): Promise<ServiceProcess> {
  const service = new ServiceProcess({ name: command, command, env: { LOG_LEVEL: 'info', ...env }, logFile: join(logDir, `${uniqueName(command)}.log`) })
  running.push(service)
  await service.start()
  return service
}

/**
 * Starts a request and resolves once the server has taken it in: its headers are sent with `Expect:
 * 100-continue`, and the server's "100 Continue" says it routed the request and waits for the body, which
 * `finish` sends, resolving with the answer.
 */
async function startRequest (port: number, path: string, body: string): Promise<{ finish: () => Promise<{ status: number, body: any }> }> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
  let received = Buffer.alloc(0)
  socket.on('data', (chunk: Buffer) => { received = Buffer.concat([received, chunk]) })
  socket.write(`POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`)
  const interim = 'HTTP/1.1 100 Continue\r\n\r\n'
  while (!received.toString().startsWith(interim)) await sleep(10)
  received = received.subarray(interim.length)

  /** The answer once its headers and as many body bytes as Content-Length says have arrived. */
  const complete = () => {
    const end = received.indexOf('\r\n\r\n')
    if (end < 0) return undefined
    const head = received.subarray(0, end).toString()
    const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? NaN)
    const text = received.subarray(end + 4)
    return text.length >= length ? { status: Number(head.split(' ')[1]), body: JSON.parse(text.subarray(0, length).toString()) } : undefined
  }
  return {
    async finish () {
      socket.write(body)
      let answer = complete()
      while (answer === undefined) {
        await sleep(20)
        answer = complete()
      }
      socket.destroy()
      return answer
    }
  }
}

/** True once nothing accepts connections on the port any more. */
async function refusesConnections (port: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(false) })
      s.once('error', () => resolve(true))
    })
    if (refused) return true
    await sleep(50)
  }
  return false
}

describe('SIGTERM to the gateway', () => {
  it('stops accepting, answers the request in flight with 202 once its record is in Kafka, and exits 0', async () => {
    const prefix = `${uniqueName('shutdown')}-`
    const [port] = await freePorts(1)
    const gateway = await startService('gateway', { BOOTSTRAP_SERVER: kafkaBootstrap(), TOPIC_PREFIX: prefix, PRODUCER_PORT: String(port) })
    const inFlight = await startRequest(port as number, '/users', JSON.stringify(userBody({ id: 4242 })))

    const exit = gateway.stop()
    expect(await refusesConnections(port as number)).toBe(true)
    const answer = await inFlight.finish()
    expect(answer).toMatchObject({ status: 202, body: { id: 4242, topic: `${prefix}users` } })
    expect(await exit).toEqual({ code: 0, signal: null, forced: false })
    expect(gateway.crashes).toEqual([])

    const config = loadConfig({ BOOTSTRAP_SERVER: kafkaBootstrap() })
    const [record] = await readTopic(config, `${prefix}users`, 1, 20_000)
    expect(JSON.parse(record?.value ?? '{}')).toMatchObject({ id: 4242 })
  })
})

describe.each(dialects)('SIGTERM to the API on %s', (dialect) => {
  it('stops accepting, answers the write in flight once stored, and exits 0', async () => {
    const db = await createTestDatabase(dialect)
    try {
      const [port] = await freePorts(1)
      const api = await startService('api', { ...db.env, PORT: String(port) })
      const inFlight = await startRequest(port as number, '/users/bulk', JSON.stringify([userBody({ id: 77 }), userBody({ id: 78 })]))

      const exit = api.stop()
      expect(await refusesConnections(port as number)).toBe(true)
      const answer = await inFlight.finish()
      expect(answer.status).toBe(200)
      expect(answer.body.results.map((r: { status: number }) => r.status)).toEqual([200, 200])
      expect(await exit).toEqual({ code: 0, signal: null, forced: false })

      const ids = await db.database.db.selectFrom('users').select('id').orderBy('id').execute()
      expect(ids.map((r) => r.id)).toEqual([77, 78])
    } finally {
      await db.drop()
    }
  })
})

/** An API stand-in whose bulk answers the test releases: the consumer is caught in the middle of a delivery. */
class HeldApi {
  readonly received: unknown[][] = []
  private readonly held: Array<() => void> = []
  status = 200
  readonly server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // The consumer's readiness asks GET /ready; only bulk deliveries are held.
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"status":"ready"}')
      return
    }
    let text = ''
    req.on('data', (chunk) => { text += chunk })
    req.on('end', () => {
      const records = JSON.parse(text) as unknown[]
      this.received.push(records)
      const answer = () => {
        res.writeHead(this.status, { 'content-type': 'application/json' })
        res.end(this.status === 200 ? JSON.stringify({ results: records.map((r) => ({ status: 200, body: r })) }) : '{"detail":"down","code":"UNAVAILABLE"}')
      }
      if (this.status === 200) this.held.push(answer)
      else answer()
    })
  })

  async listen (): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`
  }

  release (): void {
    for (const answer of this.held.splice(0)) answer()
  }

  async close (): Promise<void> {
    this.release()
    this.server.closeAllConnections()
    await new Promise((resolve) => this.server.close(resolve))
  }
}

describe('SIGTERM to a consumer', () => {
  const bootstrap = kafkaBootstrap()
  const config = loadConfig({ BOOTSTRAP_SERVER: bootstrap })

  async function setUp () {
    const prefix = `${uniqueName('shutdown')}-`
    const topics = entityTopics(prefix, 'users')
    await ensureTopics(config, ENTITIES.flatMap((e) => Object.values(entityTopics(prefix, e))), 'shutdown-admin')
    const producer = new Producer({ clientId: 'shutdown-test', bootstrapBrokers: [bootstrap], serializers: stringSerializers })
    try {
      await producer.send({ messages: [1, 2, 3].map((id) => ({ topic: topics.main, key: String(id), value: JSON.stringify(userBody({ id })), partition: 0 })) })
    } finally {
      await producer.close()
    }
    const api = new HeldApi()
    const apiUrl = await api.listen()
    const env = { BOOTSTRAP_SERVER: bootstrap, TOPIC_PREFIX: prefix, CONSUMER_GROUP_PREFIX: prefix.slice(0, -1), TOPICS: 'users', API_URL: apiUrl }
    return { api, env, group: `${env.CONSUMER_GROUP_PREFIX}-${topics.main}`, topic: topics.main }
  }

  async function committed (group: string, topic: string): Promise<bigint> {
    const admin = new Admin({ clientId: 'shutdown-admin', bootstrapBrokers: [bootstrap] })
    try {
      const [answer] = await admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: [0] }] }] })
      return answer?.topics[0]?.partitions[0]?.committedOffset ?? -1n
    } finally {
      await admin.close()
    }
  }

  it('finishes the batch it is delivering, commits it, and exits 0', async () => {
    const { api, env, group, topic } = await setUp()
    try {
      const consumer = await startService('consumer', env)
      while (api.received.length === 0) await sleep(50)

      const exit = consumer.stop()
      await sleep(500)
      expect(consumer.running).toBe(true) // still waiting for the API's answer
      api.release()
      expect(await exit).toEqual({ code: 0, signal: null, forced: false })
      // Everything it delivered is committed: the first records, in order, up to the last one stored.
      const delivered = api.received.flat()
      expect(delivered).toEqual([1, 2, 3].slice(0, delivered.length).map((id) => userBody({ id })))
      expect(await committed(group, topic)).toBe(BigInt(delivered.length))
    } finally {
      await api.close()
    }
  })

  it('killed with SIGKILL in the middle of a batch, commits nothing, and the batch is delivered again after a restart', async () => {
    const { api, env, group, topic } = await setUp()
    try {
      const consumer = await startService('consumer', env)
      while (api.received.length === 0) await sleep(50)
      await consumer.kill()
      api.release() // the API stored the batch, but the consumer is gone before it could commit
      expect(await committed(group, topic)).toBeLessThan(1n)

      const deliveredBefore = api.received.length
      const again = await startService('consumer', env)
      while (await committed(group, topic) < 3n) {
        api.release()
        await sleep(200)
      }
      // Stored twice by the API is harmless: the same ids and content are a replay.
      expect(api.received.slice(deliveredBefore).flat()).toEqual([1, 2, 3].map((id) => userBody({ id })))
      expect(await again.stop()).toEqual({ code: 0, signal: null, forced: false })
    } finally {
      await api.close()
    }
  })

  it('leaves without committing when the API is down, so the batch is read again, and exits 0', async () => {
    const { api, env, group, topic } = await setUp()
    api.status = 503
    try {
      const consumer = await startService('consumer', env)
      while (api.received.length === 0) await sleep(50)
      expect(await consumer.stop()).toEqual({ code: 0, signal: null, forced: false })
      expect(await committed(group, topic)).toBeLessThan(1n)

      // Started again with the API back: the same records arrive, and are committed this time.
      api.status = 200
      const deliveredBefore = api.received.length
      const again = await startService('consumer', env)
      while (await committed(group, topic) < 3n) {
        api.release()
        await sleep(200)
      }
      expect(api.received.slice(deliveredBefore).flat()).toEqual([1, 2, 3].map((id) => userBody({ id })))
      expect(await again.stop()).toEqual({ code: 0, signal: null, forced: false })
    } finally {
      await api.close()
    }
  })
}, 120_000)
