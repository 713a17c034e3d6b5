// Group commit for one-record writes. A single POST in a transaction of its own pays a whole commit (the
// log pages of every B-tree the record and its recommender state touch), at full scale more than its
// statements cost. Writes that arrive while a group is being stored wait, and are stored together in
// the next group by the set-wise bulk path; each caller still gets its own record's answer, only after
// the transaction holding it committed. A write that finds no group running starts one at the end of the
// event loop's turn, so a lone request waits for nothing but that turn.

/** One record's outcome in a group, as the bulk path reports it. */
export type GroupOutcome<O> = { ok: true, written: O } | { ok: false, error: unknown }

interface Waiting<I, O> { input: I, resolve: (value: O) => void, reject: (error: unknown) => void }

/**
 * Wraps a set-wise writer (`storeGroup`, one transaction for all of its inputs, one outcome per input in
 * order) as a one-record writer. At most one group is being stored at a time and at most `maxGroup`
 * records go in one. When the whole group fails (the database, not a record, refused it), every caller
 * in it gets that error, as each would have from a transaction of its own.
 */
export function groupCommit<I, O> (storeGroup: (inputs: I[]) => Promise<Array<GroupOutcome<O>>>, maxGroup: number): (input: I) => Promise<O> {
  const waiting: Array<Waiting<I, O>> = []
  let storing = false

  async function drain (): Promise<void> {
    while (waiting.length > 0) {
      const group = waiting.splice(0, maxGroup)
      try {
        const outcomes = await storeGroup(group.map((w) => w.input))
        group.forEach((w, i) => {
          const outcome = outcomes[i] as GroupOutcome<O>
          if (outcome.ok) w.resolve(outcome.written)
          else w.reject(outcome.error)
        })
      } catch (error) {
        for (const w of group) w.reject(error)
      }
    }
    storing = false
  }

  return async (input: I): Promise<O> => new Promise<O>((resolve, reject) => {
    waiting.push({ input, resolve, reject })
    if (storing) return
    storing = true
    // On SQLite a transaction runs from start to commit without yielding to the event loop, so the other
    // requests read in the same turn would find it finished and each start a group of its own; waiting
    // for the turn's end lets them join this group. drain settles every caller itself and never rejects.
    setImmediate(() => { drain().catch(() => {}) })
  })
}
