// Where the records to upload come from: a dataset file read as a stream, or a dataset already in memory.
// Either way records reach the senders as JSON text, in the file's order, a batch at a time.
import { createReadStream } from 'node:fs'
import type { EntityName } from '../../domain/entities.ts'
import { ENTITIES } from '../../kafka/topics.ts'
import { ArrayElementScanner, type Emit } from './scanner.ts'

export interface DatasetRecords { users?: unknown[], events?: unknown[], coupons?: unknown[] }

/** Records per entity; undefined when the dataset has no such array at all. */
export type DatasetCounts = Record<EntityName, number | undefined>

export interface Source {
  counts (): Promise<DatasetCounts>
  records (entity: EntityName): AsyncIterable<string> | Iterable<string>
}

const READ_CHUNK = 1 << 20

/** One entity's records from a dataset file, as their JSON text, streamed. */
export async function * datasetFileRecords (file: string, entity: EntityName): AsyncGenerator<string> {
  const scanner = new ArrayElementScanner(new Set([entity]), true)
  const batch: string[] = []
  const emit: Emit = (_key, text) => { batch.push(text) }
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) {
    scanner.push(chunk as Buffer, emit)
    yield * batch
    batch.length = 0
    // The counting pass has checked the rest of the file already; leaving the loop closes the stream.
    if (scanner.finished) return
  }
  scanner.end()
}

/** Records per entity in a dataset file, in one streaming pass that also checks the file's structure. */
export async function countDatasetFile (file: string): Promise<DatasetCounts> {
  const counts: DatasetCounts = { users: undefined, events: undefined, coupons: undefined }
  const scanner = new ArrayElementScanner(new Set(ENTITIES), false)
  const emit: Emit = (key) => { counts[key as EntityName] = (counts[key as EntityName] ?? 0) + 1 }
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) scanner.push(chunk as Buffer, emit)
  scanner.end()
  for (const key of scanner.found) counts[key as EntityName] ??= 0
  return counts
}

export function fileSource (file: string): Source {
  return { counts: () => countDatasetFile(file), records: (entity) => datasetFileRecords(file, entity) }
}

export function memorySource (dataset: DatasetRecords): Source {
  return {
    counts: async () => ({ users: dataset.users?.length, events: dataset.events?.length, coupons: dataset.coupons?.length }),
    // Serialised one at a time as workers ask, so a large in-memory dataset is not held twice.
    records: function * (entity) {
      for (const record of dataset[entity] ?? []) yield JSON.stringify(record)
    }
  }
}

/** Groups of up to `size` records; workers share one of these, and an async generator serves them in turn. */
export async function * batches (records: AsyncIterable<string> | Iterable<string>, size: number): AsyncGenerator<string[]> {
  let batch: string[] = []
  for await (const record of records) {
    batch.push(record)
    if (batch.length === size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}
