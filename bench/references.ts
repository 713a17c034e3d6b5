// Limit references measured in the same run as the figures they bound: Kafka's own producer benchmark
// (ProducerPerformance, from the same jars, against the same broker), so the gateway's produce rate can be
// read as a share of what the broker takes from the fastest client there is.
import { spawn } from 'node:child_process'
import { Admin } from '@platformatic/kafka'
import { terminateOnExit } from '../src/dev/exit-cleanup.ts'
import { fetchKafka } from '../src/dev/kafka-jars.ts'

export interface ProducerPerfOptions {
  bootstrap: string
  cacheDir: string
  records: number
  /** Bytes per record: the pipeline's own record size. */
  recordSize: number
  topic: string
}

/**
 * `kafka.tools.ProducerPerformance` with acks=all and idempotence (the gateway's settings), as fast as it
 * goes; records per second from its summary line ("N records sent, R records/sec (...)").
 */
export async function kafkaProducerPerf (options: ProducerPerfOptions): Promise<number> {
  const admin = new Admin({ clientId: 'bench-producer-perf', bootstrapBrokers: options.bootstrap.split(',') })
  try {
    await admin.createTopics({ topics: [options.topic], partitions: 3, replicas: 1 })
  } finally {
    await admin.close()
  }
  const { libsDir } = await fetchKafka(options.cacheDir, () => {})
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('java', ['-Xmx512m', '-cp', `${libsDir}/*`, 'org.apache.kafka.tools.ProducerPerformance',
      '--topic', options.topic, '--num-records', String(options.records), '--record-size', String(options.recordSize),
      '--throughput', '-1', '--producer-props', `bootstrap.servers=${options.bootstrap}`, 'acks=all', 'enable.idempotence=true'],
    { stdio: ['ignore', 'pipe', 'pipe'] })
    terminateOnExit(child)
    let text = ''
    child.stdout.on('data', (chunk: Buffer) => { text += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { text += chunk.toString() })
    child.once('error', reject)
    child.once('close', (code) => code === 0 ? resolve(text) : reject(new Error(`ProducerPerformance exited with ${String(code)}: ${text.slice(-500)}`)))
  })
  const summary = [...output.matchAll(/(\d+) records sent, ([\d.]+) records\/sec/g)].at(-1)
  if (summary === undefined) throw new Error(`ProducerPerformance printed no summary: ${output.slice(-500)}`)
  return Number(summary[2])
}
