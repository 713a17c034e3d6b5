// The worker's commit bookkeeping: which record commits each partition of a batch, and which partitions
// it commits again because its group's offset fell behind what it delivered (a failed commit, or an older
// one from a consumer that lost the partition).
import { describe, expect, it } from 'vitest'
import { assignedPartitions, DeliveredOffsets, lastPerPartition } from '../../../src/consumer/commits.ts'

const at = (partition: number, offset: number) => ({ partition, offset: BigInt(offset) })

describe('lastPerPartition', () => {
  it('takes the last record of each partition, in partition order', () => {
    expect(lastPerPartition([at(2, 7), at(0, 3), at(2, 8), at(0, 4), at(1, 0)])).toEqual([at(0, 4), at(1, 0), at(2, 8)])
    expect(lastPerPartition([])).toEqual([])
  })
})

describe('assignedPartitions', () => {
  it("lists the topic's partitions this consumer owns, none outside its group", () => {
    const assignments = [{ topic: 'users', partitions: [0, 2] }, { topic: 'users.retry', partitions: [1] }]
    expect(assignedPartitions(assignments, 'users')).toEqual([0, 2])
    expect(assignedPartitions(assignments, 'coupons')).toEqual([])
    expect(assignedPartitions(null, 'users')).toEqual([])
  })
})

describe('DeliveredOffsets', () => {
  it('answers the records that commit a batch, and remembers the furthest delivered per partition', () => {
    const delivered = new DeliveredOffsets()
    expect(delivered.note([at(0, 5), at(1, 2), at(0, 6)])).toEqual([at(0, 6), at(1, 2)])
    // A batch read again after a rebalance does not take the bookkeeping back.
    expect(delivered.note([at(0, 4)])).toEqual([at(0, 4)])
    expect(delivered.behind([0, 1], () => -1n)).toEqual([at(0, 6), at(1, 2)])
  })

  it('names the owned partitions whose group offset is below the offset after the last record delivered', () => {
    const delivered = new DeliveredOffsets()
    delivered.note([at(0, 9), at(1, 19), at(2, 29)])
    const committed = new Map([[0, 10n], [1, 12n], [2, 31n]])
    // 0 is up to date; 1 fell behind (a failed commit, or an older one after it); 2 is further on (another
    // consumer delivered more since): nothing to do there.
    expect(delivered.behind([0, 1, 2], (p) => committed.get(p))).toEqual([at(1, 19)])
  })

  it('counts a partition never committed as behind, and leaves alone those it does not own or never delivered on', () => {
    const delivered = new DeliveredOffsets()
    delivered.note([at(0, 0), at(1, 4)])
    expect(delivered.behind([0, 1, 2], (p) => (p === 1 ? undefined : -1n))).toEqual([at(0, 0), at(1, 4)])
    expect(delivered.behind([1], () => -1n)).toEqual([at(1, 4)])
    expect(delivered.delivered([1, 2, 3])).toEqual([1])
  })
})
