// Sub-commands for test data: create-dummy writes a dataset file, upload posts one to the API or the gateway.
import { InvalidArgumentError, Option, type Command } from 'commander'
import type { EntityName } from '../../domain/entities.ts'
import { writeDataset } from '../../tools/dataset.ts'
import { progressBar, type Progress } from '../../tools/progress.ts'
import { DatasetFormatError, DEFAULT_CONCURRENCY, ENTITIES, formatSummary, MAX_BULK, uploadDataset, type UploadTarget } from '../../tools/upload/index.ts'
import { integer } from '../arguments.ts'
import { configFromEnv } from '../config.ts'

function entityList (text: string): EntityName[] {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name.length > 0)
  const unknown = names.filter((name) => !(ENTITIES as readonly string[]).includes(name))
  if (names.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`expected a comma-separated list of ${ENTITIES.join(', ')}.`)
  return names as EntityName[]
}

function instant (text: string): Date {
  const date = new Date(text)
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected an ISO-8601 timestamp.')
  return date
}

/** A bad file or option is the user's to fix: one sentence and exit code 2, no stack trace. */
function usageError (error: unknown): undefined {
  const code = (error as NodeJS.ErrnoException).code
  if (!(error instanceof DatasetFormatError || error instanceof RangeError || code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES')) throw error
  process.stderr.write(`upload: ${(error as Error).message}\n`)
  process.exitCode = 2
  return undefined
}

interface CreateDummyOptions { users: number, events: number, coupons: number, seed?: number, now?: Date, out: string, progress: boolean, json?: boolean }

interface UploadCommandOptions {
  target: UploadTarget
  url?: string
  concurrency: number
  sequential?: boolean
  bulk?: number
  only?: EntityName[]
  apiKey?: string
  progress: boolean
  json?: boolean
}

export function registerDataCommands (program: Command): void {
  program.command('create-dummy')
    .description('Write a dataset file in the seed\'s format with a sportsbook\'s structure: fixtures on each competition\'s ' +
      'calendar four weeks either side of now (about half still open) and coupons placed over the past four weeks by bettors ' +
      'with favourite sports, home leagues, favourite teams and coupon styles. The same --seed (and --now) gives the same file.')
    .option('--users <n>', 'number of users', integer(0), 100)
    .option('--events <n>', 'number of events', integer(0), 100)
    .option('--coupons <n>', 'number of coupons (needs at least one user and one event)', integer(0), 100)
    .option('--seed <n>', 'seed of the generator (default: random, printed)', integer(0, 2 ** 32 - 1))
    .option('--now <timestamp>', 'instant the calendar is centred on and coupons precede (default: the current time)', instant)
    .option('-o, --out <file>', 'file to write', 'data/dummy.json')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print what was written as JSON instead of text')
    .action(async (options: CreateDummyOptions) => {
      const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32)
      const started = performance.now()
      let bar: Progress | undefined
      const written = await writeDataset(options.out, { ...options, seed }, options.progress && options.json !== true
        ? (done, total) => { (bar ??= progressBar('records', total)).advance(done) }
        : undefined)
      bar?.stop()
      const seconds = (performance.now() - started) / 1000
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ file: options.out, ...written, seed, seconds: Number(seconds.toFixed(2)) }, null, 2)}\n`)
        return
      }
      process.stdout.write(`Wrote ${written.users} users, ${written.events} events and ${written.coupons} coupons ` +
        `to ${options.out} (${(written.bytes / 1024 / 1024).toFixed(1)} MiB, seed ${seed}) in ${seconds.toFixed(1)} s\n`)
    })

  program.command('upload')
    .description('Post a dataset file (the seed\'s format) to the API or the gateway: users, then events, then coupons. ' +
      'Prints per entity what was stored and what was refused. Exit code 0 when every record was stored or refused ' +
      'with a 4xx (refusals listed); 1 when records failed with 5xx or network errors after retries.')
    .argument('<file>', 'dataset file, e.g. one written by create-dummy or the seed\'s dummy.json')
    .addOption(new Option('--target <target>', 'where to post').choices(['api', 'gateway']).default('api'))
    .option('--url <url>', 'base URL (default: API_URL for the API, http://127.0.0.1:PRODUCER_PORT for the gateway)')
    .option('-c, --concurrency <n>', 'requests in flight at once', integer(1, 1024), DEFAULT_CONCURRENCY)
    .option('--sequential', 'one request at a time, like the seed\'s uploader (same as --concurrency 1)')
    .option('--bulk <n>', `records per request to the API's /<entity>/bulk routes (1-${MAX_BULK}; API only)`, integer(1, MAX_BULK))
    .option('--only <entities>', `entities to upload, comma-separated (${ENTITIES.join(',')})`, entityList)
    .option('--api-key <key>', 'X-API-Key to send (default: API_KEY, else the first of API_KEYS)')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the summary as JSON instead of text')
    .action(async (file: string, options: UploadCommandOptions) => {
      const config = configFromEnv()
      const defaultUrl = options.target === 'api' ? config.consumer.apiUrl : `http://127.0.0.1:${config.gatewayPort}`
      const summary = await uploadDataset({
        file,
        target: options.target,
        url: options.url ?? defaultUrl,
        concurrency: options.sequential === true ? 1 : options.concurrency,
        bulk: options.bulk,
        entities: options.only,
        apiKey: options.apiKey ?? config.consumer.apiKey,
        progress: options.progress
      }).catch(usageError)
      if (summary === undefined) return
      process.stdout.write(`${options.json === true ? JSON.stringify(summary, null, 2) : formatSummary(summary)}\n`)
      process.exitCode = summary.ok ? 0 : 1
    })
}
