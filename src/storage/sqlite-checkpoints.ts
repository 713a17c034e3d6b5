// SQLite's WAL checkpoints on a worker thread. By default the connection that commits a transaction also
// copies the write-ahead log back into the database file once it passes 1,000 pages, and syncs that file
// to disk: inside the commit, on the API's event loop. At full scale a batch of 1,000 coupons writes some
// 8,500 pages, so nearly every bulk commit paid for a checkpoint and its fsync. Here the API's connection
// never checkpoints; a second connection on a worker thread does, once a second, without waiting for
// readers or writers (PASSIVE). Once a second rather than more often: a page several commits dirtied in
// between is copied once (bulk load at a million coupons, per coupon: 305 µs of wall time and 243 µs of
// CPU with SQLite's own checkpoints, 205 and 230 with this, 225 and 275 checkpointing every 200 ms).
// Should the worker fail, the API's connection checkpoints again as SQLite does by default, so the log
// cannot grow without bound.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type SQLite from 'better-sqlite3'
import { SQLITE_DEFAULTS } from './defaults.ts'

// Plain JavaScript run by the worker (eval: no loader is needed to start it from source or from dist/).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const SQLite = require(workerData.driver)
const db = new SQLite(workerData.path, { fileMustExist: true })
db.pragma('journal_size_limit = ' + workerData.journalSizeLimitBytes)
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch (error) {
    if (error.code !== 'SQLITE_BUSY') throw error
  }
}, workerData.intervalMs)
parentPort.on('message', () => {
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

export interface Checkpointer {
  /** Stops the worker and closes its connection (the API's own close then checkpoints what is left). */
  stop (): Promise<void>
}

/** Moves `sqlite`'s checkpoints (a file database in WAL mode) to a worker thread. */
export function checkpointOnWorker (sqlite: SQLite.Database, path: string): Checkpointer {
  sqlite.pragma(`journal_size_limit = ${SQLITE_DEFAULTS.journalSizeLimitBytes}`)
  sqlite.pragma('wal_autocheckpoint = 0')
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path,
      intervalMs: SQLITE_DEFAULTS.checkpointIntervalMs,
      journalSizeLimitBytes: SQLITE_DEFAULTS.journalSizeLimitBytes
    }
  })
  // A worker that stops unasked (it failed to open the file, or a checkpoint failed) hands the job back,
  // and says so on the process's warning channel (printed to stderr).
  let stopping = false
  let failure: unknown
  worker.on('error', (error) => { failure = error })
  const exited = new Promise<void>((resolve) => worker.once('exit', () => {
    if (!stopping && sqlite.open) {
      sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULTS.fallbackAutocheckpointPages}`)
      process.emitWarning(`SQLite checkpoints are back on the database's own connection: the checkpoint worker stopped (${String(failure)})`, { code: 'SQLITE_CHECKPOINTER_STOPPED' })
    }
    resolve()
  }))
  // The worker never keeps a process alive: one that exits without closing loses no data (the log is replayed on open).
  worker.unref()
  return {
    async stop () {
      stopping = true
      // Held alive while it stops: a caller awaiting this must not see the process end under it.
      worker.ref()
      worker.postMessage('stop')
      await exited
    }
  }
}
