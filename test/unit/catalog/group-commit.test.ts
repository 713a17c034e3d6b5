// groupCommit: one-record writes stored in groups. The writes of one event-loop turn form a group; writes
// arriving while a group is being stored go together into the next one, each answered with its own
// outcome; a failed group fails each of its writes, and the queue goes on with the next group.
import { describe, expect, it } from 'vitest'
import { groupCommit, type GroupOutcome } from '../../../src/catalog/group-commit.ts'

/** A set-wise writer whose groups are recorded and finish only when `release` is called. */
function heldWriter (answer: (input: number) => GroupOutcome<string>) {
  const groups: number[][] = []
  const pending: Array<() => void> = []
  const storeGroup = async (inputs: number[]): Promise<Array<GroupOutcome<string>>> => {
    groups.push(inputs)
    await new Promise<void>((resolve) => pending.push(resolve))
    if (inputs.includes(-1)) throw new Error('database down')
    return inputs.map(answer)
  }
  /** Lets the group being stored finish, and waits until the queue reacted. */
  const release = async (): Promise<void> => {
    pending.shift()?.()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { groups, storeGroup, release }
}

/** The end of the event loop's turn, where a group starts. */
const turn = async (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

const stored = (input: number): GroupOutcome<string> => ({ ok: true, written: `stored ${input}` })

describe('groupCommit', () => {
  it('stores a lone write at the end of the turn, in a group of its own', async () => {
    const writer = heldWriter(stored)
    const write = groupCommit(writer.storeGroup, 10)
    const answer = write(1)
    expect(writer.groups).toEqual([])
    await turn()
    expect(writer.groups).toEqual([[1]])
    await writer.release()
    await expect(answer).resolves.toBe('stored 1')
  })

  it('stores the writes of one turn together, without waiting for more', async () => {
    const writer = heldWriter(stored)
    const write = groupCommit(writer.storeGroup, 10)
    const answers = [1, 2, 3].map(write)
    await turn()
    expect(writer.groups).toEqual([[1, 2, 3]])
    await writer.release()
    await expect(Promise.all(answers)).resolves.toEqual(['stored 1', 'stored 2', 'stored 3'])
  })

  it('gathers the writes that arrive while a group is stored into the next group, in order', async () => {
    const writer = heldWriter(stored)
    const write = groupCommit(writer.storeGroup, 10)
    const first = write(1)
    await turn()
    const answers = [first, ...[2, 3, 4].map(write)]
    expect(writer.groups).toEqual([[1]])
    await writer.release()
    expect(writer.groups).toEqual([[1], [2, 3, 4]])
    await writer.release()
    await expect(Promise.all(answers)).resolves.toEqual(['stored 1', 'stored 2', 'stored 3', 'stored 4'])
  })

  it('puts at most maxGroup writes in one group', async () => {
    const writer = heldWriter(stored)
    const write = groupCommit(writer.storeGroup, 2)
    const answers = [1, 2, 3, 4, 5].map(write)
    await turn()
    for (let i = 0; i < 3; i++) await writer.release()
    expect(writer.groups).toEqual([[1, 2], [3, 4], [5]])
    await expect(Promise.all(answers)).resolves.toEqual(['stored 1', 'stored 2', 'stored 3', 'stored 4', 'stored 5'])
  })

  it("answers each write with its own record's outcome: a refusal reaches only its caller", async () => {
    const refused = new Error('conflict')
    const writer = heldWriter((input) => input === 3 ? { ok: false, error: refused } : stored(input))
    const write = groupCommit(writer.storeGroup, 10)
    const answers = [1, 2, 3, 4].map(async (input) => write(input).catch((error: unknown) => error))
    await turn()
    await writer.release()
    expect(writer.groups).toEqual([[1, 2, 3, 4]])
    await expect(Promise.all(answers)).resolves.toEqual(['stored 1', 'stored 2', refused, 'stored 4'])
  })

  it('fails every write of a group the store refused as a whole, then stores the next group', async () => {
    const writer = heldWriter(stored)
    const write = groupCommit(writer.storeGroup, 10)
    const first = write(1)
    await turn()
    const failing = [2, -1].map(async (input) => write(input).catch((error: unknown) => (error as Error).message))
    await writer.release()
    const later = write(5)
    await writer.release()
    await writer.release()
    expect(writer.groups).toEqual([[1], [2, -1], [5]])
    await expect(first).resolves.toBe('stored 1')
    await expect(Promise.all(failing)).resolves.toEqual(['database down', 'database down'])
    await expect(later).resolves.toBe('stored 5')
  })

  it('starts a new group for a write that arrives after the queue went idle', async () => {
    const writer = heldWriter(stored)
    const write = groupCommit(writer.storeGroup, 10)
    const first = write(1)
    await turn()
    await writer.release()
    await first
    const second = write(2)
    await turn()
    expect(writer.groups).toEqual([[1], [2]])
    await writer.release()
    await expect(second).resolves.toBe('stored 2')
  })
})
