// The gateway's producer when the broker hangs or goes away, on a broker of its own (it is frozen with
// SIGSTOP and stopped): a 202 names the offset its own record is at, a refusal means nothing was written,
// and the same producer works again once the broker is back.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Consumer } from '@platformatic/kafka'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig, type Config } from '../../../src/config/config.ts'
import { createRecordProducer, KafkaOutcomeUnknownError, KafkaUnavailableError, type RecordProducer } from '../../../src/gateway/producer.ts'
import { startLocalBroker, type LocalBroker, type LocalBrokerOptions } from '../../../src/dev/local-broker.ts'
import { freePorts } from '../../../src/dev/ports.ts'
import { ensureTopics } from '../../../src/kafka/topics.ts'
import { uniqueName } from '../../helpers/database.ts'

let broker: LocalBroker
let brokerOptions: LocalBrokerOptions
const dataDir = mkdtempSync(join(tmpdir(), 'producer-faults-'))
const producers: RecordProducer[] = []

beforeAll(async () => {
  const [port, controllerPort] = await freePorts(2)
  const defaults = loadConfig({})
  brokerOptions = { port: port as number, controllerPort: controllerPort as number, dataDir, cacheDir: defaults.kafka.cacheDir, heap: '256m', onProgress: () => {} }
  broker = await startLocalBroker(brokerOptions)
})

afterEach(async () => {
  // A test that failed half-way must not leave the broker frozen for the next one.
  if (broker.pid !== undefined) process.kill(broker.pid, 'SIGCONT')
  await Promise.all(producers.splice(0).map((p) => p.close()))
})

afterAll(async () => {
  await broker?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

/** A producer over a one-partition topic of its own, so offsets follow each other. */
async function setUp (requestTimeoutMs: number): Promise<{ config: Config, topic: string, producer: RecordProducer }> {
  const config = loadConfig({ BOOTSTRAP_SERVER: broker.bootstrap, TOPIC_PARTITIONS: '1', REQUEST_TIMEOUT_MS: String(requestTimeoutMs) })
  const topic = uniqueName('hang')
  await ensureTopics(config, [topic], 'producer-faults-admin')
  const producer = createRecordProducer(config, 'producer-faults')
  producers.push(producer)
  return { config, topic, producer }
}

const record = (value: string) => [{ key: 'same-key', value }]

/**
 * The topic's records by offset, read from the beginning until `count` arrived. A broker just thawed or
 * restarted on a loaded machine may fail the reader's first requests: its errors are heard (not left to
 * end the run) and the read starts again, until a minute has passed.
 */
async function topicContent (config: Config, topic: string, count: number): Promise<Map<number, string>> {
  const deadline = Date.now() + 60_000
  const content = new Map<number, string>()
  while (content.size < count && Date.now() < deadline) {
    const consumer = new Consumer({ clientId: 'producer-faults-reader', groupId: uniqueName('reader'), bootstrapBrokers: config.kafka.bootstrapServers })
    consumer.on('error', () => {})
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', maxWaitTime: 200 })
      try {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))
          const done = () => { clearTimeout(timer); resolve() }
          stream.on('error', done)
          stream.on('data', (message) => {
            content.set(Number(message.offset), message.value?.toString() ?? '')
            if (content.size >= count) done()
          })
        })
      } finally {
        await stream.close().catch(() => {})
      }
    } catch {
      // The broker refused the reader's requests: read again from the start.
    } finally {
      await consumer.close().catch(() => {})
    }
  }
  return content
}

/** True once every thread of the process is stopped: the signal is only queued when kill() returns. */
function stopped (pid: number): boolean {
  const threads = readdirSync(`/proc/${pid}/task`)
  return threads.every((tid) => {
    try {
      // The state is the field after the parenthesised command name: T when stopped by a signal.
      return / [Tt] /.test(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^.*\)/s, ''))
    } catch {
      return true // the thread has exited
    }
  })
}

function freeze (): void {
  const pid = broker.pid as number
  process.kill(pid, 'SIGSTOP')
  const deadline = Date.now() + 10_000
  while (!stopped(pid)) {
    if (Date.now() > deadline) throw new Error(`broker ${pid} did not stop within 10 s of SIGSTOP`)
  }
}
const thaw = () => process.kill(broker.pid as number, 'SIGCONT')

describe('the gateway producer when the broker hangs or stops', () => {
  it('sends a request the broker hung on again until it answers: its 202 names its own offset, and records queued meanwhile are refused unwritten', async () => {
    const { config, topic, producer } = await setUp(18_000)
    expect(await producer.send(topic, record('first'))).toEqual([{ partition: 0, offset: 0 }])

    freeze()
    const hung = producer.send(topic, record('hung'))
    // Queued behind the hung request: refused once that request failed, and never sent.
    await expect(producer.send(topic, record('refused'))).rejects.toBeInstanceOf(KafkaUnavailableError)
    await expect(producer.send(topic, record('refused too'))).rejects.toBeInstanceOf(KafkaUnavailableError)
    thaw()

    const [hungAck] = await hung
    const [nextAck] = await producer.send(topic, record('next'))
    const content = await topicContent(config, topic, 3)
    expect(content.get(hungAck?.offset ?? -1)).toBe('hung')
    expect(content.get(nextAck?.offset ?? -1)).toBe('next')
    expect([...content.values()].sort()).toEqual(['first', 'hung', 'next'])
  })

  it('answers "outcome unknown" when the broker stays silent past the request timeout, and then acknowledges the next record at its own offset', async () => {
    const { config, topic, producer } = await setUp(9000)
    await producer.send(topic, record('first'))

    freeze()
    await expect(producer.send(topic, record('unknown'))).rejects.toBeInstanceOf(KafkaOutcomeUnknownError)
    thaw()

    // Before the fix, this record reused the abandoned request's sequence numbers: the broker took it for
    // a copy of that one, answered with that one's offset, and never wrote it.
    const [ack] = await producer.send(topic, record('after'))
    const content = await topicContent(config, topic, 3)
    expect(content.get(ack?.offset ?? -1)).toBe('after')
    expect([...content.values()].filter((v) => v === 'unknown').length).toBeLessThanOrEqual(1)
  })

  it('refuses records while the broker is stopped and accepts them again, with the same producer, once it is back', async () => {
    const { config, topic, producer } = await setUp(120_000)
    await producer.send(topic, record('before'))

    await broker.stop()
    // Refused at once when the producer finds no broker before sending; when it had sent, it is sent
    // again until the broker is back. Either way its answer must be true.
    const during = producer.send(topic, record('during')).then(([ack]) => ack?.offset, (error: unknown) => error)
    await expect(producer.send(topic, record('refused'))).rejects.toBeInstanceOf(KafkaUnavailableError)
    broker = await startLocalBroker(brokerOptions)

    // Refused until the held request is answered, so that one is awaited first.
    const duringAnswer = await during
    const [afterAck] = await producer.send(topic, record('after'))
    const content = await topicContent(config, topic, typeof duringAnswer === 'number' ? 3 : 2)
    expect(content.get(afterAck?.offset ?? -1)).toBe('after')
    if (typeof duringAnswer === 'number') expect(content.get(duringAnswer)).toBe('during')
    else expect(duringAnswer).toBeInstanceOf(KafkaUnavailableError)
    expect([...content.values()].filter((v) => v !== 'during').sort()).toEqual(['after', 'before'])
    expect([...content.values()].includes('during')).toBe(typeof duringAnswer === 'number')
  })
}, 180_000)
