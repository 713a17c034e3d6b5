// A consumer whose Kafka client gives up on its group: the client says so with an 'error' event on the
// consumer itself (seen when the broker came back after a freeze and an outage). The worker must take it
// as a reason to reconnect, not let it end the process, and go on storing records.
import { Consumer } from '@platformatic/kafka'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.ts'
import { countRows, userBody } from '../helpers/records.ts'

type Consume = typeof Consumer.prototype.consume

describe('a consumer client that reports a lost group', () => {
  const consume = Consumer.prototype.consume
  let p: Pipeline | undefined
  afterEach(async () => {
    Consumer.prototype.consume = consume
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
})
