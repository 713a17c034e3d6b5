// The `dlq` sub-commands: list the dead-lettered records grouped by reason, show one in full, and replay
// chosen ones to the topic they came from once their cause is fixed.
import { GenericError } from '@platformatic/kafka'
import cliProgress from 'cli-progress'
import { InvalidArgumentError, type Command } from 'commander'
import type { Config } from '../../config/config.ts'
import { kafkaBrokers } from '../../config/config.ts'
import {
  allDeadLetterTopics, DeadLetterNotFoundError, DeadLetterReadError, deadLetterTopicOf, findDeadLetter, isDeadLetterTopicName,
  ledgerTopicOf, listDeadLetters, REPLAYED_FROM_HEADER, replayDeadLetters, type DeadLetter, type Listing, type Position,
  type ReplaySummary
} from '../../kafka/dead-letters/index.ts'
import { ENTITIES } from '../../kafka/topics.ts'
import { configFromEnv } from '../config.ts'

const TOPIC_HELP = `an entity (${ENTITIES.join(', ')}) or a dead-letter topic name ending in .dlq`

function nonNegativeInteger (text: string): number {
  const value = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new InvalidArgumentError('expected a non-negative integer.')
  return value
}

function topicName (text: string): string {
  if (!isDeadLetterTopicName(text)) throw new InvalidArgumentError(`expected ${TOPIC_HELP}.`)
  return text
}

interface PartitionOffset { partition: number, offset: number }

function offsetList (text: string): PartitionOffset[] {
  const pairs = text.split(',').map((pair) => pair.trim()).filter((pair) => pair.length > 0)
  if (pairs.length === 0 || pairs.some((pair) => !/^\d+:\d+$/.test(pair))) {
    throw new InvalidArgumentError('expected partition:offset pairs separated by commas, e.g. 0:12,2:7.')
  }
  return pairs.map((pair) => {
    const [partition, offset] = pair.split(':').map(Number) as [number, number]
    return { partition, offset }
  })
}

/** The dead-letter topics an option names: the one given, else every entity's. */
function chosenTopics (config: Config, topic: string | undefined): string[] {
  const prefix = config.kafka.topicPrefix
  return topic === undefined ? allDeadLetterTopics(prefix) : [deadLetterTopicOf(prefix, topic)]
}

/**
 * A record the user named that is not there is theirs to fix: one sentence, exit code 2. A broker that
 * cannot be reached is one sentence too, exit code 1; a stack trace would bury both.
 */
async function run (command: string, work: () => Promise<void>): Promise<void> {
  try {
    await work()
  } catch (error) {
    if (error instanceof DeadLetterNotFoundError) {
      process.stderr.write(`dlq ${command}: ${error.message}.\n`)
      process.exitCode = 2
    } else if (error instanceof DeadLetterReadError || (error instanceof Error && GenericError.isGenericError(error))) {
      const config = configFromEnv()
      process.stderr.write(`dlq ${command}: Kafka at ${kafkaBrokers(config).join(',')} failed: ${error.message}\n`)
      process.exitCode = 1
    } else {
      throw error
    }
  }
}

