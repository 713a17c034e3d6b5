// Upload a dataset (the seed's file format) to the API or the gateway: bounded concurrency over one keep-alive
// pool, retries for transient failures, a progress bar, and per entity what was stored and what was refused.
// This module runs the upload; reading, sending, accounting and options live in the modules beside it.
import type { EntityName } from '../../domain/entities.ts'
import { progressBar } from '../progress.ts'
import { openClient, sendBulk, sendOne, type Client } from './http.ts'
import { checkOptions, type UploadOptions } from './options.ts'
import { DatasetFormatError } from './scanner.ts'
import { batches, fileSource, memorySource, type DatasetRecords, type Source } from './sources.ts'
import { FailureBudget, Tally, uploadSummary, type EntitySummary, type UploadSummary } from './summary.ts'

export { ENTITIES } from '../../kafka/topics.ts'
// The API's bulk routes take at most this many records per request.
export { MAX_BULK_RECORDS as MAX_BULK } from '../../domain/schemas.ts'
export { DEFAULT_CONCURRENCY, type UploadOptions, type UploadTarget } from './options.ts'
export { DatasetFormatError } from './scanner.ts'
export { countDatasetFile, datasetFileRecords, type DatasetRecords } from './sources.ts'
export { formatSummary, type EntitySummary, type UploadSummary } from './summary.ts'

/** What every entity's upload shares. */
interface Run {
  client: Client
  source: Source
  budget: FailureBudget
  concurrency: number
  /** Records per bulk request; undefined: one record per request. */
  bulk: number | undefined
  showProgress: boolean
}

/** Upload a dataset entity by entity; resolves with the summary (it throws only for bad options or a bad file). */
export async function uploadDataset (options: UploadOptions): Promise<UploadSummary> {
  const checked = checkOptions(options)
  const source = options.file !== undefined ? fileSource(options.file) : memorySource(options.dataset as DatasetRecords)
  // Counting first checks the whole file's structure before anything is sent, and sizes the progress bars.
  const counts = await source.counts()
  if (checked.entities.every((entity) => counts[entity] === undefined)) {
    throw new DatasetFormatError(`the dataset has none of ${checked.entities.join(', ')}`)
  }

  const run: Run = {
    client: openClient(checked, options.apiKey),
    source,
    budget: new FailureBudget(checked.maxFailures),
    concurrency: checked.concurrency,
    bulk: checked.bulk,
    showProgress: options.progress === true
  }
  const summaries: EntitySummary[] = []
  const started = performance.now()
  try {
    for (const entity of checked.entities) {
      if (run.budget.aborted !== undefined) break
      summaries.push(await uploadEntity(run, entity, counts[entity] ?? 0))
    }
  } finally {
    await run.client.pool.close()
  }
  return uploadSummary(checked, summaries, (performance.now() - started) / 1000, run.budget.aborted)
}

async function uploadEntity ({ client, source, budget, concurrency, bulk, showProgress }: Run, entity: EntityName, total: number): Promise<EntitySummary> {
  const tally = new Tally(entity, budget)
  const progress = showProgress ? progressBar(entity.padEnd(7), total) : undefined
  const work = batches(source.records(entity), bulk ?? 1)
  const started = performance.now()

  const worker = async (): Promise<void> => {
    while (budget.aborted === undefined) {
      const next = await work.next()
      if (next.done === true) return
      tally.sent += next.value.length
      if (bulk === undefined) await sendOne(client, tally, next.value[0] as string)
      else await sendBulk(client, tally, next.value)
      progress?.advance(tally.stored + tally.refused + tally.failed)
    }
  }
  // allSettled: when reading fails, the other workers' requests in flight still finish before the pool closes.
  const outcomes = await Promise.allSettled(Array.from({ length: concurrency }, worker))
  progress?.stop()
  const failure = outcomes.find((o) => o.status === 'rejected')
  if (failure !== undefined) throw failure.reason
  return tally.summary(total, (performance.now() - started) / 1000)
}
