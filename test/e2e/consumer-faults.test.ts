// A consumer whose Kafka client fails quietly: it gives up on its group with an 'error' event on the
// consumer itself, or its fetch loop stops because one fetch never got an answer (both seen in the
// fault-injection run). The worker must reconnect, not end the process or wait forever, and go on storing.
import { Consumer } from '@platformatic/kafka'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.ts'
import { countRows, userBody } from '../helpers/records.ts'

type Consume = typeof Consumer.prototype.consume
type Fetch = typeof Consumer.prototype.fetch

describe('a consumer client that reports a lost group', () => {
  const consume = Consumer.prototype.consume
  const fetch = Consumer.prototype.fetch
  let p: Pipeline | undefined
  afterEach(async () => {
    Consumer.prototype.consume = consume
    Consumer.prototype.fetch = fetch
    await p?.close()
    p = undefined
  })

  it('reconnects and goes on storing, instead of crashing on the unheard error event', async () => {
    let calls = 0
    // The first consumer the pipeline opens reports, shortly after it starts, the error the client emits
    // when rejoining its group failed every retry.
    Consumer.prototype.consume = async function (this: Consumer, ...args: Parameters<Consume>) {
      const stream = await (consume as (...a: unknown[]) => Promise<unknown>).apply(this, args)
      if (calls++ === 0) setTimeout(() => this.emit('error', new Error('rejoinGroup failed 6 times. (injected)')), 300)
      return stream
    } as Consume

    p = await startPipeline('sqlite', { TOPICS: 'users' })
    // Two workers (the topic and its retry topic), and one more consumer for the one that reconnected.
    await eventually(async () => calls, (n) => n >= 3)
    for (const id of [1, 2, 3]) expect((await p.post('/users', userBody({ id }))).status).toBe(202)
    await eventually(() => countRows((p as Pipeline).db.database.db, 'users'), (n) => n === 3)
  })

  it('reconnects when its fetch loop stops because one fetch never got an answer, and stores what came meanwhile', async () => {
    // The first consumer of the main topic loses the answer to its fifth fetch: from then on the client,
    // which skips a broker with a fetch in flight, never fetches again by itself.
    let victim: Consumer | undefined
    let fetches = 0
    Consumer.prototype.fetch = function (this: Consumer, ...args: Parameters<Fetch>) {
      if (victim === undefined && !this.groupId.endsWith('.retry')) victim = this
      if (this === victim && ++fetches === 5) return
      return (fetch as (...a: unknown[]) => unknown).apply(this, args)
    } as Fetch

    p = await startPipeline('sqlite', { TOPICS: 'users' })
    await eventually(async () => fetches, (n) => n >= 5)
    for (const id of [1, 2, 3]) expect((await p.post('/users', userBody({ id }))).status).toBe(202)
    await eventually(() => countRows((p as Pipeline).db.database.db, 'users'), (n) => n === 3, 110_000)
  }, 150_000)
})
