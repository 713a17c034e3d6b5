// Finding one dead-lettered record by its position, reading only that offset.
import { CodedError, ErrorCodes } from '../../domain/errors.ts'
import type { Config } from '../../config/config.ts'
import { DEFAULT_READ_TIMEOUT_MS, existingTopics, partitionRanges, readRanges, withClients, type DeadLetter, type Position, type ReadOptions } from './read.ts'

/** A dead-lettered record the operator asked for is not in the topic: a usage error, not a failure. */
export class DeadLetterNotFoundError extends CodedError {
  override name = 'DeadLetterNotFoundError'
  constructor (message: string, options?: ErrorOptions) {
    super(ErrorCodes.deadLetterNotFound, message, false, options)
  }
}

/** The record at that position, or undefined when the topic, partition or offset does not hold one. */
export async function findDeadLetter (config: Config, position: Position, options: ReadOptions = {}): Promise<DeadLetter | undefined> {
  return withClients(config, async (clients) => {
    if ((await existingTopics(clients.admin, [position.topic])).length === 0) return undefined
    const range = (await partitionRanges(clients.consumer, [position.topic])).find((r) => r.partition === position.partition)
    const offset = BigInt(position.offset)
    if (range === undefined || offset < range.start || offset >= range.end) return undefined
    const [record] = await readRanges(clients.consumer, [{ ...range, start: offset, end: offset + 1n }], options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS)
    return record?.offset === position.offset ? record : undefined
  })
}
