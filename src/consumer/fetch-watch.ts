// A watchdog for a stream whose fetching stopped without an error (see watchFetches).
import type { Consumer, MessagesStream } from '@platformatic/kafka'
import { CONSUMER_DEFAULTS } from './defaults.ts'

/** Longest a stream with partitions assigned, not paused here, may go without a fetch (why: in CONSUMER_DEFAULTS). */
const STALLED_FETCH_MS = CONSUMER_DEFAULTS.stalledFetchMs

/**
 * Fails a stream whose fetching stopped without an error, so runWorker starts again with a new consumer
 * from the last commit. The client skips a broker while a fetch to it is in flight, and only forgets such
 * a fetch when another fetch starts; one whose answer never comes therefore stops the stream for good.
 * Seen in the fault-injection run after a consumer restart: two partitions of a retry topic were never
 * read again, and their records waited until the next restart.
 */
export function watchFetches (stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, consumer: Consumer<Buffer, Buffer, Buffer, Buffer>, onStall: () => void): () => void {
  let lastFetch = Date.now()
  const onFetch = () => { lastFetch = Date.now() }
  stream.on('fetch', onFetch)
  const timer = setInterval(() => {
    const assigned = consumer.assignments?.some((a) => a.partitions.length > 0) === true
    // Paused by the batch reader (the API is slow or down), or nothing to read: not fetching is right.
    if (stream.isPaused() || !assigned) lastFetch = Date.now()
    else if (Date.now() - lastFetch > STALLED_FETCH_MS) {
      onStall()
      stream.destroy(new Error(`no fetch for ${STALLED_FETCH_MS / 1000} s with partitions assigned`))
    }
  }, CONSUMER_DEFAULTS.stalledFetchCheckMs)
  return () => {
    clearInterval(timer)
    stream.off('fetch', onFetch)
  }
}
