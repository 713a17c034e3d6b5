// Which offsets a worker commits, and which it commits again (worker.ts). A batch is committed by the
// offset after its last record on each partition. A group offset can still end up behind what was
// delivered, with nothing left to fetch that would move it on: the commit failed while the stream went on
// (the broker's coordinator was away or still loading after a restart), or a consumer that lost the
// partition in a rebalance committed its older batch after the new owner had committed a newer one (the
// client retries a commit refused for a stale generation after rejoining, and the broker does not check
// who owns a partition). Nothing is lost, but the lag never reaches zero, and after a restart the records
// would be read and delivered again. So each worker compares, every COMMIT_CHECK_MS, its group's offsets
// with what it delivered on the partitions it owns, and commits again those that fell behind.

/** How often a worker compares its group's committed offsets with what it delivered. */
export const COMMIT_CHECK_MS = 10_000

/** The part of a record the bookkeeping needs. */
export interface Delivered { partition: number, offset: bigint }

/** The last record of each partition, in partition order: committing its offset commits the partition's part of the batch. */
export function lastPerPartition<M extends Delivered> (batch: readonly M[]): M[] {
  const last = new Map<number, M>()
  for (const message of batch) last.set(message.partition, message)
  return [...last.values()].sort((a, b) => a.partition - b.partition)
}

/** The partitions of `topic` assigned to this consumer now (none while it is not in its group). */
export function assignedPartitions (assignments: ReadonlyArray<{ topic: string, partitions: number[] }> | null | undefined, topic: string): number[] {
  return assignments?.find((a) => a.topic === topic)?.partitions ?? []
}

/** The last record a worker delivered on each partition, for as long as its stream lives. */
export class DeliveredOffsets<M extends Delivered> {
  private readonly last = new Map<number, M>()

  /** Notes a delivered batch; answers the record to commit per partition. */
  note (batch: readonly M[]): M[] {
    const last = lastPerPartition(batch)
    for (const message of last) {
      const known = this.last.get(message.partition)
      if (known === undefined || known.offset < message.offset) this.last.set(message.partition, message)
    }
    return last
  }

  /** The partitions among `assigned` on which this worker delivered something. */
  delivered (assigned: readonly number[]): number[] {
    return assigned.filter((p) => this.last.has(p))
  }

  /**
   * The records to commit again: on each partition assigned, the last one delivered here, when the group's
   * committed offset (-1 or undefined: none) is below the offset after it. Committing it is always safe:
   * every record before it was delivered, by this worker since it started reading from an earlier commit,
   * or by whoever made that commit.
   */
  behind (assigned: readonly number[], committed: (partition: number) => bigint | undefined): M[] {
    const behind: M[] = []
    for (const partition of assigned) {
      const message = this.last.get(partition)
      if (message === undefined) continue
      const offset = committed(partition) ?? -1n
      if (offset < message.offset + 1n) behind.push(message)
    }
    return behind
  }
}
