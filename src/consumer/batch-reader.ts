// Gathers a stream's records into batches for the consume loop (worker.ts).
import type { Message, MessagesStream } from '@platformatic/kafka'

export type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>

/**
 * Gathers the stream's records into batches. The stream runs in flowing mode (the client's documented
 * way; its fetch loop only runs while someone listens) and is paused while two batches wait, so memory
 * stays bounded while the API works.
 */
export class BatchReader {
  private readonly buffer: KafkaMessage[] = []
  private wake: (() => void) | undefined
  private failure: unknown
  private ended = false

  constructor (private readonly stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, private readonly max: number) {
    stream.on('data', (message: KafkaMessage) => {
      this.buffer.push(message)
      if (this.buffer.length >= max * 2) stream.pause()
      this.wake?.()
    })
    stream.on('error', (error) => { this.failure = error; this.wake?.() })
    stream.on('close', () => { this.ended = true; this.wake?.() })
    stream.on('end', () => { this.ended = true; this.wake?.() })
  }

  /**
   * Up to max records, waiting for at least one; none when `idleMs` went by without any; undefined when the
   * stream ended or we are stopping.
   */
  async next (signal: AbortSignal, idleMs = Number.POSITIVE_INFINITY): Promise<KafkaMessage[] | undefined> {
    const until = Date.now() + idleMs
    while (this.buffer.length === 0) {
      if (this.failure !== undefined) throw this.failure
      if (this.ended || signal.aborted) return undefined
      const wait = until - Date.now()
      if (wait <= 0) return []
      await new Promise<void>((resolve) => {
        const timer = Number.isFinite(wait) ? setTimeout(() => done(), wait) : undefined
        const done = () => { clearTimeout(timer); this.wake = undefined; signal.removeEventListener('abort', done); resolve() }
        this.wake = done
        signal.addEventListener('abort', done)
      })
    }
    const batch = this.buffer.splice(0, this.max)
    if (this.stream.isPaused() && this.buffer.length < this.max) this.stream.resume()
    return batch
  }
}