const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`
const keyText = (key: string | null): string => key === null ? '(no key)' : JSON.stringify(key)
const at = (p: { partition: number | null, offset: number | null }): string => `${p.partition ?? '?'}:${p.offset ?? '?'}`

export function formatListing (listing: Listing, reason: string | undefined): string {
  const lines = listing.topics.map((t) => `${t.topic}: ${t.exists ? counted(t.records, 'record') : 'does not exist'}`)
  const filter = reason === undefined ? '' : ` matching "${reason}"`
  if (listing.total === 0) {
    lines.push(`no dead-lettered records${filter}`)
    return lines.join('\n')
  }
  lines.push(`${counted(listing.total, 'dead-lettered record')}${filter} in ${counted(listing.groups.length, 'group')}`)
  for (const group of listing.groups) {
    lines.push('', `[${group.code || 'no code'}] ${group.reason}: ${counted(group.count, 'record')}`)
    for (const r of group.records) {
      lines.push(`  ${r.topic} ${r.partition}:${r.offset}  key ${keyText(r.key)}  from ${r.original.topic} ${at(r.original)}  ${r.preview}`)
    }
    if (group.count > group.records.length) lines.push(`  ... and ${group.count - group.records.length} more`)
  }
  return lines.join('\n')
}

function parsedJson (value: Buffer | undefined): unknown {
  if (value === undefined) return undefined
  try {
    return JSON.parse(value.toString('utf8'))
  } catch {
    return undefined
  }
}

/** The record as JSON output: bytes as UTF-8 text, and the value parsed too when it is JSON. */
export function describeDeadLetter (record: DeadLetter) {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp.toISOString(),
    key: record.key?.toString('utf8') ?? null,
    headers: record.headers,
    value: record.value?.toString('utf8') ?? null,
    json: parsedJson(record.value)
  }
}

export function formatDeadLetter (record: DeadLetter): string {
  const json = parsedJson(record.value)
  return [
    `topic      ${record.topic}`,
    `partition  ${record.partition}`,
    `offset     ${record.offset}`,
    `timestamp  ${record.timestamp.toISOString()}`,
    `key        ${keyText(record.key?.toString('utf8') ?? null)}`,
    'headers',
    ...Object.entries(record.headers).map(([name, value]) => `  ${name}: ${value}`),
    'value',
    json === undefined ? record.value?.toString('utf8') ?? '(no value)' : JSON.stringify(json, null, 2)
  ].join('\n')
}

export function formatReplay (summary: ReplaySummary): string {
  if (summary.records.length === 0) return 'no dead-lettered records chosen: nothing to replay'
  const lines: string[] = []
  if (summary.dryRun) {
    lines.push(`dry run: would replay ${counted(summary.replayed, 'record')}, skipping ${summary.skipped} already replayed`)
    for (const r of summary.records.filter((record) => !record.alreadyReplayed)) lines.push(`  ${r.topic} ${r.partition}:${r.offset} -> ${r.target}`)
  } else {
    lines.push(`replayed ${counted(summary.replayed, 'record')}, skipped ${summary.skipped} already replayed`)
  }
  for (const t of summary.topics) {
    const targets = Object.entries(t.targets).map(([topic, n]) => `${n} to ${topic}`).join(', ')
    lines.push(`  ${t.topic}: ${t.replayed} ${summary.dryRun ? 'to replay' : 'replayed'}${targets === '' ? '' : ` (${targets})`}, ${t.skipped} skipped`)
  }
  return lines.join('\n')
}

interface Progress { update (done: number, total: number): void, stop (): void }

/** A bar on a terminal; nothing at all for a pipe, a log file or JSON output. */
function progressBar (enabled: boolean): Progress | undefined {
  if (!enabled) return undefined
  const bar = new cliProgress.SingleBar({
    stream: process.stdout,
    format: 'replaying [{bar}] {percentage}% | {value}/{total} records',
    clearOnComplete: true,
    hideCursor: true,
    barsize: 30
  }, cliProgress.Presets.shades_classic)
  let started = false
  return {
    update (done, total) {
      if (!started) bar.start(total, 0)
      started = true
      bar.update(done)
    },
    stop () {
      if (started) bar.stop()
    }
  }
}

interface ListCommandOptions { topic?: string, reason?: string, limit: number, json?: boolean }
interface JsonOption { json?: boolean }
interface ReplayCommandOptions { topic?: string, reason?: string, offsets?: PartitionOffset[], dryRun?: boolean, json?: boolean }

const print = (text: string): void => { process.stdout.write(`${text}\n`) }

export function registerDlqCommands (program: Command): void {
  const dlq = program.command('dlq')
    .description('Dead-letter tools: the consumers set aside records that can never be stored on <TOPIC_PREFIX><entity>.dlq ' +
      '(original key and value, the reason in x-dlq-* headers). Reading never disturbs the consumers: a throw-away consumer ' +
      'group reads up to the current end of each partition and commits nothing.')
    // Bad options and arguments are usage errors: commander's one-sentence message, then exit code 2.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))

  dlq.command('list')
    .summary('list dead-lettered records grouped by reason')
    .description('Read the dead-letter topics to their current end and print the records grouped by reason (numbers in ' +
      'reasons, such as ids and seconds, shown as #) with each group\'s count and first records.')
    .option('--topic <topic>', `only this dead-letter topic: ${TOPIC_HELP} (default: all three entities')`, topicName)
    .option('--reason <text>', 'only records whose reason or code contains this text (case-insensitive)')
    .option('--limit <n>', 'records shown per group', nonNegativeInteger, 3)
    .option('--json', 'print the listing as JSON: {topics, total, groups: [{reason, code, count, records}]}')
    .action(async (options: ListCommandOptions) => run('list', async () => {
      const config = configFromEnv()
      const listing = await listDeadLetters(config, { topics: chosenTopics(config, options.topic), reason: options.reason, limit: options.limit })
      print(options.json === true ? JSON.stringify(listing, null, 2) : formatListing(listing, options.reason))
    }))

  dlq.command('show')
    .summary('print one dead-lettered record in full')
    .description('Print one dead-lettered record in full: headers, key, and value (pretty-printed when it is JSON). ' +
      'Exit code 2 when there is no record at that position.')
    .argument('<topic>', TOPIC_HELP, topicName)
    .argument('<partition>', 'partition of the record', nonNegativeInteger)
    .argument('<offset>', 'offset of the record in that partition', nonNegativeInteger)
    .option('--json', 'print the record as JSON: {topic, partition, offset, timestamp, key, headers, value, json}')
    .action(async (topic: string, partition: number, offset: number, options: JsonOption) => run('show', async () => {
      const config = configFromEnv()
      const position: Position = { topic: deadLetterTopicOf(config.kafka.topicPrefix, topic), partition, offset }
      const record = await findDeadLetter(config, position)
      if (record === undefined) throw new DeadLetterNotFoundError(`no record at ${position.topic} partition ${partition} offset ${offset}`)
      print(options.json === true ? JSON.stringify(describeDeadLetter(record), null, 2) : formatDeadLetter(record))
    }))

  dlq.command('replay')
    .summary('produce chosen dead-lettered records again, once')
    .description('Produce the chosen dead-lettered records again, key and value unchanged, to the topic they came from ' +
      `(x-original-topic), so the consumers deliver them once their cause is fixed. Each copy carries ${REPLAYED_FROM_HEADER}: ` +
      `<dlq topic>:<partition>:<offset>, and each replayed offset is recorded in the ledger topic ${ledgerTopicOf('<dlq topic>')}, ` +
      'so a later run skips it. Safe to repeat: the API stores a record with the same id and content once.')
    .option('--topic <topic>', `only this dead-letter topic: ${TOPIC_HELP} (default: all three entities')`, topicName)
    .option('--reason <text>', 'only records whose reason or code contains this text (case-insensitive)')
    .option('--offsets <list>', 'only these records of --topic, as partition:offset pairs separated by commas (e.g. 0:12,2:7)', offsetList)
    .option('--dry-run', 'list what would be replayed; produce nothing')
    .option('--json', 'print the summary as JSON: {dryRun, replayed, skipped, topics, records}')
    .action(async (options: ReplayCommandOptions) => run('replay', async () => {
      if (options.offsets !== undefined && options.topic === undefined) {
        process.stderr.write('dlq replay: --offsets needs --topic, since offsets are per topic.\n')
        process.exitCode = 2
        return
      }
      const config = configFromEnv()
      const topics = chosenTopics(config, options.topic)
      const progress = progressBar(options.json !== true && process.stdout.isTTY === true)
      let summary: ReplaySummary
      try {
        summary = await replayDeadLetters(config, {
          topics,
          reason: options.reason,
          positions: options.offsets?.map((p) => ({ topic: topics[0] as string, ...p })),
          dryRun: options.dryRun === true,
          onProgress: progress?.update
        })
      } finally {
        progress?.stop()
      }
      print(options.json === true ? JSON.stringify(summary, null, 2) : formatReplay(summary))
    }))
}
